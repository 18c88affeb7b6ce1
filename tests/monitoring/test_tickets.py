"""Tickets: opened with the outages in one transaction, grouped per carrier and cycle, written
to the outbox as an e-mail and a signed webhook (delivered, retried and swept by the outbox:
tests/outbox); the repair clock."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.exceptions import DomainError
from inventory.choices import LinkStatus
from inventory.models import Municipality
from monitoring.choices import TicketKind, TicketStatus
from monitoring.models import CarrierChannel, Outage, Ticket, TicketMessage
from monitoring.selectors import ticket_list
from monitoring.services import tickets as ticket_services
from outbox.choices import Channel, MessageKind, MessageStatus
from outbox.models import Message
from tests.inventory.factories import UBERLANDIA, LinkFactory
from tests.support.monitoring import down, record
from tests.support.outbox import deliver_pending
from tests.support.time import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("forget_memory")]


def open_outage(network, *links, minutes=range(3)):
    """Links down from at(minutes.start) until the interruption is recorded."""
    record(-1, {})
    down(network, minutes, *links)


@pytest.fixture
def wider_network(network):
    """Three more links in the interior lot, so that one of its links failing is that
    carrier's outage and not a blind NOC (more than 30% of every carrier's links)."""
    for n in range(3):
        LinkFactory(
            lot=network.lot_interior,
            agency=network.agency_y,
            circuit_id=f"UDI-10{n}",
            municipality=Municipality.objects.get(pk=UBERLANDIA),
        )
    return network


class Receiver:
    """A webhook receiver on loopback: records each request, answers with the next status."""

    def __init__(self, statuses: list[int]):
        self.requests: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.headers, body))
                status = statuses.pop(0) if statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/chamados"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(network):
    statuses: list[int] = []
    server = Receiver(statuses)
    server.statuses = statuses
    network.carrier_a.ticket_webhook_url = server.url
    network.carrier_a.save()
    yield server
    server.close()


def test_an_interruption_opens_one_ticket_and_enqueues_its_message_after_commit(
    network, django_capture_on_commit_callbacks
):
    link = network.link_x_metro
    with django_capture_on_commit_callbacks() as callbacks:
        open_outage(network, link)
    ticket = Ticket.objects.get()
    outage = Outage.objects.get(link=link)
    assert (ticket.kind, ticket.status, ticket.outage, ticket.carrier) == (
        TicketKind.INTERRUPTION,
        TicketStatus.OPEN,
        outage,
        network.carrier_a,
    )
    assert ticket.start == at(0)
    assert ticket.due_at == at(240)  # metropolitan: 240 minutes
    assert ticket.message.email_to == network.carrier_a.ticket_email
    [email] = Message.objects.filter(kind=MessageKind.TICKET)
    assert (email.channel, email.to, email.ref) == (
        Channel.EMAIL,
        [network.carrier_a.ticket_email],
        f"monitoring.ticketmessage:{ticket.message_id}",
    )
    assert "BHZ-0001" in email.body
    sends = [c for c in callbacks if "function _enqueue" in repr(c)]
    assert len(sends) == 1  # its delivery task, enqueued after the commit
    record(3, {link.mgmt_ip: 0})
    assert Ticket.objects.count() == 1  # the same outage never opens a second ticket


def test_outages_of_one_carrier_in_one_cycle_go_in_one_message(wider_network):
    network = wider_network
    open_outage(network, network.link_x_metro, network.link_y_metro, network.link_x_interior)
    by_carrier = {
        message.carrier_id: sorted(message.tickets.values_list("link__circuit_id", flat=True))
        for message in TicketMessage.objects.all()
    }
    # The interior lot is a consortium led by carrier B: its leader receives the ticket.
    assert by_carrier == {
        network.carrier_a.pk: ["BHZ-0001", "CTG-0001"],
        network.carrier_b.pk: ["UDI-0001"],
    }
    assert Ticket.objects.get(link=network.link_x_interior).deadline_minutes == 480


def test_no_ticket_for_ordered_links_and_degraded_windows(network):
    link = network.link_y_metro
    link.status, link.activated_at = LinkStatus.ORDERED, None
    link.save()
    open_outage(network, link)
    # 2 failed cycles then a success: a degraded window, no interruption.
    down(network, range(10, 12), network.link_x_metro)
    for minute in range(12, 16):
        record(minute, {})
    assert Outage.objects.filter(link=network.link_x_metro, kind="degradation").exists()
    assert not Ticket.objects.exists()


def test_the_webhook_is_signed_with_the_carriers_secret(network, receiver):
    open_outage(network, network.link_x_metro, network.link_y_metro)
    message = TicketMessage.objects.get()
    assert deliver_pending(now=at(3)) == 2  # the e-mail and the webhook
    [(headers, body)] = receiver.requests
    secret = CarrierChannel.objects.get(carrier=network.carrier_a).webhook_secret
    timestamp = headers["X-RedeGov-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    assert headers["X-RedeGov-Signature"] == f"sha256={expected.hexdigest()}"
    assert headers["X-RedeGov-Delivery"] == str(message.delivery_id)
    assert headers["Idempotency-Key"] == str(message.delivery_id)
    payload = json.loads(body)
    assert payload["event"] == "tickets.opened"
    assert payload["delivery_id"] == str(message.delivery_id)
    assert [t["circuit_id"] for t in payload["tickets"]] == ["BHZ-0001", "CTG-0001"]
    assert payload["tickets"][0]["due_at"] == at(240).isoformat()
    [email] = mail.outbox
    assert email.extra_headers["X-RedeGov-Delivery"] == str(message.delivery_id)


def test_a_webhook_answering_500_is_retried_and_the_mail_not_resent(network, receiver):
    receiver.statuses.extend([500, 500])
    open_outage(network, network.link_x_metro)
    webhook = Message.objects.get(channel=Channel.WEBHOOK)
    assert deliver_pending(now=at(3)) == 1  # the e-mail
    webhook.refresh_from_db()
    assert (webhook.attempts, webhook.status) == (1, MessageStatus.PENDING)
    assert "500" in webhook.last_error
    assert deliver_pending(now=webhook.next_attempt_at) == 0
    webhook.refresh_from_db()
    assert deliver_pending(now=webhook.next_attempt_at) == 1
    webhook.refresh_from_db()
    assert webhook.status == MessageStatus.SENT
    assert len(receiver.requests) == 3
    assert {headers["Idempotency-Key"] for headers, _ in receiver.requests} == {str(webhook.key)}
    assert len(mail.outbox) == 1  # the e-mail went out on the first attempt only


def test_the_noc_sees_each_channels_delivery_on_the_ticket_page(
    client, network, receiver, personas
):
    receiver.statuses.extend([500])
    open_outage(network, network.link_x_metro)
    deliver_pending(now=at(3))  # the e-mail goes out, the webhook gets a 500
    ticket = Ticket.objects.get()
    url = reverse("monitoring:ticket-detail", args=[ticket.pk])
    client.force_login(personas.noc)
    html = client.get(url).content.decode()
    section = html[html.index("Envio à operadora") :]
    assert f"E-mail para {network.carrier_a.ticket_email}:\n    entregue em" in section
    assert f"Webhook para {receiver.url}:" in section and "HTTP Error 500" in section
    client.force_login(personas.carrier_a)
    assert "Envio à operadora" not in client.get(url).content.decode()


def test_repair_clock_exactly_240_minutes_is_on_time(network):
    open_outage(network, network.link_x_metro, network.link_y_metro)
    record(240, {network.link_y_metro.mgmt_ip: 0})  # BHZ answers at 240 min, CTG still down
    record(241, {})
    on_time = Ticket.objects.get(link=network.link_x_metro)
    late = Ticket.objects.get(link=network.link_y_metro)
    assert (on_time.ended_at, on_time.on_time, on_time.status) == (at(240), True, "closed")
    assert (late.ended_at, late.on_time) == (at(241), False)


def test_a_lost_redundancy_opens_its_own_ticket(network):
    link = network.link_x_metro
    link.access_type, link.mgmt_ip_secondary = "redundant", "127.99.0.1"
    link.save()
    record(-1, {})
    down(network, range(3), link)  # only the first path
    ticket = Ticket.objects.get()
    assert (ticket.kind, ticket.redundancy_loss.start) == (TicketKind.REDUNDANCY, at(0))
    record(3, {})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.ended_at) == (TicketStatus.CLOSED, at(3))


def test_imported_outages_open_a_ticket_only_while_open(network, tmp_path):
    from monitoring.importing import outage_import

    path = tmp_path / "outages.csv"
    path.write_text(
        "circuit_id,start,end,responsibility,reference,notes\n"
        "BHZ-0001,2026-10-15T08:00,2026-10-15T10:30,carrier,,\n"
        "CTG-0001,2026-10-15T09:00,,pending,,\n"
        "UDI-0001,2026-10-15T09:00,,agency,,\n",
        encoding="utf-8",
    )
    outage_import(path)
    assert list(Ticket.objects.values_list("link__circuit_id", flat=True)) == ["CTG-0001"]


def test_the_carrier_acknowledges_and_reports_restoration(network, personas):
    open_outage(network, network.link_x_metro)
    ticket = Ticket.objects.get()
    with pytest.raises(DomainError):
        ticket_services.ticket_report_restoration(
            ticket_id=ticket.pk, cause="Fibra rompida", by=personas.carrier_a, now=at(5)
        )
    ticket_services.ticket_acknowledge(
        ticket_id=ticket.pk, protocol="ALFA-123", by=personas.carrier_a, now=at(4)
    )
    ticket_services.ticket_report_restoration(
        ticket_id=ticket.pk, cause="Fibra rompida", by=personas.carrier_a, now=at(30)
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.protocol, ticket.acknowledged_by) == (
        TicketStatus.RESTORED,
        "ALFA-123",
        personas.carrier_a,
    )
    assert ticket.ended_at is None  # the carrier's word never stops the clock
    record(31, {})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.ended_at) == (TicketStatus.CLOSED, at(31))


@pytest.mark.parametrize("who", ["carrier_b", "noc", "manager_x"])
def test_only_the_tickets_carrier_answers_it(network, personas, who):
    open_outage(network, network.link_x_metro)
    with pytest.raises(PermissionDenied):
        ticket_services.ticket_acknowledge(
            ticket_id=Ticket.objects.get().pk, protocol="X", by=getattr(personas, who), now=at(4)
        )


def test_a_carrier_sees_only_its_lots_tickets(wider_network, personas):
    network = wider_network
    open_outage(network, network.link_x_metro, network.link_x_interior)
    visible = {
        who: sorted(
            ticket_list(user=getattr(personas, who)).values_list("link__circuit_id", flat=True)
        )
        for who in ("carrier_a", "carrier_b", "noc", "manager_y", "outsider")
    }
    assert visible == {
        "carrier_a": ["BHZ-0001", "UDI-0001"],  # a member of the interior consortium too
        "carrier_b": ["UDI-0001"],
        "noc": ["BHZ-0001", "UDI-0001"],
        "manager_y": [],
        "outsider": [],
    }
