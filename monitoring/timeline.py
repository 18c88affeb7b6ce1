"""One timeline of an outage or a ticket (issue 23): the outage's start and end, the NOC's
acknowledgements and comments made on the incident panel, classifications, splits, the
carrier's disputes and the NOC's decisions, and the ticket's steps, in time order. The panel
shows a note only while its item is open; these pages keep showing it after it closes."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.urls import reverse

from monitoring.choices import DecisionAction
from monitoring.models import IncidentNote, Outage, OutageDecision, RedundancyLoss, Ticket

PORTAL = "Portal (automático)"


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    what: str
    who: str
    text: str = ""
    files: list[tuple[str, str]] = field(default_factory=list)  # (name, url)


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else PORTAL


def _notes(condition: Q) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            note.at,
            "Reconhecimento no painel" if note.acknowledgement else "Comentário no painel",
            _name(note.by),
            note.text,
        )
        for note in IncidentNote.objects.filter(condition).select_related("by")
    ]


def _decisions(outage: Outage) -> list[TimelineEntry]:
    entries = []
    decisions = (
        OutageDecision.objects.filter(outage=outage)
        .select_related("by", "dispute")
        .prefetch_related("dispute__attachments")
    )
    for d in decisions:
        what = f"{d.get_action_display()}: {d.get_before_display()} → {d.get_after_display()}"
        if d.split_at:
            what += f" (dividida em {d.split_at:%d/%m/%Y %H:%M})"
        files = []
        if d.dispute and d.action == DecisionAction.DISPUTED:
            what = f"{d.get_action_display()}: pede {d.dispute.get_requested_display()}"
            files = [
                (a.name, reverse("monitoring:dispute-attachment", args=[outage.pk, a.pk]))
                for a in d.dispute.attachments.all()
            ]
        entries.append(TimelineEntry(d.at, what, _name(d.by), d.reason, files))
    return entries


def _ticket_steps(ticket: Ticket) -> list[TimelineEntry]:
    steps = [
        TimelineEntry(
            ticket.opened_at, f"Chamado nº {ticket.pk} aberto para {ticket.carrier.name}", PORTAL
        )
    ]
    if ticket.acknowledged_at:
        steps.append(
            TimelineEntry(
                ticket.acknowledged_at,
                "Chamado recebido pela operadora",
                _name(ticket.acknowledged_by),
                f"Protocolo {ticket.protocol}" if ticket.protocol else "",
            )
        )
    if ticket.restored_at:
        steps.append(
            TimelineEntry(
                ticket.restored_at,
                "Restabelecimento informado pela operadora",
                _name(ticket.restored_by),
                ticket.restoration_cause,
            )
        )
    if ticket.closed_at:
        steps.append(TimelineEntry(ticket.closed_at, "Chamado encerrado", PORTAL))
    return steps


def incident_timeline(
    *, outage: Outage | None, loss: RedundancyLoss | None, tickets: list[Ticket], notes: bool
) -> list[TimelineEntry]:
    """The timeline of an outage (with its tickets) or of a ticket (with its outage or lost
    redundancy). `notes`: whether the viewer may read the NOC's panel notes (its own staff)."""
    entries: list[TimelineEntry] = []
    subject = outage or loss
    if subject is not None:
        what = "da indisponibilidade" if outage else "da perda de redundância"
        entries.append(TimelineEntry(subject.start, f"Início {what}", PORTAL))
        if subject.end:
            entries.append(TimelineEntry(subject.end, f"Fim {what}", PORTAL))
    if outage is not None:
        entries += _decisions(outage)
    if notes and subject is not None:
        entries += _notes(Q(outage=outage) if outage else Q(redundancy_loss=loss))
    for ticket in tickets:
        entries += _ticket_steps(ticket)
    return sorted(entries, key=lambda e: e.at)
