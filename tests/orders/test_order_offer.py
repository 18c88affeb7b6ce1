"""Issue 23: the draft form offers the speeds the site's lot sells, and shows the monthly price
and the deadline before anything is saved."""

import pytest
import time_machine
from django.urls import reverse

from orders.models import Order
from tests.support.time import local

pytestmark = pytest.mark.django_db
ACTIVATION = reverse("orders:order-create", args=["ativacao"])
SPEED_CHANGE = reverse("orders:order-create", args=["alteracao-de-velocidade"])
SITE = {"municipality": "3106200", "address": "Rua A, 1", "access_type": "simple"}


def speeds_offered(response) -> list:
    return [value for value, _ in response.context["form"].fields["speed_mbps"].choices if value]


def test_the_form_offers_the_lots_speeds_with_price_and_deadline(client, priced_catalog, personas):
    client.force_login(personas.manager_x)
    with time_machine.travel(local(2026, 3, 2, 10), tick=False):  # a Monday
        response = client.post(ACTIVATION, {**SITE, "speed_mbps": "10", "preview": "1"})
    assert speeds_offered(response) == [4, 10]  # lot 1 (metro), simple
    html = response.content.decode()
    assert 'Mensalidade: <strong class="money">R$ 905,52</strong>' in html
    assert "Prazo previsto: <strong>até 01/04/2026</strong> (30 dias corridos" in html
    assert not Order.objects.exists()  # a preview saves nothing


def test_a_site_in_the_interior_is_offered_its_own_lots_speeds(client, priced_catalog, personas):
    client.force_login(personas.manager_x)
    response = client.post(ACTIVATION, {**SITE, "municipality": "3170206", "preview": "1"})
    assert speeds_offered(response) == [4]  # lot 2 sells only 4 Mbps
    assert "escolha a velocidade" in response.content.decode()


def test_a_speed_not_on_sale_is_refused_and_nothing_is_written(client, priced_catalog, personas):
    client.force_login(personas.manager_x)
    response = client.post(ACTIVATION, {**SITE, "speed_mbps": "100"})
    assert response.status_code == 200 and response.context["form"].errors["speed_mbps"]
    assert not Order.objects.exists()
    response = client.post(ACTIVATION, {**SITE, "speed_mbps": "10"})
    assert response.status_code == 302 and Order.objects.get().speed_mbps == 10


def test_a_speed_change_is_offered_its_links_lot(client, priced_catalog, personas):
    client.force_login(personas.manager_x)
    link = priced_catalog.link_x_metro
    response = client.post(SPEED_CHANGE, {"link": link.pk, "preview": "1"})
    assert speeds_offered(response) == [4, 10]
