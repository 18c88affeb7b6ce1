"""The columns of the IMR results export (CSV, XLSX): one row per result."""

from decimal import Decimal

from core.exports import Column
from sla.choices import Scope


def _percent(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _met(result) -> str:
    return {True: "Sim", False: "Não", None: "Não se aplica"}[result.outcome.met]


RESULT_COLUMNS = [
    Column("Indicador", lambda r: r.code, 9),
    Column("Abrangência", lambda r: Scope(r.scope).label, 18),
    Column("Designação", lambda r: r.circuit_id, 16),
    Column("Órgão / Entidade", lambda r: r.agency_code, 12),
    Column("Contrato", lambda r: r.lot.contract_number, 18),
    Column("Lote", lambda r: r.lot.number, 6),
    Column("Operadora (líder)", lambda r: r.lot.carrier_name, 24),
    Column("Resultado (%)", lambda r: _percent(r.value_text), 12),
    Column("Meta (%)", lambda r: r.outcome.target, 10),
    Column("Meta cumprida", _met, 12),
    Column("Faixa de glosa (%)", lambda r: r.outcome.band, 12),
    Column("Numerador", lambda r: r.numerator, 12),
    Column("Denominador", lambda r: r.denominator, 12),
]
