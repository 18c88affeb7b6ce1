"""The outage's and the ticket's pages keep one timeline: the panel's acknowledgement and
comments (for the NOC side), the carrier's dispute and the NOC's decision, the ticket's steps,
in time order, also after the outage closed (issue 23)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Ticket
from monitoring.services import noc, responsibility, tickets
from tests.support.monitoring import down, record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("forget_memory")]


def _rows(html: str) -> list[str]:
    body = html.split('id="linha-do-tempo"')[1].split("</table>")[0]
    return body.split("<tr>")[2:]


@pytest.fixture
def closed_outage(network, personas):
    """An interruption of link X acknowledged and commented on the panel, its ticket received
    by the carrier, a dispute rejected, then closed by monitoring."""
    link = network.link_x_metro
    record(-1, {})
    down(network, range(3), link)
    ticket = Ticket.objects.get()
    outage = ticket.outage
    now = outage.start + timedelta(minutes=1)
    noc.incident_note_add(
        subject="outage", pk=outage.pk, acknowledgement=True, text="", by=personas.noc, now=now
    )
    noc.incident_note_add(
        subject="outage",
        pk=outage.pk,
        acknowledgement=False,
        text="Operadora acionada por telefone",
        by=personas.noc,
        now=now + timedelta(seconds=10),
    )
    carrier = personas.carrier_a
    later = now + timedelta(seconds=20)
    tickets.ticket_acknowledge(ticket_id=ticket.pk, protocol="ALFA-77", by=carrier, now=later)
    dispute = responsibility.dispute_file(
        outage_id=outage.pk,
        requested="agency",
        text="Sem energia no órgão",
        files=[],
        by=personas.carrier_a,
        now=now + timedelta(seconds=30),
    )
    responsibility.dispute_decide(
        dispute_id=dispute.pk,
        accept=False,
        reason="O nobreak do órgão estava ligado",
        by=personas.noc,
        now=now + timedelta(seconds=40),
    )
    record(3, {})  # the link answers: the outage and its ticket close
    outage.refresh_from_db()
    assert outage.end is not None
    return outage


def test_the_outage_page_keeps_the_panel_notes_after_it_closed(client, personas, closed_outage):
    client.force_login(personas.noc)
    html = client.get(reverse("monitoring:outage-detail", args=[closed_outage.pk])).content
    rows = _rows(html.decode())
    texts = [
        "Início da indisponibilidade",
        "Reconhecimento no painel",
        "Operadora acionada por telefone",
        "Contestação da operadora: pede Órgão",
        "Contestação rejeitada",
        "Fim da indisponibilidade",
        "Chamado encerrado",
    ]
    found = [next(i for i, row in enumerate(rows) if text in row) for text in texts]
    assert found == sorted(found), "in time order"
    assert any("Chamado nº" in row and "aberto para Alfa Telecom" in row for row in rows)
    comment = next(row for row in rows if "Operadora acionada" in row)
    noted = timezone.localtime(closed_outage.start + timedelta(minutes=1, seconds=10))
    assert personas.noc.username in comment and noted.strftime("%d/%m/%Y %H:%M") in comment


def test_the_ticket_page_shows_the_same_notes(client, personas, closed_outage):
    ticket = closed_outage.tickets.get()
    client.force_login(personas.noc)
    html = client.get(reverse("monitoring:ticket-detail", args=[ticket.pk])).content.decode()
    timeline = "".join(_rows(html))
    assert "Operadora acionada por telefone" in timeline and "Protocolo ALFA-77" in timeline


def test_the_carrier_sees_the_steps_but_not_the_nocs_notes(client, personas, closed_outage):
    client.force_login(personas.carrier_a)
    html = client.get(reverse("monitoring:outage-detail", args=[closed_outage.pk])).content
    timeline = "".join(_rows(html.decode()))
    assert "Contestação rejeitada" in timeline and "O nobreak do órgão estava ligado" in timeline
    assert "Operadora acionada" not in timeline and "Reconhecimento no painel" not in timeline
