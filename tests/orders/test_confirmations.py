"""Cancelling and rejecting an order are confirmed, need a reason, and say who was told
(docs/ui.md, "Confirmações")."""

import pytest
from django.urls import reverse

from orders.choices import OrderStatus
from orders.models import OrderEvent
from tests.support.orders import T0, activation, dispatched

pytestmark = pytest.mark.django_db


def _cancel(client, order, **data):
    url = reverse("orders:order-transition", args=[order.pk])
    return client.post(url, {"to": OrderStatus.CANCELLED, **data}, follow=True)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"reason": "Unidade fechada."}, "Marque a caixa de confirmação para continuar."),
        ({"confirmed": "on", "reason": "  "}, "Informe o motivo."),
    ],
)
def test_cancelling_needs_the_confirmation_and_a_reason(
    client, priced_catalog, personas, data, error
):
    order = dispatched(activation(personas, T0), personas, T0)
    client.force_login(personas.manager_x)
    page = _cancel(client, order, **data).content.decode()
    assert error in page
    order.refresh_from_db()
    assert order.status == OrderStatus.DISPATCHED


def test_a_cancelled_order_shows_its_reason_and_who_was_told(client, priced_catalog, personas):
    order = dispatched(activation(personas, T0), personas, T0)
    client.force_login(personas.manager_x)
    page = _cancel(client, order, confirmed="on", reason="Unidade fechada.").content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    event = order.events.get(to_status=OrderStatus.CANCELLED)
    assert (event.reason, event.actor) == ("Unidade fechada.", personas.manager_x)
    assert "Aviso enviado a: " in page and personas.carrier_a.email in page
    timeline = page.split('id="linha-do-tempo"')[1]
    assert "Unidade fechada." in timeline


def test_another_agencys_manager_cannot_cancel(client, priced_catalog, personas):
    order = dispatched(activation(personas, T0), personas, T0)
    events = OrderEvent.objects.count()
    client.force_login(personas.manager_y)
    response = _cancel(client, order, confirmed="on", reason="x")
    assert response.status_code == 404
    assert OrderEvent.objects.count() == events


def test_negative_moves_are_apart_and_look_different(client, priced_catalog, personas):
    order = activation(personas, T0)
    client.force_login(personas.manager_x)
    page = client.get(reverse("orders:order-detail", args=[order.pk])).content.decode()
    positive, danger = page.split('class="danger-actions"')
    assert "Enviar ao NOC" in positive and "Cancelar a OS" not in positive
    assert '<summary class="button danger">Cancelar a OS…</summary>' in danger
    assert 'name="confirmed" id="acao-cancelled-confirmed" required' in danger
