"""The order list's filters; every choice list offers only what the user may see."""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from core.sorting import Header, SortFilter
from inventory.models import Agency, Carrier, Lot, Municipality
from orders.choices import OrderStatus, OrderType
from orders.models import Order
from redegov.filters import CachedModelChoiceFilter
from redegov.widgets import LabelledDateRangeWidget


def _visible(request: HttpRequest, field: str):
    return Order.objects.visible_to(request.user).values(field)


def visible_agencies(request: HttpRequest) -> QuerySet[Agency]:
    return Agency.objects.filter(pk__in=_visible(request, "agency_id"))


def visible_carriers(request: HttpRequest) -> QuerySet[Carrier]:
    return Carrier.objects.filter(pk__in=_visible(request, "carrier_id"))


def visible_lots(request: HttpRequest) -> QuerySet[Lot]:
    return Lot.objects.filter(pk__in=_visible(request, "lot_id"))


def visible_municipalities(request: HttpRequest) -> QuerySet[Municipality]:
    return Municipality.objects.filter(pk__in=_visible(request, "municipality_id"))


# The order list's columns and how each sorts (docs/ui.md, "Listas: ordenação"). The numbers
# follow the opening (OS-2026-000123), so the newest first is the default.
ORDER_HEADERS = [
    Header("Número", "number"),
    Header("Tipo", "type", "order_type"),
    Header("Situação", "status"),
    Header("Órgão", "agency", "agency__code"),
    Header("Município", "municipality", "municipality__name"),
    Header("Lote", "lot", "lot__number"),
    Header("Operadora", "carrier", "carrier__name"),
    Header("Prazo", "due", "due_at"),
    Header("Relógio"),
]


class OrderFilter(django_filters.FilterSet):
    """Filters of the order list, applied to `orders.selectors.order_list(user=...)`."""

    q = django_filters.CharFilter(
        field_name="number",
        lookup_expr="icontains",
        label="Número",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "OS-2026-000123"}),
    )
    order_type = django_filters.ChoiceFilter(
        choices=OrderType.choices, label="Tipo", empty_label="Todos"
    )
    status = django_filters.ChoiceFilter(
        choices=OrderStatus.choices, label="Situação", empty_label="Todas"
    )
    agency = CachedModelChoiceFilter(
        queryset=visible_agencies, label="Órgão / Entidade", empty_label="Todos"
    )
    carrier = CachedModelChoiceFilter(
        queryset=visible_carriers, label="Operadora", empty_label="Todas"
    )
    lot = CachedModelChoiceFilter(queryset=visible_lots, label="Lote", empty_label="Todos")
    municipality = CachedModelChoiceFilter(
        queryset=visible_municipalities, label="Município", empty_label="Todos"
    )
    late = django_filters.BooleanFilter(
        method="only_late", label="Só em atraso", widget=forms.CheckboxInput
    )
    period = django_filters.DateFromToRangeFilter(
        field_name="created_at__date",
        label="Aberta entre",
        widget=LabelledDateRangeWidget(),
    )
    o = SortFilter(headers=ORDER_HEADERS, default="-number")

    class Meta:
        model = Order
        fields = []

    def only_late(self, queryset: QuerySet[Order], name: str, value: bool) -> QuerySet[Order]:
        return queryset.late(timezone.now()) if value else queryset
