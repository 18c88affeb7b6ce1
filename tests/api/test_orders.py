"""Orders through the API: the agency drafts and submits, the carrier accepts, starts,
pauses, resumes and completes; every other role or carrier is refused."""

import pytest
import time_machine

from inventory.models import Link, LinkRevision
from orders.choices import OrderStatus
from orders.models import Order
from orders.services import order_transition
from tests.support.api import ids
from tests.support.orders import activation, in_execution, move
from tests.support.time import local

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders/"
ACTIVATION = {
    "order_type": "activation",
    "ibge_code": 3106200,
    "address": "Av. Afonso Pena, 1212",
    "speed_mbps": 4,
    "access_type": "simple",
    "site_contact": "Maria, 31 3333-0000",
}


@pytest.fixture
def dispatched(api, priced_catalog, personas):
    """An activation of agency X in Belo Horizonte (lot 1, carrier A), drafted and submitted
    through the API and approved by the NOC."""
    manager = api("manager_x")
    order_id = manager.post(URL, ACTIVATION).json()["id"]
    assert manager.post(f"{URL}{order_id}/submit/").json()["status"] == "submitted"
    order = Order.objects.get(pk=order_id)
    order_transition(order=order, to=OrderStatus.DISPATCHED, user=personas.noc)
    return order_id


def test_agency_manager_drafts_an_order(api, priced_catalog):
    response = api("manager_x").post(URL, ACTIVATION)
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["agency"], body["lot"], body["carrier"]) == (
        "draft",
        "SEF",
        1,
        None,
    )
    assert body["number"].startswith("OS-")


@pytest.mark.parametrize("persona", ["carrier_a", "noc", "billing", "legal", "outsider"])
def test_only_agency_people_draft_orders(api, priced_catalog, persona):
    response = api(persona).post(URL, ACTIVATION)
    assert response.status_code == 403
    assert response.json() == {"erro": "Seu perfil não faz esta operação.", "campos": {}}
    assert not Order.objects.exists()


def test_draft_validation_errors_name_their_fields(api, priced_catalog):
    lot = priced_catalog.lot_metro
    client = api("manager_x")
    response = client.post(URL, {**ACTIVATION, "speed_mbps": 0, "order_type": "teleporte"})
    assert response.status_code == 400
    assert response.json()["campos"] == {
        "order_type": ['"teleporte" não é uma escolha válida.'],
        # (DRF's own pt-BR catalog spells it so)
        "speed_mbps": ["Certifque-se de que este valor seja maior ou igual a 1."],
    }
    # A rule of the service: the lot does not sell 100 Mbps.
    response = client.post(URL, {**ACTIVATION, "speed_mbps": 100})
    assert response.status_code == 400
    assert response.json()["campos"] == {
        "speed_mbps": [
            f"O {lot} não vende acesso Simples de 100 Mbps na região RMBH. "
            "Velocidades à venda: 4, 10 Mbps."
        ]
    }


def test_the_carrier_works_the_order_through(api, dispatched):
    carrier = api("carrier_a")
    assert carrier.post(f"{URL}{dispatched}/accept/").json()["status"] == "accepted"
    assert carrier.post(f"{URL}{dispatched}/start/").json()["status"] == "in_execution"
    refused = carrier.post(f"{URL}{dispatched}/pause/")
    assert refused.status_code == 400
    assert refused.json() == {
        "erro": "Dados inválidos; veja os campos.",
        "campos": {"reason": ["Informe o motivo."]},
    }
    paused = carrier.post(f"{URL}{dispatched}/pause/", {"reason": "Sala técnica fechada."})
    assert paused.json()["status"] == "pending_agency"
    assert carrier.post(f"{URL}{dispatched}/start/").json()["status"] == "in_execution"
    incomplete = carrier.post(f"{URL}{dispatched}/complete/", {"circuit_id": "BHZ-0900"})
    assert incomplete.status_code == 400
    assert incomplete.json()["erro"] == (
        "Informe a designação e o IP de gerência do acesso instalado."
    )
    done = carrier.post(
        f"{URL}{dispatched}/complete/", {"circuit_id": "BHZ-0900", "mgmt_ip": "127.20.0.9"}
    )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["circuit_id"]) == ("completed", "BHZ-0900")


def test_a_move_out_of_turn_is_refused_with_the_reason(api, dispatched):
    response = api("carrier_a").post(f"{URL}{dispatched}/complete/")
    assert response.status_code == 400
    message = response.json()["erro"]
    assert message.startswith("A OS OS-")
    assert "não pode passar a “Concluída pela operadora” por este usuário" in message


