"""The rows a user may see: tickets, outages, maintenance windows and irregularity reports
(filtered once, by the access policy), the NOC's pending lists, to-do items and the count of its
header badge, and the monitoring part of the home page."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Coalesce, Now
from django.http import Http404
from django.urls import reverse

from monitoring.choices import (
    DisputeStatus,
    IrregularityStatus,
    TicketStatus,
    WindowStatus,
)
from monitoring.models import (
    Dispute,
    IrregularityReport,
    MaintenanceWindow,
    Outage,
    Ticket,
)
from redegov.access import NOC_STAFF, holds, restrict
from redegov.roles import Role, has_role
from redegov.todo import TodoItem, due_at_instant


def ticket_list(*, user) -> QuerySet[Ticket]:
    return restrict(Ticket.objects.all(), user).select_related(
        "link__municipality", "link__agency", "carrier", "message", "outage"
    )


def ticket_get_for_user(*, user, pk: int) -> Ticket:
    ticket = ticket_list(user=user).filter(pk=pk).first()
    if ticket is None:
        raise Http404("Chamado não encontrado")
    return ticket


def outage_list(*, user) -> QuerySet[Outage]:
    return (
        restrict(Outage.objects.all(), user)
        .select_related("link__municipality", "link__agency", "link__lot")
        .order_by("-start", "pk")
    )


def outage_get_for_user(*, user, pk: int) -> Outage:
    outage = outage_list(user=user).select_related("decided_by").filter(pk=pk).first()
    if outage is None:
        raise Http404("Indisponibilidade não encontrada")
    return outage


def outage_chain(outage: Outage) -> list[Outage]:
    """Every piece of the outage this one belongs to (split at some instants), in order."""
    root = outage.root_id
    return list(Outage.objects.filter(Q(pk=root) | Q(split_from_id=root)).order_by("start"))


def maintenance_list(*, user) -> QuerySet[MaintenanceWindow]:
    """The windows the user may see (`redegov.access.maintenance_rows`)."""
    windows = MaintenanceWindow.objects.select_related(
        "carrier", "lot", "municipality", "requested_by", "decided_by"
    ).prefetch_related("links")
    return restrict(windows, user)


def maintenance_get_for_user(*, user, pk: int) -> MaintenanceWindow:
    window = maintenance_list(user=user).filter(pk=pk).first()
    if window is None:
        raise Http404("Janela de manutenção não encontrada")
    return window


def monitoring_home(*, user) -> dict[str, list]:
    """The home page's monitoring part: open tickets, open outages, maintenance requests."""
    windows = maintenance_list(user=user).filter(status=WindowStatus.REQUESTED)
    return {
        "open_tickets": list(ticket_list(user=user).exclude(status=TicketStatus.CLOSED)[:20]),
        "open_outages": list(outage_list(user=user).filter(end=None)[:20]),
        "pending_windows": list(windows[:10]),
    }


# -- To-do lists (redegov.todo) ------------------------------------------------------------------


def dispute_pending_list(*, user) -> QuerySet[Dispute]:
    """Carriers' disputes still waiting for the NOC's decision, that the user may see."""
    return restrict(Dispute.objects.filter(status=DisputeStatus.OPEN), user).select_related(
        "outage__link", "carrier"
    )


def irregularity_report_list(*, user, status: str = "") -> QuerySet[IrregularityReport]:
    """The irregularity reports the user may see, of one status ("" for all), each with how
    long it waited (`waited`: until its answer, or until now): those waiting for the NOC first,
    the oldest on top, then the answered ones, the latest answer on top (an open report has no
    answer instant: docs/noc.md, "The irregularity reports")."""
    reports = restrict(IrregularityReport.objects.all(), user)
    if status:
        reports = reports.filter(status=status)
    waited = ExpressionWrapper(
        Coalesce(F("answered_at"), Now()) - F("reported_at"), output_field=DurationField()
    )
    return (
        reports.select_related("link__agency")
        .annotate(waited=waited)
        .order_by(F("answered_at").desc(nulls_first=True), "reported_at", "pk")
    )


def irregularity_pending_list(*, user) -> QuerySet[IrregularityReport]:
    """Agencies' irregularity reports still waiting for the NOC's answer, that the user may see."""
    return irregularity_report_list(user=user, status=IrregularityStatus.OPEN)


# The header badge's count: one for the whole NOC, which sees the whole network.
NOC_PENDING_KEY = "noc:pending"


def noc_pending_count(*, user) -> int:
    """How many items `noc_todo` lists (its two querysets, counted in one query), for NOC
    staff; 0 for anyone else. Kept NOC_PENDING_CACHE_SECONDS in the cache, and forgotten when a
    dispute or a report is filed, decided or answered (`noc_pending_forget`)."""
    if not holds(user, NOC_STAFF):
        return 0
    disputes = dispute_pending_list(user=user).values("pk")
    reports = irregularity_pending_list(user=user).values("pk")
    return cache.get_or_set(
        NOC_PENDING_KEY,
        lambda: disputes.union(reports, all=True).count(),
        settings.NOC_PENDING_CACHE_SECONDS,
    )


def noc_pending_forget() -> None:
    """The badge counts again on the next page (called once a write that changes it commits)."""
    cache.delete(NOC_PENDING_KEY)


def noc_todo(*, user) -> list[TodoItem]:
    """The NOC's to-do: contested outages (the carriers' disputes to decide) and irregularity
    reports to answer. The contract sets no deadline for either: each shows how long it waits."""
    if not holds(user, NOC_STAFF):
        return []
    items = [
        TodoItem(
            title=f"Indisponibilidade contestada: {d.outage.link.circuit_id}",
            detail=f"{d.carrier.name} pede “{d.get_requested_display()}”",
            url=reverse("monitoring:outage-detail", args=[d.outage_id]),
            since=d.filed_at,
        )
        for d in dispute_pending_list(user=user)
    ]
    items += [
        TodoItem(
            title=f"Irregularidade informada: {r.link.circuit_id}",
            detail=r.link.agency.code,
            url=reverse("monitoring:irregularity-detail", args=[r.pk]),
            since=r.reported_at,
        )
        for r in irregularity_pending_list(user=user)
    ]
    return items


def ticket_todo(*, user) -> list[TodoItem]:
    """A carrier's open tickets (its leader's: the leader receives and answers them), each due
    at its repair deadline; nobody else answers tickets."""
    if not has_role(user, Role.CARRIER) or not user.carrier_id:
        return []
    tickets = (
        ticket_list(user=user).filter(carrier=user.carrier_id).exclude(status=TicketStatus.CLOSED)
    )
    return [
        TodoItem(
            title=f"Chamado {t.get_kind_display().lower()}: {t.link.circuit_id}",
            detail=t.get_status_display(),
            url=reverse("monitoring:ticket-detail", args=[t.pk]),
            since=t.opened_at,
            **due_at_instant(t.due_at),
        )
        for t in tickets
    ]
