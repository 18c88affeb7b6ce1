"""An agency manager's orders awaiting their action (orders.selectors.order_todo): a draft
until submitted, in the manager's agency only."""

import pytest
from django.urls import reverse

from orders.choices import OrderStatus
from orders.selectors import order_todo
from tests.support.orders import activation, move
from tests.support.time import local

pytestmark = pytest.mark.django_db


def test_a_draft_waits_for_its_manager_until_submitted(client, personas, priced_catalog):
    order = activation(personas, local(2026, 11, 3, 9, 0))
    [item] = order_todo(user=personas.manager_x)
    assert item.title == f"OS {order.number} (Ativação): enviar ao NOC"
    assert item.url == reverse("orders:order-detail", args=[order.pk])
    for persona in ("manager_y", "carrier_a", "noc", "billing"):  # another agency, other roles
        assert order_todo(user=getattr(personas, persona)) == []
    client.force_login(personas.manager_x)
    assert f"OS {order.number} (Ativação): enviar ao NOC</a>" in client.get("/").content.decode()
    move(order, OrderStatus.SUBMITTED, personas.manager_x, local(2026, 11, 3, 10, 0))
    assert order_todo(user=personas.manager_x) == []
