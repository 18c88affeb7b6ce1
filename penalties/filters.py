"""The proceeding list's filters; the choice lists offer only what the user may see."""

import django_filters
from django.http import HttpRequest

from core.sorting import Header, SortFilter
from inventory.models import Carrier, Lot
from penalties.choices import ProceedingStatus, Sanction
from penalties.models import Proceeding
from redegov.filters import CachedModelChoiceFilter


def visible_carriers(request: HttpRequest):
    seen = Proceeding.objects.visible_to(request.user).values("carrier_id")
    return Carrier.objects.filter(pk__in=seen)


def visible_lots(request: HttpRequest):
    seen = Proceeding.objects.visible_to(request.user).values("lot_id")
    return Lot.objects.filter(pk__in=seen)


# The proceeding list's columns and how each sorts (docs/ui.md, "Listas: ordenação").
PROCEEDING_HEADERS = [
    Header("Número", "number"),
    Header("Contrato", "contract", "contract__number"),
    Header("Lote", "lot", "lot__number"),
    Header("Operadora", "carrier", "carrier__name"),
    Header("Sanção", "sanction"),
    Header("Situação", "status"),
    Header("Multa", "amount", numeric=True),
    Header("Prazo", "due", "due_date"),
    Header("Aberto em", "opened", "opened_at"),
]


class ProceedingFilter(django_filters.FilterSet):
    """Filters of `penalties.selectors.proceeding_list(user=...)`."""

    q = django_filters.CharFilter(field_name="number", lookup_expr="icontains", label="Número")
    status = django_filters.MultipleChoiceFilter(choices=ProceedingStatus.choices, label="Situação")
    sanction = django_filters.ChoiceFilter(
        choices=Sanction.choices, label="Sanção", empty_label="Todas"
    )
    carrier = CachedModelChoiceFilter(
        queryset=visible_carriers, label="Operadora", empty_label="Todas"
    )
    lot = CachedModelChoiceFilter(queryset=visible_lots, label="Lote", empty_label="Todos")
    o = SortFilter(headers=PROCEEDING_HEADERS, default="-opened")

    class Meta:
        model = Proceeding
        fields: list[str] = []
