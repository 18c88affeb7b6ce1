"""Tickets (chamados) and their outbox (docs/domain.md section 4, docs/tickets.md).

`tickets_open` runs inside the transaction that wrote the outages: it writes one TicketMessage
per carrier with that carrier's tickets (the group they were opened in) and, through
`ticket_message_post`, the outbox messages that carry them (e-mail and webhook to the carrier,
e-mail to the agencies' subscribed managers). The outbox delivers them (docs/operations.md).
"""

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.timezone import localtime

from core.exceptions import DomainError
from core.templatetags.formatting import count_br
from inventory.choices import LinkStatus
from inventory.models import Carrier, Link
from inventory.selectors import link_lots_at, lot_members
from monitoring.choices import (
    ALLOWED_TICKET_TRANSITIONS,
    OutageKind,
    Responsibility,
    TicketKind,
    TicketStatus,
)
from monitoring.models import (
    CarrierChannel,
    Outage,
    OutageSubscription,
    RedundancyLoss,
    Ticket,
    TicketMessage,
)
from monitoring.selectors import repair_deadlines, windows_covering
from outbox.choices import MessageKind
from outbox.selectors import ref_of
from outbox.services import message_email, message_webhook
from outbox.signing import secret_source


def tickets_open(
    *, outages: Sequence[Outage], losses: Sequence[RedundancyLoss], now: datetime
) -> list[TicketMessage]:
    """Open the tickets of new interruptions and lost redundancies, one message per carrier.

    The caller holds the transaction that wrote the rows. Skipped: degraded windows, links not
    active, outages classified as maintenance, outages of a chain that already has its ticket
    (a split outage is one ticket) and lost redundancies that start inside an approved window.
    """
    outages = [
        o
        for o in outages
        if o.kind == OutageKind.INTERRUPTION and o.responsibility != Responsibility.MAINTENANCE
    ]
    links = Link.objects.select_related("municipality").in_bulk(
        {o.link_id for o in outages} | {loss.link_id for loss in losses}
    )
    ticketed = set(
        Ticket.objects.filter(outage_id__in={o.root_id for o in outages}).values_list(
            "outage_id", flat=True
        )
    ) | set(
        Outage.objects.filter(
            split_from_id__in={o.root_id for o in outages}, tickets__isnull=False
        ).values_list("split_from_id", flat=True)
    )
    planned = [
        (TicketKind.INTERRUPTION, o.link_id, o.start, o.end, {"outage": o})
        for o in outages
        if o.root_id not in ticketed and links[o.link_id].status == LinkStatus.ACTIVE
    ]
    covered = windows_covering(
        links=[links[loss.link_id] for loss in losses], instants=[loss.start for loss in losses]
    )
    planned += [
        (TicketKind.REDUNDANCY, loss.link_id, loss.start, loss.end, {"redundancy_loss": loss})
        for loss in losses
        if loss.link_id not in covered and links[loss.link_id].status == LinkStatus.ACTIVE
    ]
    if not planned:
        return []
    # A ticket goes to the leader of the lot in force at the outage's start.
    lots = link_lots_at((link_id, start) for _, link_id, start, _, _ in planned)
    members = lot_members(lots.values())
    deadlines = repair_deadlines({links[link_id].contract_id for _, link_id, _, _, _ in planned})
    by_carrier: dict[int, list[Ticket]] = {}
    for kind, link_id, start, end, subject in planned:
        link = links[link_id]
        minutes = deadlines[link.contract_id][0 if link.municipality.rmbh else 1]
        leader = members[lots[link_id, start]][0]
        by_carrier.setdefault(leader, []).append(
            Ticket(
                kind=kind,
                link_id=link_id,
                carrier_id=leader,
                opened_at=now,
                start=start,
                deadline_minutes=minutes,
                due_at=start + timedelta(minutes=minutes),
                # A part left after a maintenance window may already have ended.
                ended_at=end,
                closed_at=end,
                status=TicketStatus.CLOSED if end else TicketStatus.OPEN,
                **subject,
            )
        )
    carriers = Carrier.objects.in_bulk(by_carrier)
    messages = []
    for carrier_id, tickets in by_carrier.items():
        message = _message_create(carriers[carrier_id], now)
        for ticket in tickets:
            ticket.message = message
        Ticket.objects.bulk_create(tickets)
        ticket_message_post(message=message)
        messages.append(message)
    return messages


