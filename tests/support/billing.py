"""Billing: the shared network priced with one 4 Mbps simple price per lot (R$ 905,52 in the
metro lot 1, R$ 1.234,57 in the interior consortium lot 2: Beta 60% leader, Alfa 40%), outages
between two instants, months computed at a given instant, the clock of late November, and the
staff's jobs run while their progress is watched."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from billing import services
from billing.models import BillingPeriod, PeriodJob
from billing.selectors import job_progress_key
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


def outage(link, start, end, responsibility=Responsibility.CARRIER, **fields) -> Outage:
    """An outage from `start` to `end`: the carrier's imported interruption unless told
    (`kind=`, `source=`: OutageFactory's fields)."""
    return OutageFactory(link=link, start=start, end=end, responsibility=responsibility, **fields)


def worked_example_outage(network) -> Outage:
    """docs/billing.md's worked example: BHZ-0001 down 2 h 30 on 15 October 2026."""
    return outage(network.link_x_metro, local(2026, 10, 15, 8, 0), local(2026, 10, 15, 10, 30))


@pytest.fixture
def late_november():
    """The clock frozen on 25/11/2026 at 10:00, when billing staff work on October: it has
    ended, November has not (modules use it with `usefixtures`)."""
    with time_machine.travel(local(2026, 11, 25, 10, 0), tick=False):
        yield


@pytest.fixture
def billing_staff(personas):
    """The billing persona with an e-mail address (a finished job tells who asked for it)."""
    personas.billing.email = "ugs@planejamento.mg.gov.br"
    personas.billing.save(update_fields=["email"])
    return personas.billing


def job_run_watched(job: PeriodJob) -> tuple[PeriodJob, list]:
    """Run a month's job as its worker does; the job as it ended and every progress value it
    reported, in order."""
    seen = []
    original = cache.set

    def watch(key, value, *args, **kwargs):
        if key == job_progress_key(job.pk):
            seen.append(value)
        return original(key, value, *args, **kwargs)

    cache.set = watch
    try:
        done = services.period_job_run(job_id=job.pk)
    finally:
        cache.set = original
    return done, seen


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
