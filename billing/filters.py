"""The statement's filters. The choice lists offer only what appears on the lines the user may
see in that month, so a carrier's lot filter never names another carrier's lot."""

from typing import cast

import django_filters
from django import forms
from django.db.models import QuerySet

from billing.models import StatementLine
from core.sorting import Header, SortFilter
from inventory.models import Agency, Carrier, Lot, LotMember
from redegov.filters import CachedModelChoiceFilter

# A month's statement columns and how each sorts (docs/ui.md, "Listas: ordenação"); the six
# amounts are those of templates/billing/_amount_headers.html.
LINE_HEADERS = [
    Header("Designação", "circuit", "link__circuit_id"),
    Header("Órgão / Entidade", "agency", "agency__code"),
    Header("Lote", "lot", "lot__number"),
    Header("Operadora", "carrier", "carrier__name"),
    Header("Minutos descontados", "minutes", "outage_minutes", numeric=True),
    Header("Valor devido", "due", "amount_due", numeric=True),
    Header("Desconto por indisponibilidade", "discount", numeric=True),
    Header("Glosa (IMR)", "imr", "imr_adjustment", numeric=True),
    Header("Multas", "fines", numeric=True),
    Header("Correções", "corrections", numeric=True),
    Header("Valor líquido", "net", numeric=True),
]


class LineFilter(django_filters.FilterSet):
    """Filters of a month's statement, applied to `billing.selectors.line_list(user=, period=)`."""

    q = django_filters.CharFilter(
        field_name="link__circuit_id",
        lookup_expr="icontains",
        label="Designação",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "BHZ-0001"}),
    )
    agency = CachedModelChoiceFilter(
        queryset=Agency.objects.none(), label="Órgão / Entidade", empty_label="Todos"
    )
    carrier = CachedModelChoiceFilter(
        queryset=Carrier.objects.none(), method="in_lots_of", label="Operadora", empty_label="Todas"
    )
    lot = CachedModelChoiceFilter(queryset=Lot.objects.none(), label="Lote", empty_label="Todos")
    o = SortFilter(headers=LINE_HEADERS, default="circuit")

    class Meta:
        model = StatementLine
        fields: list[str] = []

    def __init__(self, data=None, queryset: QuerySet[StatementLine] | None = None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # FilterSet sets its queryset from the argument, or from Meta.model when none is given.
        lines = cast(QuerySet[StatementLine], self.queryset)
        filters = cast(dict[str, django_filters.ModelChoiceFilter], self.filters)
        lots = lines.values_list("lot_id", flat=True)
        filters["agency"].queryset = Agency.objects.filter(
            pk__in=lines.values_list("agency_id", flat=True)
        )
        filters["lot"].queryset = Lot.objects.filter(pk__in=lots)
        filters["carrier"].queryset = Carrier.objects.filter(
            pk__in=LotMember.objects.filter(lot__in=lots).values_list("carrier_id", flat=True)
        )

    def in_lots_of(
        self, queryset: QuerySet[StatementLine], name: str, value: Carrier
    ) -> QuerySet[StatementLine]:
        """Lines of the lots where the carrier is the contractor or a consortium member."""
        return queryset.filter(lot__in=Lot.objects.filter(members__carrier=value))
