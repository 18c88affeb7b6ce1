"""The statement's columns as exported (CSV/XLSX through `core.exports`): one row per line,
amounts as numbers, the leader naming a consortium's line."""

from billing.models import StatementLine
from core.exports import Column

AMOUNT_HEADERS = {
    "amount_due": "Valor devido",
    "discount": "Desconto por indisponibilidade",
    "imr_adjustment": "Glosa (IMR)",
    "fines": "Multas",
    "corrections": "Correções",
    "net": "Valor líquido",
}


def _amount(name: str) -> Column:
    return Column(AMOUNT_HEADERS[name], lambda line: getattr(line, name), 16)


def _members(line: StatementLine) -> str:
    """A consortium's members with their shares (uses the prefetched shares)."""
    return " / ".join(f"{share.carrier.name} ({share.share:.2f}%)" for share in line.shares.all())


LINE_COLUMNS = [
    Column("Designação", lambda line: line.link.circuit_id, 16),
    Column("Órgão / Entidade", lambda line: line.agency.code, 12),
    Column("Lote", lambda line: line.lot.number, 6),
    Column("Operadora", lambda line: line.carrier.name, 24),
    Column("Consórcio", _members, 36),
    Column("Minutos ativos", lambda line: line.active_minutes, 10),
    Column("Minutos descontados", lambda line: line.outage_minutes, 10),
    *(_amount(name) for name in AMOUNT_HEADERS),
]
