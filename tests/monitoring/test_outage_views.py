"""The ticket, outage and maintenance pages: wiring, roles and what each persona sees."""

import pytest
from django.urls import reverse

from monitoring.models import Outage, Ticket
from tests.support.monitoring import down, record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("forget_memory")]


@pytest.fixture
def ticket(network):
    record(-1, {})
    down(network, range(3), network.link_x_metro)
    return Ticket.objects.get()


@pytest.mark.parametrize(
    ("who", "status"),
    [("noc", 200), ("carrier_a", 200), ("manager_x", 200), ("carrier_b", 404), ("outsider", 404)],
)
def test_ticket_detail_per_persona(client, personas, ticket, who, status):
    client.force_login(getattr(personas, who))
    response = client.get(reverse("monitoring:ticket-detail", args=[ticket.pk]))
    assert response.status_code == status
    if who == "carrier_a":
        assert "Confirmar recebimento" in response.content.decode()
    if who == "noc":
        assert "Confirmar recebimento" not in response.content.decode()


def test_carrier_acknowledges_through_the_page(client, personas, ticket):
    client.force_login(personas.carrier_a)
    url = reverse("monitoring:ticket-acknowledge", args=[ticket.pk])
    response = client.post(url, {"protocol": "ALFA-9"}, follow=True)
    assert "Recebimento registrado." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.protocol == "ALFA-9"


def test_lists_show_only_what_the_user_may_see(
    client, personas, ticket, django_assert_max_num_queries
):
    client.force_login(personas.carrier_b)
    assert "BHZ-0001" not in client.get(reverse("monitoring:ticket-list")).content.decode()
    client.force_login(personas.noc)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("monitoring:outage-list")).content.decode()
    assert "BHZ-0001" in page
    assert "Classificar selecionadas" in page


def test_bulk_classification_refused_to_a_carrier_and_done_for_the_noc(client, personas, ticket):
    outage = Outage.objects.get()
    data = {"outages": [outage.pk], "responsibility": "agency", "reason": "Sem energia"}
    client.force_login(personas.carrier_a)
    assert client.post(reverse("monitoring:outage-classify-bulk"), data).status_code == 403
    client.force_login(personas.noc)
    client.post(reverse("monitoring:outage-classify-bulk"), data)
    outage.refresh_from_db()
    assert outage.responsibility == "agency"
    page = client.get(reverse("monitoring:outage-detail", args=[outage.pk])).content.decode()
    assert "Sem energia" in page


def test_home_shows_open_tickets_to_the_noc_and_the_carrier(client, personas, ticket):
    for who in ("noc", "carrier_a"):
        client.force_login(getattr(personas, who))
        page = client.get(reverse("home")).content.decode()
        assert "Chamados em aberto" in page
        assert f"Nº {ticket.pk}" in page


def test_maintenance_request_page_only_for_carriers(client, personas):
    client.force_login(personas.noc)
    assert client.get(reverse("monitoring:maintenance-request")).status_code == 403
    client.force_login(personas.carrier_a)
    response = client.post(
        reverse("monitoring:maintenance-request"),
        {
            "scope": "lot",
            "lot": personas.carrier_a.carrier.lots.order_by("number").first().pk,
            "start": "2099-01-10T01:00",
            "end": "2099-01-10T03:00",
            "recurrence": "none",
            "description": "Troca de roteador",
        },
        follow=True,
    )
    assert "Janela de manutenção solicitada." in response.content.decode()
