"""Blindness by carriers is judged over the whole network's cycle, whatever shards poll it
(docs/monitoring.md, "Blind NOC"): each shard posts its tally of the cycle, the first to apply
the cycle decides the verdict from every tally, and every shard follows it.

The network: Alfa alone wins lot 1 (metro) with 10 links, Beta leads the consortium of lot 2
(interior) with 3 links. The layouts put them in shards of several sizes: one shard of 13
links; the default shard with Alfa's 10 and a shard `interior` with Beta's 3; and a shard per
lot (10 and 3) beside an empty default shard (0)."""

import pytest
from django.utils import timezone

from inventory.models import Municipality
from monitoring.choices import OutageKind
from monitoring.icmp import EchoStats
from monitoring.models import BlindPeriod, CycleTally, CycleVerdict, Outage, PollShard
from monitoring.selectors import poll_targets
from monitoring.services import cycles
from tests.inventory.factories import UBERLANDIA, LinkFactory
from tests.monitoring.factories import PollShardFactory
from tests.support.time import BASE_CYCLE, MINUTE, at

CANARY = "127.254.0.1"
LAYOUTS = ["one shard", "beta apart", "a shard per lot"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("forget_memory")]


@pytest.fixture
def links(network):
    """Alfa's 10 links (lot 1) and Beta's 3 (lot 2)."""
    alfa = [network.link_x_metro, network.link_y_metro]
    alfa += [LinkFactory(lot=network.lot_metro, agency=network.agency_x) for _ in range(8)]
    beta = [network.link_x_interior]
    beta += [
        LinkFactory(
            lot=network.lot_interior,
            agency=network.agency_y,
            municipality=Municipality.objects.get(pk=UBERLANDIA),
        )
        for _ in range(2)
    ]
    return alfa, beta


def shards_for(layout: str, network) -> list[PollShard]:
    default = cycles.shard_default()
    if layout == "one shard":
        return [default]
    interior = PollShardFactory(name="interior", lots=[network.lot_interior])
    if layout == "beta apart":
        return [default, interior]
    metro = PollShardFactory(name="metro", lots=[network.lot_metro])
    return [default, metro, interior]


def run_cycle(minute: int, shards, failing=(), blind_canaries=()) -> None:
    """Cycle `minute` of every shard as `cycle_poll` runs it: each shard polls and posts its
    tally, then each applies the cycle. The links in `failing` lose all 5 echoes; the shards in
    `blind_canaries` see their canary fail (the others have none)."""
    down = {link.mgmt_ip for link in failing}
    polled = []
    for shard in shards:
        targets = poll_targets(shard=shard)
        results = {
            address: EchoStats(5, 0, 0, None, None)
            if address in down
            else EchoStats(5, 5, 50_000, 10_000, 10_000)
            for target in targets
            for address in target.addresses
        }
        canaries = {CANARY: EchoStats(5, 0, 0, None, None)} if shard in blind_canaries else {}
        cycles.cycle_tally_post(
            shard_id=shard.pk,
            cycle_id=BASE_CYCLE + minute,
            polls=cycles.link_polls(targets, results),
            canaries=[cycles._path_poll(stats) for stats in canaries.values()],
        )
        polled.append((shard, targets, results, canaries))
    for shard, targets, results, canaries in polled:
        cycles.cycle_record(
            shard_id=shard.pk,
            cycle_id=BASE_CYCLE + minute,
            length=MINUTE,
            targets=targets,
            results=results,
            canaries=canaries,
        )


