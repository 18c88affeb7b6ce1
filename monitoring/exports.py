"""Columns of the outage list's export (core.exports.export_response writes the file)."""

from core.exports import Column
from inventory.exports import lot_contractor

OUTAGE_COLUMNS = [
    Column("Designação", lambda o: o.link.circuit_id, 16),
    Column("Órgão / Entidade", lambda o: o.link.agency.code, 12),
    Column("Município", lambda o: o.link.municipality.name, 22),
    Column("Lote", lambda o: o.link.lot.number, 6),
    Column("Operadora", lambda o: lot_contractor(o.link), 30),
    Column("Tipo", lambda o: o.get_kind_display(), 12),
    Column("Origem", lambda o: o.get_source_display(), 20),
    Column("Início", lambda o: o.start, 17),
    Column("Fim", lambda o: o.end, 17),
    Column("Minutos", lambda o: int(o.length.total_seconds()) // 60, 10),
    Column("Responsabilidade", lambda o: o.get_responsibility_display(), 24),
    Column("Referência", lambda o: o.reference, 20),
]