def test_carrier_moves_are_refused_to_other_roles_and_other_carriers(api, dispatched):
    assert api("manager_x").post(f"{URL}{dispatched}/accept/").status_code == 403
    assert api("noc").post(f"{URL}{dispatched}/accept/").status_code == 403
    # Carrier B is not in lot 1: it does not even see the order.
    response = api("carrier_b").post(f"{URL}{dispatched}/accept/")
    assert response.status_code == 404
    assert response.json()["erro"] == "Ordem de serviço não encontrada"
    assert Order.objects.get(pk=dispatched).status == OrderStatus.DISPATCHED


def test_only_the_agency_manager_submits(api, priced_catalog):
    order_id = api("unit_x").post(URL, ACTIVATION).json()["id"]
    assert api("unit_x").post(f"{URL}{order_id}/submit/").status_code == 403
    assert api("manager_y").post(f"{URL}{order_id}/submit/").status_code == 404
    assert api("manager_x").post(f"{URL}{order_id}/submit/").json()["status"] == "submitted"


def test_each_role_lists_the_orders_it_sees(api, dispatched, priced_catalog):
    draft = api("manager_x").post(URL, ACTIVATION).json()["id"]
    assert ids(api("manager_x").get(URL)) == [draft, dispatched]
    assert ids(api("noc").get(URL)) == [draft, dispatched]
    assert ids(api("carrier_a").get(URL)) == [dispatched]  # drafts never leave the agency
    assert ids(api("carrier_b").get(URL)) == []
    assert ids(api("manager_y").get(URL)) == []
    assert ids(api("outsider").get(URL)) == []
    assert ids(api("noc").get(URL, {"status": "draft"})) == [draft]
    assert api("carrier_b").get(f"{URL}{dispatched}/").status_code == 404


def _row_counts() -> tuple:
    return (
        Link.objects.count(),
        LinkRevision.objects.count(),
        Link.pgh_event_model.objects.count(),
        Order.objects.filter(status=OrderStatus.COMPLETED).count(),
    )


@pytest.mark.parametrize(
    ("field", "completion"),
    [
        # agency Y's link, in the same lot: its circuit id, with any letter case
        ("circuit_id", {"circuit_id": "ctg-0001", "mgmt_ip": "127.20.0.9"}),
        # agency X's interior link, in another lot (a consortium led by carrier B)
        ("circuit_id", {"circuit_id": "UDI-0001", "mgmt_ip": "127.20.0.9"}),
        ("mgmt_ip", "taken"),
    ],
)
def test_a_completion_never_takes_over_another_link(
    api, dispatched, priced_catalog, field, completion
):
    """The takeover of issue 18: completing its own activation with the circuit id (or the
    management address) of another tenant's link is refused with the field named, and nothing
    is written: the other link keeps its agency, lot, status and address."""
    victim = (
        priced_catalog.link_y_metro if completion != "taken" else priced_catalog.link_x_interior
    )
    if completion == "taken":
        completion = {"circuit_id": "BHZ-0900", "mgmt_ip": victim.mgmt_ip}
    before = (victim.agency_id, victim.lot_id, victim.status, victim.mgmt_ip, victim.activated_at)
    carrier = api("carrier_a")
    carrier.post(f"{URL}{dispatched}/accept/")
    carrier.post(f"{URL}{dispatched}/start/")
    counts = _row_counts()
    response = carrier.post(f"{URL}{dispatched}/complete/", completion)
    assert response.status_code == 400
    assert list(response.json()["campos"]) == [field]
    assert "outro acesso" in response.json()["campos"][field][0]
    victim.refresh_from_db()
    after = (victim.agency_id, victim.lot_id, victim.status, victim.mgmt_ip, victim.activated_at)
    assert after == before
    assert _row_counts() == counts
    assert Order.objects.get(pk=dispatched).status == OrderStatus.IN_EXECUTION


def test_an_orders_due_instant_moves_with_its_open_pause(api, priced_catalog, personas):
    """An activation dispatched on Friday 27/02/2026 10:00 is due 30/03 23:59:59; paused since
    20/03 09:00, at 01/04 00:05 its due instant as moved so far is 13/04 23:59:59 (11 d 15 h
    05 min later, a Saturday, rolled to Monday): the API gives that, as the order's page does,
    not the instant stored before the pause."""
    dispatch = local(2026, 2, 27, 10)
    order = in_execution(activation(personas, dispatch), personas, dispatch)
    move(
        order, OrderStatus.PENDING_AGENCY, personas.carrier_a, local(2026, 3, 20, 9), reason="Obra"
    )
    with time_machine.travel(local(2026, 4, 1, 0, 5), tick=False):
        body = api("noc").get(f"{URL}{order.pk}/").json()
    assert body["due_at"] == "2026-04-13T23:59:59-03:00"