def _message_create(carrier: Carrier, now: datetime) -> TicketMessage:
    return TicketMessage.objects.create(
        carrier=carrier,
        created_at=now,
        email_to=carrier.ticket_email,
        webhook_url=carrier.ticket_webhook_url,
    )


def carrier_channel_secret(*, carrier: Carrier) -> str:
    """The carrier's webhook secret, made on first use (the NOC hands it to the carrier)."""
    channel, _ = CarrierChannel.objects.get_or_create(
        carrier=carrier, defaults={"webhook_secret": secrets.token_hex(32)}
    )
    return channel.webhook_secret


@secret_source("carrier")
def _carrier_secret(carrier_id: str) -> str:
    """The outbox signs a ticket webhook with "carrier:<id>"'s secret when it sends it."""
    return carrier_channel_secret(carrier=Carrier.objects.get(pk=int(carrier_id)))


def _payload(message: TicketMessage, tickets: list[Ticket]) -> dict:
    return {
        "event": "tickets.opened",
        "delivery_id": str(message.delivery_id),
        "created_at": localtime(message.created_at).isoformat(),
        "carrier": {"code": message.carrier.code, "name": message.carrier.name},
        "tickets": [
            {
                "id": ticket.pk,
                "kind": ticket.kind,
                "circuit_id": ticket.link.circuit_id,
                "agency": ticket.link.agency.code,
                "municipality": ticket.link.municipality.name,
                "address": ticket.link.address,
                "start": localtime(ticket.start).isoformat(),
                "deadline_minutes": ticket.deadline_minutes,
                "due_at": localtime(ticket.due_at).isoformat(),
                "url": settings.PORTAL_URL + reverse("monitoring:ticket-detail", args=[ticket.pk]),
            }
            for ticket in tickets
        ],
    }


def ticket_message_post(*, message: TicketMessage) -> None:
    """Write the outbox messages of a carrier's tickets opened in one go: the e-mail and the
    signed webhook to the carrier (the webhook's Idempotency-Key is the message's
    `delivery_id`), and one e-mail per agency to its subscribed managers (OutageSubscription).
    The caller holds the transaction that wrote the tickets; the outbox sends them after it."""
    tickets = list(
        message.tickets.select_related("link__agency", "link__municipality").order_by("pk")
    )
    ref = ref_of(message)
    delivery = {"X-RedeGov-Delivery": str(message.delivery_id)}
    if message.email_to:
        message_email(
            kind=MessageKind.TICKET,
            ref=ref,
            to=[message.email_to],
            subject=f"Rede Governo: {count_br(len(tickets), 'chamado aberto,chamados abertos')} "
            f"para {message.carrier.name}",
            body=render_to_string(
                "monitoring/email/tickets.txt",
                {
                    "carrier": message.carrier,
                    "tickets": tickets,
                    "delivery_id": message.delivery_id,
                    "portal_url": settings.PORTAL_URL,
                },
            ),
            headers=delivery,
        )
    if message.webhook_url:
        message_webhook(
            kind=MessageKind.TICKET,
            ref=ref,
            url=message.webhook_url,
            payload=_payload(message, tickets),
            signer=f"carrier:{message.carrier_id}",
            key=message.delivery_id,
            headers=delivery,
        )
    _agencies_alert(message, tickets, ref)


def _agencies_alert(message: TicketMessage, tickets: list[Ticket], ref: str) -> None:
    by_agency: dict[int, list[Ticket]] = {}
    for ticket in tickets:
        by_agency.setdefault(ticket.link.agency_id, []).append(ticket)
    recipients: dict[int, list[str]] = {}
    for agency_id, email in (
        OutageSubscription.objects.filter(agency_id__in=by_agency, user__is_active=True)
        .exclude(user__email="")
        .values_list("agency_id", "user__email")
    ):
        recipients.setdefault(agency_id, []).append(email)
    for agency_id, addresses in recipients.items():
        agency_tickets = by_agency[agency_id]
        agency = agency_tickets[0].link.agency
        message_email(
            kind=MessageKind.AGENCY_ALERT,
            ref=ref,
            to=addresses,
            subject=f"Rede Governo: {count_br(len(agency_tickets), 'acesso,acessos')} de "
            f"{agency.code} com indisponibilidade",
            body=render_to_string(
                "monitoring/email/agency_outages.txt",
                {
                    "agency": agency,
                    "tickets": agency_tickets,
                    "carrier": message.carrier,
                    "portal_url": settings.PORTAL_URL,
                },
            ),
        )


