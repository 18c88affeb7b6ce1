"""Orders: the network with a price catalog, and helpers that move an order at a frozen instant
(time-machine), as a person would click at that moment."""

from datetime import date, datetime

import pytest
import time_machine

from inventory.choices import AccessType, Region
from inventory.models import Municipality
from orders.choices import OrderStatus, OrderType
from orders.services import order_create, order_transition
from tests.inventory.factories import BELO_HORIZONTE, PriceItemFactory
from tests.support.time import local

S = OrderStatus
T0 = local(2026, 3, 2, 10)  # a Monday


@pytest.fixture
def priced_catalog(network):
    """Lot 1 (metro) sells 4 and 10 Mbps, simple and redundant; lot 2 (interior) 4 Mbps simple.
    Returns the network."""
    for speed in (4, 10):
        for access in AccessType.values:
            PriceItemFactory(lot=network.lot_metro, speed_mbps=speed, access_type=access)
    PriceItemFactory(lot=network.lot_interior, speed_mbps=4, region=Region.INTERIOR)
    return network


def move(order, to, user, when: datetime, **kwargs):
    """`order_transition` with the clock frozen at `when`."""
    with time_machine.travel(when, tick=False):
        return order_transition(order=order, to=to, user=user, **kwargs)


def activation(personas, when: datetime, *, speed: int = 4, **kwargs):
    with time_machine.travel(when, tick=False):
        return order_create(
            user=personas.manager_x,
            order_type=OrderType.ACTIVATION,
            municipality=Municipality.objects.get(pk=BELO_HORIZONTE),
            address="Av. Afonso Pena, 1212",
            speed_mbps=speed,
            access_type=AccessType.SIMPLE,
            site_contact="Maria, 31 3333-0000",
            **kwargs,
        )


def cancellation(personas, link, when: datetime, requested: date):
    with time_machine.travel(when, tick=False):
        return order_create(
            user=personas.manager_x,
            order_type=OrderType.CANCELLATION,
            link=link,
            requested_date=requested,
        )


def dispatched(order, personas, when: datetime):
    """Submitted by the manager and approved by the NOC at `when`."""
    move(order, S.SUBMITTED, personas.manager_x, when)
    return move(order, S.DISPATCHED, personas.noc, when)


def in_execution(order, personas, when: datetime):
    order = dispatched(order, personas, when)
    move(order, S.ACCEPTED, personas.carrier_a, when)
    return move(order, S.IN_EXECUTION, personas.carrier_a, when)
