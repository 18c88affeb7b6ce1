"""Cycles recorded in PostgreSQL: outages written once, one timeline per link, the state
rebuilt from the database."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from monitoring import services
from monitoring.choices import OutageKind, OutageSource, Responsibility
from monitoring.models import BlindPeriod, Outage, RedundancyLoss
from monitoring.selectors import unavailable_minutes
from tests.monitoring.factories import OutageFactory
from tests.support.monitoring import down, record
from tests.support.time import at

pytestmark = pytest.mark.usefixtures("forget_memory")


@pytest.mark.django_db
def test_failed_cycles_become_one_outage_closed_on_the_first_success(network):
    link = network.link_x_metro
    record(0, {})
    down(network, range(5, 9), link)
    outage = Outage.objects.get(link=link)
    assert (outage.start, outage.end, outage.kind) == (at(5), None, OutageKind.INTERRUPTION)
    assert outage.source == OutageSource.ICMP
    assert outage.responsibility == Responsibility.PENDING
    record(9, {})
    outage.refresh_from_db()
    assert outage.end == at(9)
    assert Outage.objects.filter(link=link, kind=OutageKind.INTERRUPTION).count() == 1


@pytest.mark.django_db
def test_a_cycle_recorded_twice_is_applied_once(network):
    link = network.link_x_metro
    record(0, {link.mgmt_ip: 0})
    record(1, {link.mgmt_ip: 0})
    assert record(1, {link.mgmt_ip: 0}) == []
    assert record(0, {link.mgmt_ip: 0}) == []
    assert not Outage.objects.filter(kind=OutageKind.INTERRUPTION).exists()
    record(2, {link.mgmt_ip: 0})
    assert Outage.objects.get(kind=OutageKind.INTERRUPTION).start == at(0)


@pytest.mark.django_db
def test_state_is_rebuilt_from_the_database_after_a_restart(network):
    link = network.link_x_metro
    down(network, range(2), link)
    services._memory.clear()  # a new worker process: nothing in memory
    record(2, {link.mgmt_ip: 0})
    services._memory.clear()
    record(3, {link.mgmt_ip: 0})
    services._memory.clear()
    record(4, {})
    outage = Outage.objects.get(link=link, kind=OutageKind.INTERRUPTION)
    assert (outage.start, outage.end) == (at(0), at(4))


@pytest.mark.django_db
def test_a_rolled_back_cycle_leaves_memory_and_database_untouched(network):
    link = network.link_x_metro
    down(network, range(2), link)
    with pytest.raises(RuntimeError), transaction.atomic():
        record(2, {link.mgmt_ip: 0})
        raise RuntimeError("worker killed before commit")
    assert not Outage.objects.filter(kind=OutageKind.INTERRUPTION).exists()
    # The same cycle runs again (a retry) and counts once.
    record(2, {link.mgmt_ip: 0})
    record(3, {})
    outage = Outage.objects.get(kind=OutageKind.INTERRUPTION)
    assert (outage.start, outage.end) == (at(0), at(3))


@pytest.mark.django_db
def test_degraded_windows_are_stored_and_clipped(network):
    link = network.link_x_metro
    for minute in range(5):
        record(minute, {link.mgmt_ip: 3})  # 40% lost
    record(5, {})
    outage = Outage.objects.get(link=link)
    assert (outage.kind, outage.start, outage.end) == (OutageKind.DEGRADATION, at(0), at(5))


@pytest.mark.django_db
def test_an_imported_outage_pushes_the_polled_interruption_after_it(network):
    link = network.link_x_metro
    OutageFactory(link=link, start=at(0), end=at(4), responsibility=Responsibility.AGENCY)
    down(network, range(2, 8), link)
    record(8, {})
    polled = Outage.objects.get(link=link, source=OutageSource.ICMP)
    assert (polled.start, polled.end) == (at(4), at(8))


@pytest.mark.django_db
def test_redundant_access_losing_one_path_records_lost_redundancy(network):
    link = network.link_x_metro
    link.access_type = "redundant"
    link.mgmt_ip_secondary = "127.10.200.2"
    link.save()
    for minute in range(4):
        record(minute, {link.mgmt_ip: 0})
    record(4, {})
    loss = RedundancyLoss.objects.get(link=link)
    assert (loss.start, loss.end) == (at(0), at(4))
    assert not Outage.objects.filter(kind=OutageKind.INTERRUPTION).exists()


@pytest.mark.django_db
def test_every_carrier_failing_at_once_is_a_blind_period(network):
    everyone = [network.link_x_metro, network.link_x_interior, network.link_y_metro]
    down(network, range(4), *everyone)
    record(4, {})
    assert not Outage.objects.exists()
    blind = BlindPeriod.objects.get()
    assert (blind.start, blind.end) == (at(0), at(4))


@pytest.mark.django_db
def test_one_timeline_per_link_is_enforced_by_the_database(network):
    link = network.link_x_metro
    Outage.objects.create(
        link=link, start=at(0), end=None, kind=OutageKind.INTERRUPTION, source=OutageSource.ICMP
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Outage.objects.create(
            link=link,
            start=at(60),
            end=at(65),
            kind=OutageKind.DEGRADATION,
            source=OutageSource.IMPORT,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Outage.objects.create(
            link=network.link_y_metro,
            start=at(5),
            end=at(5),
            kind=OutageKind.INTERRUPTION,
            source=OutageSource.MANUAL,
        )
    # Back to back is one timeline, not an overlap.
    Outage.objects.create(
        link=network.link_y_metro,
        start=at(0),
        end=at(5),
        kind=OutageKind.DEGRADATION,
        source=OutageSource.ICMP,
    )
    Outage.objects.create(
        link=network.link_y_metro,
        start=at(5),
        end=None,
        kind=OutageKind.INTERRUPTION,
        source=OutageSource.ICMP,
    )


@pytest.mark.django_db
def test_unavailable_minutes_counts_carrier_and_pending_outages_clipped(network):
    link = network.link_x_metro
    for start, end, responsibility in [
        (at(0), at(30), Responsibility.CARRIER),
        (at(40), at(45), Responsibility.PENDING),
        (at(50), at(70), Responsibility.AGENCY),  # not counted
        (at(100), None, Responsibility.PENDING),  # open: counts up to now
    ]:
        OutageFactory(
            link=link,
            start=start,
            end=end,
            responsibility=responsibility,
            kind=OutageKind.INTERRUPTION if end is None else OutageKind.DEGRADATION,
        )
    # Seconds are truncated before counting (a benchmark's 5-second cycles leave them).
    OutageFactory(
        link=network.link_y_metro,
        start=at(20) + timedelta(seconds=50),
        end=at(23) + timedelta(seconds=10),
        source=OutageSource.ICMP,
    )
    windows = [
        (link.pk, at(10), at(60)),
        (link.pk, at(0), at(200)),
        (network.link_y_metro.pk, at(0), at(200)),
    ]
    minutes = unavailable_minutes(windows=windows, now=at(120) + timedelta(seconds=59))
    assert [c.minutes for c in minutes] == [20 + 5, 30 + 5 + 20, 3]
    assert len(minutes[1].outage_ids) == 3  # carrier, pending and the open one