def ticket_transition(*, ticket: Ticket, to: str, at: datetime) -> Ticket:
    """Move a ticket to `to` (nothing for the same state; DomainError for a move
    ALLOWED_TICKET_TRANSITIONS refuses). The caller holds the row locked."""
    if ticket.status == to:
        return ticket
    if to not in ALLOWED_TICKET_TRANSITIONS[ticket.status]:
        raise DomainError(
            f"O chamado está {ticket.get_status_display().lower()}: "
            f"não pode passar a {TicketStatus(to).label.lower()}."
        )
    ticket.status = to
    fields = ["status"]
    if to == TicketStatus.CLOSED:
        ticket.closed_at = at
        fields.append("closed_at")
    ticket.save(update_fields=fields)
    return ticket


def _locked_ticket_for_carrier(ticket_id: int, by) -> Ticket:
    ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
    if by.carrier_id != ticket.carrier_id:
        raise PermissionDenied("Só a operadora do chamado pode respondê-lo.")
    return ticket


@transaction.atomic
def ticket_acknowledge(*, ticket_id: int, protocol: str, by, now: datetime) -> Ticket:
    """The carrier received the ticket and gives its protocol number. A ticket already closed
    by monitoring still takes the protocol."""
    ticket = _locked_ticket_for_carrier(ticket_id, by)
    if not protocol.strip():
        raise DomainError("Informe o protocolo da operadora.")
    if ticket.protocol:
        raise DomainError("O chamado já tem protocolo.")
    ticket.protocol = protocol.strip()
    ticket.acknowledged_at = now
    ticket.acknowledged_by = by
    ticket.full_clean()
    ticket.save(update_fields=["protocol", "acknowledged_at", "acknowledged_by"])
    if ticket.status == TicketStatus.OPEN:
        ticket_transition(ticket=ticket, to=TicketStatus.ACKNOWLEDGED, at=now)
    return ticket


@transaction.atomic
def ticket_report_restoration(*, ticket_id: int, cause: str, by, now: datetime) -> Ticket:
    """The carrier says the service is back and why it failed. The repair clock does not stop
    here: it stops when monitoring sees the link answer (`ended_at`)."""
    ticket = _locked_ticket_for_carrier(ticket_id, by)
    if not ticket.protocol:
        raise DomainError("Informe o protocolo antes de informar o restabelecimento.")
    if not cause.strip():
        raise DomainError("Informe a causa da indisponibilidade.")
    if ticket.restored_at:
        raise DomainError("O restabelecimento já foi informado.")
    ticket.restoration_cause = cause.strip()
    ticket.restored_at = now
    ticket.restored_by = by
    ticket.save(update_fields=["restoration_cause", "restored_at", "restored_by"])
    if ticket.status == TicketStatus.ACKNOWLEDGED:
        ticket_transition(ticket=ticket, to=TicketStatus.RESTORED, at=now)
    return ticket


def tickets_close(
    *, end: datetime, outages: Sequence[Outage] = (), losses: Sequence[RedundancyLoss] = ()
) -> int:
    """Monitoring saw the links back at `end`: the tickets of the outages' chains and of the
    lost redundancies stop their clock there and close, in one statement however many (a
    carrier's core coming back restores thousands at once). The caller holds the transaction."""
    roots = {outage.root_id for outage in outages}
    tickets = Ticket.objects.filter(
        Q(outage_id__in=roots)
        | Q(outage__split_from_id__in=roots)
        | Q(redundancy_loss__in=[loss.pk for loss in losses])
    )
    closable = [
        s for s, moves in ALLOWED_TICKET_TRANSITIONS.items() if TicketStatus.CLOSED in moves
    ]
    return tickets.filter(ended_at=None, status__in=closable).update(
        ended_at=end, closed_at=end, status=TicketStatus.CLOSED
    )
