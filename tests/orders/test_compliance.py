"""I3/I4 compliance while a pause ("pendente órgão") is open when a month is judged: the due
instant moves with the running pause (docs/orders.md, "Clocks"), and an order counts once, in
the month of the earlier of its stop and its due instant as moved."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from orders.choices import ClockState, OrderStatus
from orders.clocks import PauseSpan, counting_due
from orders.compliance import compliance_rows
from orders.selectors import order_clock
from redegov.calendar import BusinessCalendar
from tests.support.orders import activation, in_execution, move
from tests.support.time import local

S = OrderStatus
pytestmark = pytest.mark.django_db

DISPATCH = local(2026, 2, 27, 10)  # a Friday
# 30 calendar days after Friday 27/02/2026 is Sunday 29/03: due Monday 30/03 23:59:59.
DUE = local(2026, 3, 30, 23, 59, 59)
MARCH_CLOSING = local(2026, 4, 1, 0, 5)
APRIL_CLOSING = local(2026, 5, 1, 0, 5)


def counts(year: int, month: int, now) -> list[tuple[int, int]]:
    return [(r.on_time, r.late) for r in compliance_rows(year=year, month=month, now=now)]


def paused_activation(personas, paused_at):
    order = in_execution(activation(personas, DISPATCH), personas, DISPATCH)
    assert order.due_at == DUE
    return move(order, S.PENDING_AGENCY, personas.carrier_a, paused_at, reason="Obra no local")


def finish(order, personas, resumed_at, completed_at):
    order = move(order, S.IN_EXECUTION, personas.carrier_a, resumed_at)
    order = move(
        order,
        S.COMPLETED,
        personas.carrier_a,
        completed_at,
        completion={"circuit_id": "BHZ-0950", "mgmt_ip": "127.99.0.50"},
    )
    return move(order, S.VERIFIED, personas.noc, completed_at, reason="Responde ao ICMP")


def test_an_order_paused_before_its_due_instant_is_not_late_while_the_pause_runs(
    priced_catalog, personas
):
    """Due 30/03 23:59:59, paused on Friday 20/03 09:00 and still paused when March closes
    (01/04 00:05): the pause has run 11 d 15 h 05 min, so the due instant as moved so far is
    11/04 15:04:59, a Saturday, hence Monday 13/04 23:59:59: ahead, not late, and March counts
    nothing. The pause ends on 10/04 09:00 (21 days: due 20/04 23:59:59, a Monday); completed
    and verified on 15/04 10:00: on time, counted once, in April."""
    order = paused_activation(personas, local(2026, 3, 20, 9))
    with time_machine.travel(MARCH_CLOSING, tick=False):
        reading = order_clock(order)
    assert (reading.state, reading.due_at, reading.late) == (
        ClockState.PAUSED,
        local(2026, 4, 13, 23, 59, 59),
        False,
    )
    assert counts(2026, 3, MARCH_CLOSING) == []
    order = finish(order, personas, local(2026, 4, 10, 9), local(2026, 4, 15, 10))
    assert order.due_at == local(2026, 4, 20, 23, 59, 59)
    assert counts(2026, 3, APRIL_CLOSING) == []
    assert counts(2026, 4, APRIL_CLOSING) == [(1, 0)]


def test_an_order_paused_after_its_due_instant_counts_late_once_in_the_due_month(
    priced_catalog, personas
):
    """Due 30/03 23:59:59 and not done: late from then on. Paused on 31/03 09:00 (already late)
    and still paused when March closes: it counts late in March, at the due instant it passed.
    The pause ends on 10/04 09:00 (10 days: the due instant shown moves to 09/04 23:59:59) and
    the order is completed on 15/04, late: April does not count it again."""
    order = paused_activation(personas, local(2026, 3, 31, 9))
    assert counts(2026, 3, MARCH_CLOSING) == [(0, 1)]
    order = finish(order, personas, local(2026, 4, 10, 9), local(2026, 4, 15, 10))
    assert order.due_at == local(2026, 4, 9, 23, 59, 59)
    assert counts(2026, 3, APRIL_CLOSING) == [(0, 1)]
    assert counts(2026, 4, APRIL_CLOSING) == []


def test_a_pause_still_open_when_the_moved_due_instant_falls_in_the_next_month(
    priced_catalog, personas
):
    """Due 30/03 23:59:59, paused 29/03 12:00 (1 d 11 h 59 min 59 s before it) and never
    resumed: at any instant the due instant as moved is that much ahead of it, so the order is
    never late while paused and counts in no month: not March (judged 01/04 00:05), not April
    (judged 01/05 00:05)."""
    paused_activation(personas, local(2026, 3, 29, 12))
    assert counts(2026, 3, MARCH_CLOSING) == []
    assert counts(2026, 3, APRIL_CLOSING) == []
    assert counts(2026, 4, APRIL_CLOSING) == []


def test_counting_due_moves_with_open_pauses_and_skips_pauses_begun_late():
    """Pure arithmetic on a calendar-day clock, due 30/03 23:59:59: a pause of 2 days ended
    (20-22/03) moves it to 01/04 23:59:59; an open pause since 31/03 12:00 read at 02/04 12:00
    moves it 2 days more, to 03/04 23:59:59 (Good Friday, a holiday: the next business day is
    Monday 06/04, so 06/04 23:59:59). Alone, a pause begun on 01/04 09:00, after the due
    instant of 30/03 had passed, moves nothing."""
    calendar = BusinessCalendar()
    ended = PauseSpan(local(2026, 3, 20, 9), local(2026, 3, 22, 9), timedelta(days=2))
    running = PauseSpan(local(2026, 3, 31, 12), None, timedelta(0))
    now = local(2026, 4, 2, 12)
    assert counting_due(
        base_due_at=DUE, pauses=[ended], business_days=False, now=now, calendar=calendar
    ) == local(2026, 4, 1, 23, 59, 59)
    assert counting_due(
        base_due_at=DUE, pauses=[running, ended], business_days=False, now=now, calendar=calendar
    ) == local(2026, 4, 6, 23, 59, 59)
    late_pause = PauseSpan(local(2026, 4, 1, 9), None, timedelta(0))
    assert (
        counting_due(
            base_due_at=DUE, pauses=[late_pause], business_days=False, now=now, calendar=calendar
        )
        == DUE
    )


def test_the_order_export_gives_the_due_instant_as_moved_by_the_open_pause(
    client, priced_catalog, personas
):
    """The same activation (due 30/03 23:59:59, paused since 20/03 09:00) exported at 01/04
    00:05: its "Prazo" is 13/04/2026 23:59, as on its page, not the 30/03 stored before the
    pause."""
    paused_activation(personas, local(2026, 3, 20, 9))
    client.force_login(personas.noc)
    with time_machine.travel(MARCH_CLOSING, tick=False):
        csv = client.get(reverse("orders:order-export", args=["csv"])).content.decode("utf-8-sig")
    row = csv.splitlines()[1]
    assert "13/04/2026 23:59" in row and "30/03/2026 23:59" not in row
