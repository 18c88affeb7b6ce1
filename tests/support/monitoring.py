"""Monitoring: real ICMP on loopback and a real nftables table per test process, each process
polling addresses of its own so that parallel workers never fail each other's links; and cycles
recorded at given minutes (`record`, `down`) without polling anything, and the incident panel's
open outages recorded that way (`panel_outages`)."""

import os
import re
import time
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from monitoring import services
from monitoring.choices import OutageKind
from monitoring.icmp import EchoStats
from monitoring.models import Outage
from monitoring.netsim.faults import FaultTable
from monitoring.selectors import poll_targets
from monitoring.services.responsibility import dispute_file
from tests.monitoring.factories import OutageFactory
from tests.support.time import BASE_CYCLE, MINUTE, at

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
WORKER_NUMBER = int(WORKER.removeprefix("gw") or 0)
CYCLE = timedelta(seconds=2)
# Addresses, nftables tables and UDP ports of this test process alone (derived from its pid), so
# that parallel workers, and test runs side by side, never fail or flush each other's.
PID = os.getpid()
ADDRESS_PREFIX = f"127.{32 + (PID >> 8) % 200}.{PID % 256}"
TABLE_PREFIX = f"redegov_test_{PID}"
PORT_BASE = 20_000 + (PID % 4_000) * 10


def worker_ip(host: int) -> str:
    """A loopback address that only this test process uses (host 0 to 253)."""
    return f"{ADDRESS_PREFIX}.{host + 1}"


@pytest.fixture
def faults():
    with FaultTable(name=f"{TABLE_PREFIX}_pipeline") as table:
        yield table


@pytest.fixture
def polled_network(network):
    """The `network` fixture with management addresses of this worker's own."""
    for host, link in enumerate(
        [network.link_x_metro, network.link_x_interior, network.link_y_metro]
    ):
        link.mgmt_ip = worker_ip(host)
        link.save(update_fields=["mgmt_ip"])
    services._memory.clear()
    return network


@pytest.fixture
def forget_memory():
    """The poller's in-process state starts empty (modules use it with `usefixtures`)."""
    services._memory.clear()


@pytest.fixture
def panel_cache(settings):
    """The incident panel's cache on, as in production (the test settings turn it off)."""
    settings.PANEL_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def panel_outages(network):
    """The incident panel's two open outages, recorded by cycles: agency X's metropolitan link
    down since minute 0, agency Y's since minute 3."""
    record(-1, {})
    down(network, range(3), network.link_x_metro)
    down(network, range(3, 6), network.link_x_metro, network.link_y_metro)
    return Outage.objects.order_by("start")


def interruptions(link) -> list[tuple]:
    """The link's interruptions as (start, end), by start."""
    return list(
        Outage.objects.filter(link=link, kind=OutageKind.INTERRUPTION).values_list("start", "end")
    )


def circuits(html: str) -> list[str]:
    """The circuit ids of the incident panel's rows, in order."""
    return re.findall(r'<a [^>]*class="circuit"[^>]*>([^<]+)</a>', html)


def run_cycle(length: timedelta = CYCLE) -> datetime:
    """Wait for the next cycle's scheduled instant, poll and record it; return its instant."""
    seconds = int(length.total_seconds())
    cycle_id = int(time.time()) // seconds + 1
    time.sleep(max(0.0, cycle_id * seconds - time.time()))
    services.cycle_poll(
        shard_id=services.shard_default().pk, cycle_id=cycle_id, length=length, now=timezone.now()
    )
    return services.cycle_instant(cycle_id, length)


def record(minute: int, answers: dict[str, int], shard=None):
    """Record cycle `minute` of a shard (the default one unless told) where each address
    answered that many of 5 echoes (default 5), 10 ms each."""
    shard = shard or services.shard_default()
    targets = poll_targets(shard=shard)
    results = {}
    for target in targets:
        for address in target.addresses:
            answered = answers.get(address, 5)
            rtt = 10_000 if answered else None
            results[address] = EchoStats(5, answered, answered * 10_000, rtt, rtt)
    return services.cycle_record(
        shard_id=shard.pk,
        cycle_id=BASE_CYCLE + minute,
        length=MINUTE,
        targets=targets,
        results=results,
        canaries={},
    )


def down(network, minutes: range, *links, shard=None) -> None:
    for minute in minutes:
        record(minute, {link.mgmt_ip: 0 for link in links}, shard=shard)


def dispute_filed(network, personas):
    """Carrier A contests a two-hour interruption of agency X's metro link that the NOC put on
    it: a dispute waiting for the NOC's decision (filed at `at(130)`)."""
    outage = OutageFactory(
        link=network.link_x_metro, start=at(0), end=at(120), source="icmp", responsibility="carrier"
    )
    return dispute_file(
        outage_id=outage.pk,
        requested="agency",
        text="Falta de energia no órgão",
        files=[],
        by=personas.carrier_a,
        now=at(130),
    )
