"""Tickets through the API: the carrier that received it acknowledges it with its protocol,
then reports the restoration with the cause; others are refused."""

import pytest

from monitoring.models import Ticket
from tests.support.api import ids
from tests.support.sla import open_outage_with_ticket
from tests.support.time import local

pytestmark = pytest.mark.django_db

URL = "/api/v1/tickets/"


@pytest.fixture
def tickets(network, personas):
    """One ticket to carrier A (lot 1) and one to carrier B (leader of lot 2)."""
    metro = open_outage_with_ticket(network.link_x_metro, local(2026, 10, 15, 10, 0))
    interior = open_outage_with_ticket(network.link_x_interior, local(2026, 10, 15, 10, 0))
    return metro, interior


def test_each_role_lists_the_tickets_it_sees(api, tickets):
    metro, interior = tickets
    both = sorted([metro.pk, interior.pk], reverse=True)
    assert sorted(ids(api("noc").get(URL)), reverse=True) == both
    assert sorted(ids(api("carrier_a").get(URL)), reverse=True) == both  # member of lot 2
    assert ids(api("carrier_b").get(URL)) == [interior.pk]
    assert ids(api("manager_y").get(URL)) == []
    assert ids(api("outsider").get(URL)) == []
    assert ids(api("noc").get(URL, {"circuit": "UDI"})) == [interior.pk]
    row = api("carrier_b").get(f"{URL}{interior.pk}/").json()
    assert (row["status"], row["carrier"], row["deadline_minutes"], row["start"]) == (
        "open",
        "beta",
        480,
        "2026-10-15T10:00:00-03:00",
    )


def test_carrier_acknowledges_then_reports_the_restoration(api, tickets):
    _, interior = tickets
    carrier = api("carrier_b")
    early = carrier.post(f"{URL}{interior.pk}/restore/", {"cause": "Fibra rompida."})
    assert early.status_code == 400
    assert early.json() == {
        "erro": "Informe o protocolo antes de informar o restabelecimento.",
        "campos": {},
    }
    missing = carrier.post(f"{URL}{interior.pk}/acknowledge/", {})
    assert missing.json() == {
        "erro": "Dados inválidos; veja os campos.",
        "campos": {"protocol": ["Este campo é obrigatório."]},
    }
    acknowledged = carrier.post(f"{URL}{interior.pk}/acknowledge/", {"protocol": "BN-123"})
    assert acknowledged.status_code == 200
    assert (acknowledged.json()["status"], acknowledged.json()["protocol"]) == (
        "acknowledged",
        "BN-123",
    )
    again = carrier.post(f"{URL}{interior.pk}/acknowledge/", {"protocol": "BN-124"})
    assert again.json()["erro"] == "O chamado já tem protocolo."
    restored = carrier.post(f"{URL}{interior.pk}/restore/", {"cause": "Fibra rompida."})
    assert (restored.json()["status"], restored.json()["restoration_cause"]) == (
        "restored",
        "Fibra rompida.",
    )


def test_only_the_ticket_carrier_answers_it(api, tickets):
    metro, interior = tickets
    # Carrier A sees lot 2's ticket (consortium member), but it went to the leader, B.
    response = api("carrier_a").post(f"{URL}{interior.pk}/acknowledge/", {"protocol": "X"})
    assert response.status_code == 403
    assert response.json() == {"erro": "Só a operadora do chamado pode respondê-lo.", "campos": {}}
    assert (
        api("carrier_b").post(f"{URL}{metro.pk}/acknowledge/", {"protocol": "X"}).status_code == 404
    )
    for persona in ("noc", "manager_x"):
        assert (
            api(persona).post(f"{URL}{metro.pk}/acknowledge/", {"protocol": "X"}).status_code == 403
        )
    assert Ticket.objects.filter(protocol="").count() == 2
