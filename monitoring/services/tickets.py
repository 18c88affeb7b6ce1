"""Tickets (chamados) and their outbox (DOMAIN.md section 4, docs/tickets.md).

`tickets_open` runs inside the transaction that wrote the outages: it writes one TicketMessage
(the outbox row) per carrier with that carrier's tickets, and enqueues its sending only after
the commit. `ticket_message_deliver` sends what is still unsent of a message, each channel on
its own, under a short claim so that the task and the sweeper never send it at the same time.
"""

import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.timezone import localtime

from inventory.choices import LinkStatus
from inventory.models import Carrier, Link, LotMember
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
from redegov.exceptions import DomainError, TransientError

# A message not delivered this long after it was written is the sweeper's (the task that should
# have sent it may have died with its worker).
SWEEP_AFTER = timedelta(minutes=2)
# How long a sender holds a message; longer than the HTTP and SMTP timeouts together.
CLAIM = timedelta(seconds=60)
WEBHOOK_TIMEOUT_SECONDS = 10
MAX_BACKOFF_MINUTES = 60


def _retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each failed attempt, at most an hour."""
    return timedelta(minutes=min(MAX_BACKOFF_MINUTES, 2 ** max(0, attempts - 1)))


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
    leaders = dict(
        LotMember.objects.filter(
            lot_id__in={links[link_id].lot_id for _, link_id, _, _, _ in planned}, position=0
        ).values_list("lot_id", "carrier_id")
    )
    deadlines = repair_deadlines({links[link_id].contract_id for _, link_id, _, _, _ in planned})
    by_carrier: dict[int, list[Ticket]] = {}
    for kind, link_id, start, end, subject in planned:
        link = links[link_id]
        minutes = deadlines[link.contract_id][0 if link.municipality.rmbh else 1]
        by_carrier.setdefault(leaders[link.lot_id], []).append(
            Ticket(
                kind=kind,
                link_id=link_id,
                carrier_id=leaders[link.lot_id],
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
        messages.append(message)
    return messages


def _message_create(carrier: Carrier, now: datetime) -> TicketMessage:
    from monitoring.tasks import send_ticket_message  # tasks import this module

    message = TicketMessage.objects.create(
        carrier=carrier,
        created_at=now,
        email_to=carrier.ticket_email,
        webhook_url=carrier.ticket_webhook_url,
        next_attempt_at=now + SWEEP_AFTER,
    )
    send_ticket_message.delay_on_commit(message.pk)
    return message


def carrier_channel_secret(*, carrier: Carrier) -> str:
    """The carrier's webhook secret, made on first use (the NOC hands it to the carrier)."""
    channel, _ = CarrierChannel.objects.get_or_create(
        carrier=carrier, defaults={"webhook_secret": secrets.token_hex(32)}
    )
    return channel.webhook_secret


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 of "<timestamp>.<body>" with the carrier's secret, as lowercase hex."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


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


def _send_email(message: TicketMessage, tickets: list[Ticket]) -> None:
    count = len(tickets)
    subject = f"Rede Governo: {count} chamado(s) aberto(s) para {message.carrier.name}"
    body = render_to_string(
        "monitoring/email/tickets.txt",
        {
            "carrier": message.carrier,
            "tickets": tickets,
            "delivery_id": message.delivery_id,
            "portal_url": settings.PORTAL_URL,
        },
    )
    EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [message.email_to],
        headers={"X-RedeGov-Delivery": str(message.delivery_id)},
    ).send()


def _notify_subscribers(message: TicketMessage, tickets: list[Ticket]) -> int:
    """E-mail each agency's subscribed managers (OutageSubscription) about the tickets of the
    agency's links, one message per agency, over one connection. Returns how many went out."""
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
    emails = [
        EmailMessage(
            f"Rede Governo: {len(by_agency[agency_id])} acesso(s) de "
            f"{by_agency[agency_id][0].link.agency.code} com indisponibilidade",
            render_to_string(
                "monitoring/email/agency_outages.txt",
                {
                    "agency": by_agency[agency_id][0].link.agency,
                    "tickets": by_agency[agency_id],
                    "carrier": message.carrier,
                    "portal_url": settings.PORTAL_URL,
                },
            ),
            settings.DEFAULT_FROM_EMAIL,
            to=sorted(addresses),
        )
        for agency_id, addresses in recipients.items()
    ]
    return get_connection().send_messages(emails) if emails else 0


def _post_webhook(message: TicketMessage, payload: dict, now: datetime) -> None:
    if not message.webhook_url.startswith(("http://", "https://")):
        raise ValueError(f"endereço de webhook inválido: {message.webhook_url}")
    body = json.dumps(payload, ensure_ascii=False).encode()
    timestamp = str(int(now.timestamp()))
    secret = carrier_channel_secret(carrier=message.carrier)
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        message.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-RedeGov-Delivery": str(message.delivery_id),
            "X-RedeGov-Timestamp": timestamp,
            "X-RedeGov-Signature": "sha256="
            + webhook_signature(secret=secret, timestamp=timestamp, body=body),
        },
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS):  # noqa: S310
        pass  # any 2xx; urlopen raises HTTPError for the others


def ticket_message_deliver(*, message_id: int, now: datetime) -> bool:
    """Send what is still unsent of a message. True when it is delivered (now or before);
    False when another sender holds it. Raises TransientError after recording a failure and
    when to try again. Not atomic on purpose: each channel's success is committed at once, so
    a crash after an e-mail went out never sends that e-mail again."""
    claimed = (
        TicketMessage.objects.filter(pk=message_id, delivered_at=None)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM)
    )
    if not claimed:
        return TicketMessage.objects.filter(pk=message_id, delivered_at__isnull=False).exists()
    message = TicketMessage.objects.select_related("carrier").get(pk=message_id)
    tickets = list(
        message.tickets.select_related("link__agency", "link__municipality").order_by("pk")
    )
    rows = TicketMessage.objects.filter(pk=message_id)
    errors = []
    if message.email_to and message.email_sent_at is None:
        try:
            _send_email(message, tickets)
            rows.update(email_sent_at=now)
        except OSError as exc:  # smtplib's errors are OSErrors
            errors.append(f"e-mail: {exc}")
    if message.webhook_url and message.webhook_sent_at is None:
        try:
            _post_webhook(message, _payload(message, tickets), now)
            rows.update(webhook_sent_at=now)
        except (OSError, ValueError) as exc:  # urllib's errors are OSErrors
            errors.append(f"webhook: {exc}")
    if message.subscribers_sent_at is None:
        try:
            _notify_subscribers(message, tickets)
            rows.update(subscribers_sent_at=now)
        except OSError as exc:
            errors.append(f"órgãos: {exc}")
    attempts = message.attempts + 1
    if errors:
        rows.update(
            attempts=F("attempts") + 1,
            last_error="; ".join(errors)[:2000],
            next_attempt_at=now + _retry_delay(attempts),
            claimed_until=None,
        )
        raise TransientError("; ".join(errors))
    rows.update(attempts=F("attempts") + 1, last_error="", delivered_at=now, claimed_until=None)
    return True


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
