"""A priced network for billing: 4 Mbps simple links at R$ 905,52 (metro, lot 1) and
R$ 1.234,57 (interior consortium, lot 2: Beta 60% leader, Alfa 40%)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from billing import services
from billing.models import BillingPeriod
from monitoring.choices import OutageKind, OutageSource, Responsibility
from monitoring.models import Outage
from tests.inventory.factories import PriceItemFactory

SP = ZoneInfo("America/Sao_Paulo")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SP)


@pytest.fixture
def priced(network):
    PriceItemFactory(lot=network.lot_metro, region="metro", monthly_price=Decimal("905.52"))
    PriceItemFactory(lot=network.lot_interior, region="interior", monthly_price=Decimal("1234.57"))
    return network


def outage(link, start, end, responsibility=Responsibility.CARRIER, kind=None, source=None):
    return Outage.objects.create(
        link=link,
        start=start,
        end=end,
        responsibility=responsibility,
        kind=kind or OutageKind.INTERRUPTION,
        source=source or OutageSource.IMPORT,
    )


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
