"""The IMR lists' columns and how each sorts (docs/ui.md, "Listas: ordenação"). A month's
results per access are computed in memory (`sla.selectors.month_view`), so they are sorted
there, after the access policy and the filters chose them; the repeated-breach flags are rows."""

import django_filters

from core.sorting import Header, Sort, SortFilter
from sla.models import BreachFlag

ACCESS_RESULT_SORT = Sort(
    headers=[
        Header("Indicador", "code"),
        Header("Designação", "circuit", "circuit_id"),
        Header("Órgão / Entidade", "agency", "agency_code"),
        Header("Lote", "lot", "lot.number"),
        Header("Operadora (líder)", "carrier", "lot.carrier_name"),
        Header("Tipo", "type", "access_type"),
        Header("Minutos ativos", "active", "inputs.active_minutes", numeric=True),
        Header("Minutos descontados", "counted", "inputs.counted_minutes", numeric=True),
        Header("Disponibilidade", "value", "outcome.value", numeric=True),
        Header("Meta", "target", "outcome.target", numeric=True),
        Header("Situação", "met", "outcome.met"),
        Header("Faixa de glosa", "band", "outcome.band", numeric=True),
    ],
    tie_break=["circuit_id", "code"],
)


FLAG_HEADERS = [
    Header("Competência", "month", ("last_month__year", "last_month__month")),
    Header("Indicador", "code"),
    Header("Lote", "lot", ("lot__contract__number", "lot__number")),
    Header("Operadora (líder)", "carrier", "carrier__name"),
    Header("Regra", "rule"),
    Header("Meses"),
    Header("Situação", "status"),
]


class FlagFilter(django_filters.FilterSet):
    """The repeated-breach flags: sorting only."""

    o = SortFilter(headers=FLAG_HEADERS, default="-month")

    class Meta:
        model = BreachFlag
        fields: list[str] = []
