"""The link list's filters. Every choice list offers only what the user may see: an agency
manager's agency filter never names another agency."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from core.sorting import Header, SortFilter
from inventory.choices import AccessType, LinkStatus
from inventory.models import Agency, Carrier, Link, Lot, LotMember, Municipality
from redegov.filters import CachedModelChoiceFilter


def _visible_links(request: HttpRequest) -> QuerySet[Link]:
    return Link.objects.visible_to(request.user)


def visible_agencies(request: HttpRequest) -> QuerySet[Agency]:
    return Agency.objects.filter(pk__in=_visible_links(request).values("agency_id"))


def visible_municipalities(request: HttpRequest) -> QuerySet[Municipality]:
    return Municipality.objects.filter(pk__in=_visible_links(request).values("municipality_id"))


def visible_lots(request: HttpRequest) -> QuerySet[Lot]:
    return Lot.objects.filter(pk__in=_visible_links(request).values("lot_id"))


def visible_carriers(request: HttpRequest) -> QuerySet[Carrier]:
    """The members of the lots of the links the user may see."""
    lots = _visible_links(request).values("lot_id")
    return Carrier.objects.filter(
        pk__in=LotMember.objects.filter(lot__in=lots).values("carrier_id")
    )


# The link list's columns and how each sorts (docs/ui.md, "Listas: ordenação").
LINK_HEADERS = [
    Header("Designação", "circuit_id"),
    Header("Órgão", "agency", "agency__code"),
    Header("Município", "municipality", "municipality__name"),
    Header("Lote", "lot", "lot__number"),
    Header("Operadora"),
    Header("Velocidade (Mbps)", "speed", "current_speed_mbps", numeric=True),
    Header("Tipo", "access_type"),
    Header("Situação", "status"),
    Header("Ativado em", "activated_at"),
]


class LinkFilter(django_filters.FilterSet):
    """Filters of the link list, applied to `inventory.selectors.link_list(user=...)`."""

    q = django_filters.CharFilter(
        method="search",
        label="Busca",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Designação ou endereço"}),
    )
    agency = CachedModelChoiceFilter(
        queryset=visible_agencies, label="Órgão / Entidade", empty_label="Todos"
    )
    municipality = CachedModelChoiceFilter(
        queryset=visible_municipalities, label="Município", empty_label="Todos"
    )
    lot = CachedModelChoiceFilter(queryset=visible_lots, label="Lote", empty_label="Todos")
    carrier = CachedModelChoiceFilter(
        queryset=visible_carriers, method="in_lots_of", label="Operadora", empty_label="Todas"
    )
    status = django_filters.ChoiceFilter(
        choices=LinkStatus.choices, label="Situação", empty_label="Todas"
    )
    speed = django_filters.NumberFilter(
        field_name="current_speed_mbps", min_value=1, label="Velocidade (Mbps)"
    )
    access_type = django_filters.ChoiceFilter(
        choices=AccessType.choices, label="Tipo", empty_label="Todos"
    )
    # Set by the column headers (core.sorting).
    o = SortFilter(headers=LINK_HEADERS, default="circuit_id", tie_break=["circuit_id"])

    class Meta:
        model = Link
        fields = []

    def search(self, queryset: QuerySet[Link], name: str, value: str) -> QuerySet[Link]:
        """Part of the circuit id or of the address in force."""
        return queryset.filter(Q(circuit_id__icontains=value) | Q(current_address__icontains=value))

    def in_lots_of(self, queryset: QuerySet[Link], name: str, value: Carrier) -> QuerySet[Link]:
        """Links of the lots where the carrier is the contractor or a consortium member."""
        return queryset.filter(lot__in=Lot.objects.filter(members__carrier=value))
