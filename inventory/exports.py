"""The link list's columns as exported (`core.exports` writes the file)."""

from core.exports import Column
from inventory.models import Link


def lot_contractor(link: Link) -> str:
    """The lot's carrier, or its consortium's members leader first (uses prefetched members)."""
    return " / ".join(member.carrier.name for member in link.lot.members.all())


LINK_COLUMNS = [
    Column("Designação", lambda link: link.circuit_id, 16),
    Column("Órgão / Entidade", lambda link: link.agency.code, 12),
    Column("Município", lambda link: link.municipality.name, 22),
    Column("Endereço", lambda link: link.current_address, 40),
    Column("Lote", lambda link: link.lot.number, 6),
    Column("Operadora", lot_contractor, 30),
    Column("Velocidade (Mbps)", lambda link: link.current_speed_mbps, 10),
    Column("Tipo", lambda link: link.get_access_type_display(), 12),
    Column("Situação", lambda link: link.get_status_display(), 12),
    Column("Ativado em", lambda link: link.activated_at, 17),
    Column("Cancelado em", lambda link: link.cancelled_at, 17),
]
