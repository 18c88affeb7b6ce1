"""Rejecting a carrier's dispute is confirmed and needs a reason (docs/ui.md, "Confirmações")."""

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Dispute, Ticket
from monitoring.services import responsibility
from tests.support.monitoring import down, record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("forget_memory")]


@pytest.fixture
def dispute(network, personas):
    record(-1, {})
    down(network, range(3), network.link_x_metro)
    return responsibility.dispute_file(
        outage_id=Ticket.objects.get().outage_id,
        requested="agency",
        text="Sem energia no órgão",
        files=[],
        by=personas.carrier_a,
        now=timezone.now(),
    )


def _decide(client, dispute, **data):
    url = reverse("monitoring:dispute-decide", args=[dispute.outage_id, dispute.pk])
    return client.post(url, data, follow=True).content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"accept": "0", "reason": "Nobreak ligado"}, "Marque a caixa de confirmação"),
        ({"accept": "0", "reason": " ", "confirmed": "on"}, "Informe o motivo"),
    ],
)
def test_rejecting_needs_confirmation_and_reason(client, personas, dispute, data, error):
    client.force_login(personas.noc)
    assert error in _decide(client, dispute, **data)
    assert Dispute.objects.get(pk=dispute.pk).status == "open"


def test_a_confirmed_rejection_is_recorded_with_its_reason(client, personas, dispute):
    client.force_login(personas.noc)
    page = _decide(client, dispute, accept="0", reason="Nobreak ligado", confirmed="on")
    assert "Contestação decidida." in page
    dispute.refresh_from_db()
    assert (dispute.status, dispute.decision_reason) == ("rejected", "Nobreak ligado")
    assert "Nobreak ligado" in page.split('id="linha-do-tempo"')[1]


def test_the_page_offers_rejection_apart_as_a_danger_action(client, personas, dispute):
    client.force_login(personas.noc)
    page = client.get(reverse("monitoring:outage-detail", args=[dispute.outage_id])).content
    positive, danger = page.decode().split('class="danger-actions"')[:2]
    assert "Aceitar a contestação" in positive
    assert '<summary class="button danger">Rejeitar a contestação…</summary>' in danger
