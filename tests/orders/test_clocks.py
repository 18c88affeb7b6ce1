"""Clocks on the real calendar (docs/domain.md section 3), driven through the services at frozen
instants: Carnaval 16-17/02/2026, Corpus Christi 04/06/2026, BH's 08/12, Aparecida 12/10."""

from datetime import date, timedelta

import pytest
import time_machine

from orders.choices import ClockState, OrderStatus, OrderType
from orders.selectors import order_clock
from orders.services import order_create
from tests.redegov.factories import carnaval_2026
from tests.support.orders import activation, cancellation, dispatched, in_execution, move
from tests.support.time import local

S = OrderStatus
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("pontos_facultativos", "due"),
    [(False, date(2026, 2, 20)), (True, date(2026, 2, 25))],
)
def test_cancellation_dispatched_the_friday_before_carnaval(
    priced_catalog, personas, pontos_facultativos, due
):
    if pontos_facultativos:
        carnaval_2026()
    friday = local(2026, 2, 13, 16, 0)
    order = cancellation(personas, priced_catalog.link_x_metro, friday, date(2026, 3, 2))
    order = dispatched(order, personas, friday)
    assert (order.deadline_days, order.deadline_business_days) == (5, True)
    assert order.due_date == due
    assert order.due_at == local(due.year, due.month, due.day, 23, 59, 59)


def test_activation_dispatched_the_friday_before_carnaval_counts_calendar_days(
    priced_catalog, personas
):
    carnaval_2026()
    friday = local(2026, 2, 13, 16, 0)
    order = dispatched(activation(personas, friday), personas, friday)
    # 30 calendar days: Sunday 15/03, moved to the end of Monday 16/03.
    assert order.due_date == date(2026, 3, 15)
    assert order.due_at == local(2026, 3, 16, 23, 59, 59)


@pytest.mark.parametrize(
    ("dispatch", "due"),
    [
        # Corpus Christi (Thursday 04/06/2026, BH municipal holiday in the shipped table).
        (local(2026, 6, 3, 9, 0), date(2026, 6, 11)),
        # Imaculada Conceição (Tuesday 08/12/2026, BH municipal holiday).
        (local(2026, 12, 7, 9, 0), date(2026, 12, 15)),
    ],
)
def test_cancellation_across_belo_horizonte_holidays(priced_catalog, personas, dispatch, due):
    order = cancellation(personas, priced_catalog.link_x_metro, dispatch, dispatch.date())
    order = dispatched(order, personas, dispatch)
    assert order.due_date == due


def test_due_date_on_a_sunday_moves_to_the_next_business_day(priced_catalog, personas):
    # 10 calendar days from Thursday 01/10/2026 is Sunday 11/10; Monday 12/10 is Aparecida.
    with time_machine.travel(local(2026, 10, 1, 10, 0), tick=False):
        order = order_create(
            user=personas.manager_x,
            order_type=OrderType.SPEED_CHANGE,
            link=priced_catalog.link_x_metro,
            speed_mbps=10,
        )
    order = dispatched(order, personas, local(2026, 10, 1, 10, 0))
    assert order.due_date == date(2026, 10, 11)
    assert order.due_at == local(2026, 10, 13, 23, 59, 59)


def test_pause_entirely_on_a_weekend_does_not_move_a_business_day_clock(priced_catalog, personas):
    order = cancellation(
        personas, priced_catalog.link_x_metro, local(2026, 3, 2, 10), date(2026, 3, 20)
    )
    order = in_execution(order, personas, local(2026, 3, 2, 10))
    assert order.due_at == local(2026, 3, 9, 23, 59, 59)
    move(order, S.PENDING_AGENCY, personas.carrier_a, local(2026, 3, 7, 10), reason="Sem acesso")
    order = move(order, S.IN_EXECUTION, personas.carrier_a, local(2026, 3, 8, 18))
    assert order.due_at == local(2026, 3, 9, 23, 59, 59)
    assert order.pauses.get().counted_seconds == 0


