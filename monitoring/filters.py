"""Filters of the ticket and outage lists (applied to the selectors' visible rows)."""

import django_filters

from inventory.filters import visible_carriers
from monitoring.choices import OutageKind, Responsibility, TicketKind, TicketStatus
from monitoring.models import Outage, Ticket


class TicketFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Situação", choices=TicketStatus.choices, empty_label="Todas"
    )
    kind = django_filters.ChoiceFilter(
        label="Tipo", choices=TicketKind.choices, empty_label="Todos"
    )
    carrier = django_filters.ModelChoiceFilter(
        label="Operadora", queryset=visible_carriers, empty_label="Todas"
    )
    circuit = django_filters.CharFilter(
        label="Designação", field_name="link__circuit_id", lookup_expr="icontains"
    )

    class Meta:
        model = Ticket
        fields = ["status", "kind", "carrier", "circuit"]


class OutageFilter(django_filters.FilterSet):
    responsibility = django_filters.ChoiceFilter(
        label="Responsabilidade", choices=Responsibility.choices, empty_label="Todas"
    )
    kind = django_filters.ChoiceFilter(
        label="Tipo", choices=OutageKind.choices, empty_label="Todos"
    )
    open = django_filters.BooleanFilter(label="Em aberto", field_name="end", lookup_expr="isnull")
    circuit = django_filters.CharFilter(
        label="Designação", field_name="link__circuit_id", lookup_expr="icontains"
    )
    since = django_filters.DateFilter(
        label="Início a partir de", field_name="start__date", lookup_expr="gte"
    )

    class Meta:
        model = Outage
        fields = ["responsibility", "kind", "open", "circuit", "since"]
