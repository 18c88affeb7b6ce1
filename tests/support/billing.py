"""Billing: the shared network priced with one 4 Mbps simple price per lot (R$ 905,52 in the
metro lot 1, R$ 1.234,57 in the interior consortium lot 2: Beta 60% leader, Alfa 40%), outages
between two instants, and months computed at a given instant."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from billing import services
from billing.models import BillingPeriod
from monitoring.choices import Responsibility
from monitoring.models import Outage
from tests.inventory.factories import PriceItemFactory
from tests.monitoring.factories import OutageFactory
from tests.support.time import local


@pytest.fixture
def priced_simple(network):
    """The network with one 4 Mbps simple price per lot; returns the network."""
    PriceItemFactory(lot=network.lot_metro, region="metro", monthly_price=Decimal("905.52"))
    PriceItemFactory(lot=network.lot_interior, region="interior", monthly_price=Decimal("1234.57"))
    return network


def outage(link, start, end, responsibility=Responsibility.CARRIER, kind=None, source=None):
    """An outage from `start` to `end` (an imported carrier interruption unless told)."""
    fields = {"kind": kind, "source": source}
    return OutageFactory(
        link=link,
        start=start,
        end=end,
        responsibility=responsibility,
        **{name: value for name, value in fields.items() if value},
    )


def worked_example_outage(network) -> Outage:
    """docs/billing.md's worked example: BHZ-0001 down 2 h 30 on 15 October 2026."""
    return outage(network.link_x_metro, local(2026, 10, 15, 8, 0), local(2026, 10, 15, 10, 30))


def compute(year: int, month: int, now: datetime | None = None) -> BillingPeriod:
    period = services.period_get_or_create(year=year, month=month)
    return services.period_compute(period=period, now=now or timezone.now())


def line_of(period: BillingPeriod, link):
    return period.lines.get(link=link)


def price(lot, speed: int, region: str, amount: str, valid_from: date, access="simple"):
    return PriceItemFactory(
        lot=lot,
        speed_mbps=speed,
        region=region,
        monthly_price=Decimal(amount),
        valid_from=valid_from,
        access_type=access,
    )
