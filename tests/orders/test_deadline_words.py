"""Issue 23: an order's page shows one deadline, as a date and in words, not a date and an
instant that moves every minute."""

import pytest
import time_machine
from django.urls import reverse

from orders.selectors import order_clock, order_due_words
from redegov.calendar import BusinessCalendar
from tests.support.orders import T0, activation, dispatched
from tests.support.time import local as at

pytestmark = pytest.mark.django_db


def page_deadline(client, order) -> str:
    html = client.get(reverse("orders:order-detail", args=[order.pk])).content.decode()
    assert "Data-limite" not in html and "Prazo (instante)" not in html
    return html.split('<dd id="prazo">')[1].split("</dd>")[0]


def test_the_page_shows_one_deadline_in_words_and_as_a_date(client, priced_catalog, personas):
    order = activation(personas, T0)
    client.force_login(personas.manager_x)
    assert page_deadline(client, order).startswith("começa quando o NOC encaminha")
    order = dispatched(order, personas, T0)  # 30 calendar days: due 01/04/2026
    with time_machine.travel(at(2026, 3, 20, 10), tick=False):
        assert page_deadline(client, order) == "até 01/04/2026 (em 12 dias corridos)"
    with time_machine.travel(at(2026, 3, 31, 23, 50), tick=False):
        assert page_deadline(client, order) == "até 01/04/2026 (em 1 dia corrido)"
    with time_machine.travel(at(2026, 4, 3, 8), tick=False):
        assert page_deadline(client, order) == "até 01/04/2026 (vencido há 2 dias corridos)"


def test_business_day_deadlines_count_business_days(priced_catalog, personas):
    order = dispatched(activation(personas, T0), personas, T0)
    order.deadline_business_days = True
    with time_machine.travel(at(2026, 3, 27, 10), tick=False):  # a Friday
        clock = order_clock(order)
        words = order_due_words(
            order=order, clock=clock, today=at(2026, 3, 27).date(), calendar=BusinessCalendar()
        )
    # Mon 30/03, Tue 31/03, Wed 01/04: three business days, the weekend not counted.
    assert words == "até 01/04/2026 (em 3 dias úteis)"
