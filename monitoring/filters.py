"""Filters of the ticket list, the outage list and the incident panel (applied to the
selectors' visible rows). Choice lists offer only what the user may see."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet

from core.sorting import Header, SortFilter
from inventory.filters import (
    visible_agencies,
    visible_carriers,
    visible_lots,
    visible_municipalities,
)
from inventory.models import Carrier, Lot
from monitoring.choices import (
    DisputeStatus,
    OutageKind,
    OutageSource,
    PanelKind,
    Responsibility,
    TicketKind,
    TicketStatus,
)
from monitoring.models import (
    Dispute,
    IrregularityReport,
    MaintenanceWindow,
    Outage,
    RedundancyLoss,
    Ticket,
)
from redegov.filters import CachedModelChoiceFilter

# Each list's columns and how each sorts (docs/ui.md, "Listas: ordenação").
TICKET_HEADERS = [
    Header("Chamado", "number", "pk"),
    Header("Designação", "circuit", "link__circuit_id"),
    Header("Tipo", "kind"),
    Header("Operadora", "carrier", "carrier__name"),
    Header("Início", "start"),
    Header("Protocolo", "protocol"),
    Header("Situação", "status"),
    Header("Tempo de reparo", "due", "due_at"),
]
OUTAGE_HEADERS = [
    Header("Designação", "circuit", "link__circuit_id"),
    Header("Órgão", "agency", "link__agency__code"),
    Header("Município", "municipality", "link__municipality__name"),
    Header("Lote", "lot", "link__lot__number"),
    Header("Tipo", "kind"),
    Header("Início", "start"),
    Header("Fim", "end"),
    Header("Duração", numeric=True),
    Header("Origem", "source"),
    Header("Responsabilidade", "responsibility"),
]
MAINTENANCE_HEADERS = [
    Header("Nº", "number", "pk"),
    Header("Operadora", "carrier", "carrier__name"),
    Header("Abrangência", "scope"),
    Header("Início", "start"),
    Header("Fim", "end"),
    Header("Recorrência", "recurrence"),
    Header("Descrição"),
    Header("Situação", "status"),
    Header(""),
]


class TicketFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Situação", choices=TicketStatus.choices, empty_label="Todas"
    )
    kind = django_filters.ChoiceFilter(
        label="Tipo", choices=TicketKind.choices, empty_label="Todos"
    )
    carrier = CachedModelChoiceFilter(
        label="Operadora", queryset=visible_carriers, empty_label="Todas"
    )
    circuit = django_filters.CharFilter(
        label="Designação", field_name="link__circuit_id", lookup_expr="icontains"
    )
    o = SortFilter(headers=TICKET_HEADERS, default="-number")

    class Meta:
        model = Ticket
        fields = ["status", "kind", "carrier", "circuit"]


def in_lots_of(queryset: QuerySet, name: str, value: Carrier) -> QuerySet:
    """Rows of links in the lots where the carrier is the contractor or a consortium member."""
    return queryset.filter(link__lot__in=Lot.objects.filter(members__carrier=value))


class LinkScopeFilterSet(django_filters.FilterSet):
    """Where the links are: carrier, lot, agency, municipality (rows with a `link`)."""

    carrier = CachedModelChoiceFilter(
        label="Operadora", queryset=visible_carriers, method=in_lots_of, empty_label="Todas"
    )
    lot = CachedModelChoiceFilter(
        label="Lote", queryset=visible_lots, field_name="link__lot", empty_label="Todos"
    )
    agency = CachedModelChoiceFilter(
        label="Órgão / Entidade",
        queryset=visible_agencies,
        field_name="link__agency",
        empty_label="Todos",
    )
    municipality = CachedModelChoiceFilter(
        label="Município",
        queryset=visible_municipalities,
        field_name="link__municipality",
        empty_label="Todos",
    )


class OutageFilter(LinkScopeFilterSet):
    since = django_filters.DateFilter(
        label="Início a partir de",
        field_name="start__date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = django_filters.DateFilter(
        label="Início até",
        field_name="start__date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    responsibility = django_filters.ChoiceFilter(
        label="Responsabilidade", choices=Responsibility.choices, empty_label="Todas"
    )
    kind = django_filters.ChoiceFilter(
        label="Tipo", choices=OutageKind.choices, empty_label="Todos"
    )
    source = django_filters.ChoiceFilter(
        label="Origem", choices=OutageSource.choices, empty_label="Todas"
    )
    open = django_filters.BooleanFilter(
        label="Situação",
        field_name="end",
        lookup_expr="isnull",
        widget=forms.Select(
            choices=[("", "Todas"), ("true", "Em aberto"), ("false", "Encerradas")]
        ),
    )
    circuit = django_filters.CharFilter(
        label="Designação", field_name="link__circuit_id", lookup_expr="icontains"
    )
    # The NOC's pending work: outages whose carrier dispute waits for its decision.
    dispute = django_filters.ChoiceFilter(
        label="Contestação",
        choices=[("pending", "Pendentes (em análise)")],
        method="with_dispute",
        empty_label="Todas",
    )
    o = SortFilter(headers=OUTAGE_HEADERS, default="-start")

    class Meta:
        model = Outage
        fields = []

    def with_dispute(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        open_disputes = Dispute.objects.filter(outage=OuterRef("pk"), status=DisputeStatus.OPEN)
        return queryset.filter(Exists(open_disputes)) if value == "pending" else queryset


class MaintenanceFilter(django_filters.FilterSet):
    """The maintenance list: sorting only."""

    o = SortFilter(headers=MAINTENANCE_HEADERS, default="-start")

    class Meta:
        model = MaintenanceWindow
        fields: list[str] = []


# Each panel kind and the rows that make it.
PANEL_KIND_MODELS = {
    PanelKind.INTERRUPTION: Outage,
    PanelKind.REDUNDANCY: RedundancyLoss,
    PanelKind.IRREGULARITY: IrregularityReport,
}
# By age: "age" is youngest first (the default: a new incident shows at the top of the wall
# screen), "-age" the oldest first.
PANEL_SORTS = [("age", "Mais recentes primeiro"), ("-age", "Mais antigas primeiro")]


class PanelFilter(LinkScopeFilterSet):
    """The incident panel's filters. One bound filter narrows the three kinds of rows
    (`filter_queryset` of each); a kind or a responsibility that a row cannot have leaves none."""

    kind = django_filters.ChoiceFilter(
        label="Tipo", choices=PanelKind.choices, method="of_kind", empty_label="Todos"
    )
    responsibility = django_filters.ChoiceFilter(
        label="Responsabilidade",
        choices=Responsibility.choices,
        method="with_responsibility",
        empty_label="Todas",
    )
    # Set by the age column's header; hidden so that filtering keeps the order.
    o = django_filters.ChoiceFilter(
        choices=PANEL_SORTS, method="keep", widget=forms.HiddenInput, empty_label=None
    )

    class Meta:
        model = Outage
        fields = []

    def of_kind(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset if queryset.model is PANEL_KIND_MODELS[value] else queryset.none()

    def with_responsibility(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if queryset.model is not Outage:
            return queryset.none()
        return queryset.filter(responsibility=value)

    def keep(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """The order applies to the panel's groups, after the rows are read."""
        return queryset

    @property
    def newest_first(self) -> bool:
        return not (self.is_valid() and self.form.cleaned_data.get("o") == "-age")
