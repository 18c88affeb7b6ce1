"""The order pages: wiring, visibility per persona, the draft form, a transition, exports."""

import pytest
from django.urls import reverse

from orders.choices import OrderStatus
from orders.models import Order
from tests.support.orders import T0, activation, dispatched, in_execution

pytestmark = pytest.mark.django_db
LIST_URL = reverse("orders:order-list")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("manager_x", 200),
        ("carrier_a", 200),
        ("carrier_b", 404),
        ("manager_y", 404),
        ("noc", 200),
        ("outsider", 404),
    ],
)
def test_detail_is_seen_only_by_those_who_may(client, priced_catalog, personas, persona, status):
    order = dispatched(activation(personas, T0), personas, T0)
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("orders:order-detail", args=[order.pk]))
    assert response.status_code == status


def test_unit_staff_drafts_an_activation_and_the_manager_submits_it(
    client, priced_catalog, personas
):
    client.force_login(personas.unit_x)
    response = client.post(
        reverse("orders:order-create", args=["ativacao"]),
        {
            "municipality": "3106200",
            "address": "Rua A, 1",
            "speed_mbps": "4",
            "access_type": "simple",
            "site_contact": "José",
        },
    )
    order = Order.objects.get()
    assert response.status_code == 302 and order.unit == personas.unit_x.unit
    client.force_login(personas.manager_x)
    client.post(reverse("orders:order-transition", args=[order.pk]), {"to": "submitted"})
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED
    home = client.get("/").content.decode()
    assert order.number in home


def test_carrier_cannot_create_orders(client, priced_catalog, personas):
    client.force_login(personas.carrier_a)
    assert client.get(reverse("orders:order-create", args=["ativacao"])).status_code == 403


def test_list_filters_late_and_exports(client, priced_catalog, personas):
    dispatched(activation(personas, T0), personas, T0)
    client.force_login(personas.noc)
    html = client.get(LIST_URL, {"late": "on"}).content.decode()
    assert "OS-2026-000001" in html  # due 01/04/2026, long past
    csv = client.get(reverse("orders:order-export", args=["csv"])).content.decode("utf-8-sig")
    assert csv.splitlines()[1].startswith("OS-2026-000001;Ativação;Encaminhada")
    xlsx = client.get(reverse("orders:order-export", args=["xlsx"]))
    assert xlsx.status_code == 200
    assert client.get(reverse("orders:order-compliance"), {"mes": "2026-04"}).status_code == 200


def test_completing_on_the_page_with_another_links_circuit_id_is_refused(
    client, priced_catalog, personas
):
    """The form names the field and nothing is written: agency Y's link stays as it was."""
    order = in_execution(activation(personas, T0), personas, T0)
    victim = priced_catalog.link_y_metro
    before = (victim.agency_id, victim.status, victim.mgmt_ip, victim.address)
    client.force_login(personas.carrier_a)
    response = client.post(
        reverse("orders:order-transition", args=[order.pk]),
        {"to": "completed", "circuit_id": victim.circuit_id, "mgmt_ip": "127.20.0.9"},
        follow=True,
    )
    assert f"A designação {victim.circuit_id} já pertence a outro acesso." in (
        response.content.decode()
    )
    victim.refresh_from_db()
    assert (victim.agency_id, victim.status, victim.mgmt_ip, victim.address) == before
    order.refresh_from_db()
    assert (order.status, order.link_id) == (OrderStatus.IN_EXECUTION, None)
