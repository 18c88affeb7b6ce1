"""IMR: the network priced as for billing plus a redundant metro price, and helpers that write
interruptions, tickets and orders at exact instants, and read the `imr` command's JSON."""

import json
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from monitoring.choices import OutageSource, Responsibility
from monitoring.models import Ticket
from monitoring.services.tickets import tickets_open
from orders.choices import OrderStatus, OrderType
from redegov.models import User
from tests.inventory.factories import PriceItemFactory
from tests.monitoring.factories import OutageFactory
from tests.orders.factories import OrderFactory
from tests.people.factories import UserFactory
from tests.support.billing import outage


@pytest.fixture
def priced_with_redundant(priced_simple):
    """`priced_simple` (lot 1, Alfa, metro: 4 Mbps simple R$ 905,52; lot 2, consortium Beta 60%
    leader + Alfa 40%, interior: 4 Mbps simple R$ 1.234,57) and lot 1's 4 Mbps redundant access
    at R$ 1.500,00; returns the network."""
    PriceItemFactory(
        lot=priced_simple.lot_metro,
        region="metro",
        access_type="redundant",
        monthly_price=Decimal("1500.00"),
    )
    return priced_simple


def interruption(link, start, minutes, responsibility=Responsibility.CARRIER, ticket=False):
    """A closed interruption of `minutes` minutes, with its ticket when asked."""
    row = outage(link, start, start + timedelta(minutes=minutes), responsibility)
    if ticket:
        tickets_open(outages=[row], losses=[], now=start)
    return row


def open_outage_with_ticket(link, start):
    row = OutageFactory(link=link, start=start, source=OutageSource.ICMP)
    tickets_open(outages=[row], losses=[], now=start)
    return Ticket.objects.get(outage=row)


def order(network, order_type, *, dispatched, due, completed=None, status=None, lot=None):
    """An order of agency X in the metro lot (or `lot`) with its clock as given: verified when
    completed, still in execution otherwise."""
    lot = lot or network.lot_metro
    manager = User.objects.filter(username="gestor.sef").first()
    return OrderFactory(
        order_type=order_type,
        status=status or (OrderStatus.VERIFIED if completed else OrderStatus.IN_EXECUTION),
        agency=network.agency_x,
        municipality=network.link_x_metro.municipality
        if lot == network.lot_metro
        else network.link_x_interior.municipality,
        lot=lot,
        carrier=lot.members.get(position=0).carrier,
        link=None if order_type == OrderType.ACTIVATION else network.link_x_metro,
        replaced_link=network.link_x_metro if order_type == OrderType.ADDRESS_CHANGE else None,
        created_by=manager or UserFactory(),
        created_at=dispatched,
        dispatched_at=dispatched,
        deadline_days=30,
        base_due_at=due,
        due_at=due,
        completed_at=completed,
        verified_at=completed,
    )


def imr_json(period: str) -> dict:
    out = StringIO()
    call_command("imr", period, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def result_of(document: dict, indicator: str, *, circuit_id=None, lot=None) -> dict:
    matches = [
        r
        for r in document["results"]
        if r["indicator"] == indicator
        and (circuit_id is None or r["circuit_id"] == circuit_id)
        and (lot is None or r["lot"] == lot)
    ]
    assert len(matches) == 1, matches
    return matches[0]