def test_pause_from_friday_to_monday_counts_only_business_hours(priced_catalog, personas):
    order = cancellation(
        personas, priced_catalog.link_x_metro, local(2026, 3, 2, 10), date(2026, 3, 20)
    )
    order = in_execution(order, personas, local(2026, 3, 2, 10))
    move(order, S.PENDING_AGENCY, personas.carrier_a, local(2026, 3, 6, 18), reason="Sala fechada")
    order = move(order, S.IN_EXECUTION, personas.manager_x, local(2026, 3, 9, 6))
    # Friday 18:00-24:00 and Monday 00:00-06:00: 12 hours.
    assert order.due_at == local(2026, 3, 9, 23, 59, 59) + timedelta(hours=12)


def test_calendar_clock_pause_over_a_weekend_moves_by_wall_time(priced_catalog, personas):
    order = in_execution(
        activation(personas, local(2026, 3, 5, 10)), personas, local(2026, 3, 5, 10)
    )
    base = order.due_at
    order = move(order, S.PENDING_AGENCY, personas.carrier_a, local(2026, 3, 7, 0), reason="Obra")
    with time_machine.travel(local(2026, 3, 8, 0), tick=False):
        reading = order_clock(order)
    assert reading.state == ClockState.PAUSED
    assert reading.due_at == base + timedelta(hours=24)  # the open pause moves it as it runs
    order = move(order, S.IN_EXECUTION, personas.carrier_a, local(2026, 3, 8, 12))
    assert order.due_at == base + timedelta(hours=36)


def test_moved_due_instant_on_a_non_business_day_goes_to_the_next_business_day(
    priced_catalog, personas
):
    # Due Monday 16/03 23:59:59; a 5-day pause lands on Saturday 21/03 -> Monday 23/03.
    order = in_execution(
        activation(personas, local(2026, 2, 13, 16)), personas, local(2026, 2, 13, 16)
    )
    move(order, S.PENDING_AGENCY, personas.carrier_a, local(2026, 2, 20, 9), reason="Sem energia")
    order = move(order, S.IN_EXECUTION, personas.carrier_a, local(2026, 2, 25, 9))
    assert order.due_at == local(2026, 3, 23, 23, 59, 59)


def test_pause_while_already_late_moves_the_due_instant_but_stays_late(priced_catalog, personas):
    order = cancellation(
        personas, priced_catalog.link_x_metro, local(2026, 3, 2, 10), date(2026, 3, 20)
    )
    order = in_execution(order, personas, local(2026, 3, 2, 10))
    with time_machine.travel(local(2026, 3, 11, 9), tick=False):
        assert order_clock(order).state == ClockState.LATE
    move(order, S.PENDING_AGENCY, personas.carrier_a, local(2026, 3, 11, 9), reason="Sem acesso")
    order = move(order, S.IN_EXECUTION, personas.carrier_a, local(2026, 3, 11, 13))
    assert order.due_at == local(2026, 3, 10, 3, 59, 59)
    with time_machine.travel(local(2026, 3, 11, 14), tick=False):
        reading = order_clock(order)
    assert reading.state == ClockState.LATE and reading.late


@pytest.mark.parametrize(
    ("completed", "state"),
    [
        (local(2026, 3, 9, 23, 59), ClockState.STOPPED_ON_TIME),
        (local(2026, 3, 10, 0, 0), ClockState.STOPPED_LATE),
    ],
)
def test_completion_at_2359_of_the_due_date_is_on_time(priced_catalog, personas, completed, state):
    order = cancellation(
        personas, priced_catalog.link_x_metro, local(2026, 3, 2, 10), date(2026, 3, 20)
    )
    order = in_execution(order, personas, local(2026, 3, 2, 10))
    move(order, S.COMPLETED, personas.carrier_a, completed)
    order = move(order, S.VERIFIED, personas.noc, completed + timedelta(days=1), reason="OK")
    assert order_clock(order).state == state


def test_warning_at_80_percent_of_the_time(priced_catalog, personas):
    order = in_execution(activation(personas, local(2026, 3, 2, 0)), personas, local(2026, 3, 2, 0))
    allowed = order.base_due_at - order.dispatched_at
    with time_machine.travel(order.dispatched_at + allowed * 79 / 100, tick=False):
        assert order_clock(order).state == ClockState.RUNNING
    with time_machine.travel(order.dispatched_at + allowed * 4 / 5, tick=False):
        assert order_clock(order).state == ClockState.WARNING