def interrupted() -> set[int]:
    interruptions = Outage.objects.filter(kind=OutageKind.INTERRUPTION)
    return set(interruptions.values_list("link_id", flat=True))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_one_carriers_mass_failure_is_its_outage_in_every_layout(network, links, layout):
    """Beta's 3 links fail in cycles 0-3: 3/3 = 100% of Beta, but 0/10 = 0% of Alfa, so not
    every carrier is above 30% and the NOC is not blind, however the lots are sharded (a shard
    holding only Beta's lot used to call it blind by itself). After 3 failed cycles each of the
    3 links is down from cycle 0: 3 interruptions, no unmeasured time."""
    _, beta = links
    shards = shards_for(layout, network)
    for minute in range(4):
        run_cycle(minute, shards, failing=beta)
    assert interrupted() == {link.pk for link in beta}
    assert set(Outage.objects.values_list("start", flat=True)) == {at(0)}
    assert not BlindPeriod.objects.exists()
    assert not CycleVerdict.objects.filter(carriers_blind=True).exists()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_carrier_above_30_percent_blinds_every_shard(network, links, layout):
    """4 of Alfa's 10 links (40% > 30%) and 1 of Beta's 3 (33,33...% > 30%) fail in cycles 0-3:
    every carrier is above 30% over the network, so the NOC is blind in every shard from cycle
    0, and nobody's links are down. Cycle 4 answers: the blind period (one per shard) ends."""
    alfa, beta = links
    shards = shards_for(layout, network)
    for minute in range(4):
        run_cycle(minute, shards, failing=[*alfa[:4], beta[0]])
    run_cycle(4, shards)
    assert not interrupted()
    periods = BlindPeriod.objects.order_by("shard_id")
    assert [(p.shard_id, p.start, p.end) for p in periods] == [
        (shard.pk, at(0), at(4)) for shard in sorted(shards, key=lambda s: s.pk)
    ]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_exactly_30_percent_of_one_carrier_is_not_blind(network, links, layout):
    """3 of Alfa's 10 links fail (30%: not more than 30%) with all 3 of Beta's: not every
    carrier is above the limit, so the 6 links are down from cycle 0 (with Beta on a shard of
    its own, that shard alone used to be blind and Beta's 3 outages were lost)."""
    alfa, beta = links
    shards = shards_for(layout, network)
    for minute in range(4):
        run_cycle(minute, shards, failing=[*alfa[:3], *beta])
    assert interrupted() == {link.pk for link in [*alfa[:3], *beta]}
    assert not BlindPeriod.objects.exists()


def test_a_shard_blind_by_its_canaries_is_left_out_of_the_network_tally(network, links):
    """Beta's shard `interior` loses its canary and with it all of its 3 links (3/3 = 100%)
    for cycles 0-3; Alfa's 10 answer. The interior shard is blind by itself (its time is
    unmeasured, its links are not down); its failures are not Beta's: the network's verdict
    counts Alfa alone (0/10) and the default shard is not blind."""
    _, beta = links
    default, interior = shards_for("beta apart", network)
    for minute in range(4):
        run_cycle(minute, [default, interior], failing=beta, blind_canaries=[interior])
    run_cycle(4, [default, interior])
    assert not interrupted()
    [period] = BlindPeriod.objects.all()
    assert (period.shard_id, period.start, period.end) == (interior.pk, at(0), at(4))
    verdict = CycleVerdict.objects.get(cycle_id=BASE_CYCLE)
    assert (verdict.carriers_blind, verdict.shards) == (False, [default.pk])


def test_the_verdict_is_decided_once_and_followed_by_a_shard_posting_later(network, links):
    """Cycle 0: the default shard (Alfa's 10 links, 4 failing: 40%) applies the cycle before
    the interior shard posted: with Alfa alone every carrier is above 30%, the verdict is
    blind, and the interior shard follows it although its own tally (Beta 0/3) would have
    said otherwise: one cycle id, one verdict."""
    alfa, _ = links
    default, interior = shards_for("beta apart", network)
    results = {
        address: EchoStats(5, 0, 0, None, None)
        if address in {link.mgmt_ip for link in alfa[:4]}
        else EchoStats(5, 5, 50_000, 10_000, 10_000)
        for target in poll_targets(shard=default)
        for address in target.addresses
    }
    cycles.cycle_record(
        shard_id=default.pk,
        cycle_id=BASE_CYCLE,
        length=MINUTE,
        targets=poll_targets(shard=default),
        results=results,
        canaries={},
    )
    run_cycle(0, [interior])
    assert CycleVerdict.objects.get(cycle_id=BASE_CYCLE).carriers_blind
    assert set(BlindPeriod.objects.values_list("shard_id", flat=True)) == {default.pk, interior.pk}


def test_waiting_stops_at_once_without_live_shards_and_at_the_deadline_for_a_silent_one(
    network, links
):
    """A shard waits only for shards that recorded one of the last 3 cycles (live), and no
    longer than its deadline: the interior shard recorded cycle 0, so at cycle 2 the default
    shard waits for it, and with the deadline already passed it goes on and says who was
    missing; at cycle 4 the interior shard is no longer live (last cycle 0 < 4 - 3)."""
    default, interior = shards_for("beta apart", network)
    assert (
        cycles.cycle_tallies_wait(shard_id=default.pk, cycle_id=BASE_CYCLE, until=timezone.now())
        == set()
    )
    run_cycle(0, [interior])
    assert cycles.cycle_tallies_wait(
        shard_id=default.pk, cycle_id=BASE_CYCLE + 2, until=timezone.now()
    ) == {interior.pk}
    assert (
        cycles.cycle_tallies_wait(
            shard_id=default.pk, cycle_id=BASE_CYCLE + 4, until=timezone.now()
        )
        == set()
    )
    assert CycleTally.objects.filter(cycle_id=BASE_CYCLE, shard=interior).exists()
