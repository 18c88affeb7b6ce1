"""Writes of monitoring: one poll cycle's results become outages, exactly once.

`cycle_record` is the only door from the pollers to the outage rows. It runs the state machine
(monitoring.engine) inside one transaction that also saves the machine's state, applies the
approved maintenance windows, writes the tickets' outbox and moves the cursor, so a cycle is
applied once even when its task runs twice, and a worker killed mid-cycle leaves nothing
half-written (and no ticket lost or doubled).

Blindness by carriers ("more than 30% of the links of every carrier fail in the cycle") is a
judgement over the whole network's cycle, whatever shards poll it: each shard posts its tally of
the cycle (`cycle_tally_post`, committed at once), waits for the other live shards' tallies of
the same cycle id (`cycle_tallies_wait`), and the first shard to apply the cycle decides the
verdict from every tally posted (`cycle_verdict`), which every shard of that cycle then follows.
A shard whose own canaries all fail is blind by itself, and its links' failures are left out of
the network's tally (they say nothing about the carriers)."""

import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from inventory.choices import LinkStatus
from inventory.models import Link
from monitoring.choices import OutageKind, OutageSource
from monitoring.engine import (
    DEFAULT_THRESHOLDS,
    BlindEnded,
    BlindStarted,
    Cycle,
    DegradedWindow,
    Event,
    InterruptionEnded,
    InterruptionStarted,
    LinkPoll,
    LinkState,
    NetworkState,
    PathPoll,
    PathState,
    RedundancyLost,
    RedundancyRestored,
    advance,
    canaries_blind,
    carrier_tally,
    carriers_blind,
    subtract_intervals,
)
from monitoring.icmp import EchoStats, ping_many
from monitoring.models import (
    BlindPeriod,
    Canary,
    CycleTally,
    CycleVerdict,
    EngineCursor,
    Outage,
    PollShard,
    RedundancyLoss,
    SnmpSample,
)
from monitoring.selectors import (
    PollTarget,
    canary_addresses,
    maintenance_bound_between,
    path_count,
    poll_targets,
    shard_links_q,
)
from monitoring.services.evidence import (
    EchoRow,
    SnmpRow,
    poll_windows_add_echoes,
    poll_windows_set_snmp,
)
from monitoring.services.maintenance import maintenance_apply, maintenance_candidates
from monitoring.services.tickets import tickets_close, tickets_open
from monitoring.snapshots import (
    links_from_blob,
    links_to_blob,
    network_from_json,
    network_to_json,
)
from monitoring.snmp import SnmpDevice, snmp_read_many
from redegov.telemetry import cycle_observe

# The state of each shard's last committed cycle, kept in this process so that a cycle need not
# read its links' states back. It is trusted only when its cycle id matches the shard's cursor.
_memory: dict[int, NetworkState] = {}
DEFAULT_ECHOES = DEFAULT_THRESHOLDS.echoes
GAP_CYCLES = 2  # this many cycles or more not run in a row are recorded as a period unmeasured
LIVE_CYCLES = 3  # a shard that recorded one of the last 3 cycles is live: its tally is awaited
KEPT_CYCLES = 60  # tallies and verdicts are kept this many cycles
WAIT_SHARE = 0.75  # a shard waits for the others' tallies until this share of the cycle passed


def shard_default() -> PollShard:
    """The shard of every lot no other shard names (the migration makes it; made again here
    after a database is emptied)."""
    shard, _ = PollShard.objects.get_or_create(
        is_default=True, defaults={"name": "principal", "queue": "poll"}
    )
    return shard


def cycle_instant(cycle_id: int, length: timedelta) -> datetime:
    """A cycle's instant: the scheduled send time of its first echo."""
    return datetime.fromtimestamp(cycle_id * int(length.total_seconds()), tz=UTC)


def _load_state(cursor: EngineCursor) -> NetworkState:
    cached = _memory.pop(cursor.shard_id, None)
    if cached is not None and cached.last_cycle_id == cursor.last_cycle_id:
        return cached
    blob = bytes(cursor.link_states)
    state = network_from_json(cursor.network_state, cursor.last_cycle_id, links_from_blob(blob))
    if not blob:
        _state_from_open_rows(state, cursor.shard_id)
    return state


def _state_from_open_rows(state: NetworkState, shard_id: int) -> None:
    """A shard without a saved state (new, or upgraded from an older format) starts from what
    its open rows say: its links' open ICMP interruptions are down since their start, and an
    open blind period goes on, so they end when the network answers again."""
    blind = BlindPeriod.objects.filter(shard_id=shard_id, end=None, reason=BlindPeriod.Reason.BLIND)
    for period in blind:
        state.blind_since = period.start
        state.recent_blind.append((period.start, None))
    shard = PollShard.objects.get(pk=shard_id)
    open_outages = Outage.objects.filter(
        shard_links_q(shard, prefix="link__"),
        end=None,
        kind=OutageKind.INTERRUPTION,
        source=OutageSource.ICMP,
    ).values_list("link_id", "start", "link__access_type")
    for link_id, start, access_type in open_outages:
        state.links[link_id] = LinkState(
            paths=[
                PathState(streak_count=1, streak_start=start, down_since=start)
                for _ in range(path_count(access_type))
            ],
            interruption_start=start,
            recent_interruptions=[(start, None)],
        )


@transaction.atomic
def cycle_record(
    *,
    shard_id: int,
    cycle_id: int,
    length: timedelta,
    targets: Sequence[PollTarget],
    results: dict[str, EchoStats],
    canaries: dict[str, EchoStats],
) -> list[Event]:
    """Apply one shard's cycle of ICMP results. Returns the events it caused ([] if already
    applied)."""
    cursor, _ = EngineCursor.objects.select_for_update().get_or_create(shard_id=shard_id)
    if cursor.last_cycle_id is not None and cycle_id <= cursor.last_cycle_id:
        return []
    instant = cycle_instant(cycle_id, length)
    state = _load_state(cursor)
    if cursor.last_cycle_id is not None and state.blind_since is None:
        _gap_record(shard_id, cycle_instant(cursor.last_cycle_id + 1, length), instant, length)
    polls = link_polls(targets, results)
    canary_polls = [_path_poll(stats) for stats in canaries.values()]
    blind = canaries_blind(canary_polls) or cycle_verdict(
        shard_id=shard_id, cycle_id=cycle_id, polls=polls, canaries=canary_polls
    )
    cycle = Cycle(
        cycle_id=cycle_id,
        instant=instant,
        links=polls,
        canaries=canary_polls,
        length=length,
        blind=blind,
    )
    events = advance(state, cycle)
    created = _apply_all(shard_id, events)
    _maintenance_and_tickets(created, instant - length, instant)
    _save_evidence(targets, results, instant, length)
    cursor.last_cycle_id = cycle_id
    cursor.network_state = network_to_json(state)
    cursor.link_states = links_to_blob(state.links)
    cursor.recorded_at = timezone.now()
    cursor.save()
    transaction.on_commit(lambda: _memory.__setitem__(shard_id, state))
    return events


def link_polls(targets: Sequence[PollTarget], results: dict[str, EchoStats]) -> list[LinkPoll]:
    """The cycle's results of the shard's active links (ordered ones are polled, not judged)."""
    return [
        LinkPoll(
            link_id=target.link_id,
            carrier_id=target.carrier_id,
            paths=tuple(_path_poll(results.get(address)) for address in target.addresses),
            thresholds=target.thresholds,
        )
        for target in targets
        if target.active
    ]


def cycle_tally_post(
    *, shard_id: int, cycle_id: int, polls: Sequence[LinkPoll], canaries: Sequence
) -> CycleTally:
    """Post what this shard saw in the cycle, for the other shards to judge blindness with
    (posting twice keeps the first tally). Commit it before waiting for the others."""
    tally, _ = CycleTally.objects.get_or_create(
        cycle_id=cycle_id,
        shard_id=shard_id,
        defaults={
            "canaries_failed": canaries_blind(canaries),
            "carriers": {
                str(carrier): list(counts) for carrier, counts in carrier_tally(polls).items()
            },
            "blind_pct": polls[0].thresholds.blind_pct if polls else DEFAULT_THRESHOLDS.blind_pct,
            "posted_at": timezone.now(),
        },
    )
    return tally


def cycle_tallies_wait(*, shard_id: int, cycle_id: int, until: datetime) -> set[int]:
    """Wait (up to `until`) for the tallies of every other live shard (one that recorded one of
    the last `LIVE_CYCLES` cycles) to be posted for `cycle_id`; returns the live shards still
    missing then (a shard down or late is not waited for beyond that)."""
    live = set(
        EngineCursor.objects.filter(last_cycle_id__gte=cycle_id - LIVE_CYCLES)
        .exclude(shard_id=shard_id)
        .values_list("shard_id", flat=True)
    )
    while True:
        posted = set(
            CycleTally.objects.filter(cycle_id=cycle_id, shard_id__in=live).values_list(
                "shard_id", flat=True
            )
        )
        missing = live - posted
        if not missing or timezone.now() >= until:
            return missing
        time.sleep(0.05)


def cycle_verdict(
    *, shard_id: int, cycle_id: int, polls: Sequence[LinkPoll], canaries: Sequence
) -> bool:
    """Whether more than `blind_pct` of the links of every carrier failed in the cycle, over
    every shard's tally posted (shards blind by their own canaries left out). Decided once per
    cycle id, by the first shard to ask; the others follow it."""
    decided = CycleVerdict.objects.filter(cycle_id=cycle_id).first()
    if decided is not None:
        return decided.carriers_blind
    cycle_tally_post(shard_id=shard_id, cycle_id=cycle_id, polls=polls, canaries=canaries)
    tallies = list(CycleTally.objects.filter(cycle_id=cycle_id).order_by("shard_id"))
    network: dict[int, tuple[int, int]] = {}
    for tally in tallies:
        if tally.canaries_failed:
            continue
        for carrier, (total, failed) in tally.carriers.items():
            before = network.get(int(carrier), (0, 0))
            network[int(carrier)] = (before[0] + total, before[1] + failed)
    mine = next(t for t in tallies if t.shard_id == shard_id)
    try:
        with transaction.atomic():
            decided = CycleVerdict.objects.create(
                cycle_id=cycle_id,
                carriers_blind=carriers_blind(network, mine.blind_pct),
                shards=[t.shard_id for t in tallies if not t.canaries_failed],
                decided_at=timezone.now(),
            )
    except IntegrityError:  # another shard decided meanwhile: follow it
        decided = CycleVerdict.objects.get(cycle_id=cycle_id)
    CycleTally.objects.filter(cycle_id__lt=cycle_id - KEPT_CYCLES).delete()
    CycleVerdict.objects.filter(cycle_id__lt=cycle_id - KEPT_CYCLES).delete()
    return decided.carriers_blind


def _gap_record(shard_id: int, first_missing: datetime, instant: datetime, length: timedelta):
    """Cycles that did not run (workers down, a shard late) are a period unmeasured: the
    engine simply has no results for them, and the NOC sees when its view had a hole."""
    if instant - first_missing >= GAP_CYCLES * length:
        BlindPeriod.objects.create(
            shard_id=shard_id, reason=BlindPeriod.Reason.NO_CYCLES, start=first_missing, end=instant
        )


def _path_poll(stats: EchoStats | None) -> PathPoll:
    if stats is None:
        return PathPoll(0, 0)
    return PathPoll(stats.sent, stats.received, stats.rtt_sum_us)


def _save_evidence(
    targets: Sequence[PollTarget], results: dict[str, EchoStats], instant: datetime, length
) -> None:
    rows = [
        EchoRow(
            target.link_id,
            path,
            stats.sent,
            stats.received,
            stats.rtt_sum_us,
            stats.rtt_min_us,
            stats.rtt_max_us,
        )
        for target in targets
        for path, address in enumerate(target.addresses)
        if (stats := results.get(address)) is not None and stats.sent
    ]
    poll_windows_add_echoes(rows=rows, instant=instant, length=length)


def _maintenance_and_tickets(created: list, since: datetime, instant: datetime) -> None:
    """Outages inside approved maintenance windows become `maintenance` (split at the bounds,
    also for open outages when a bound passed in this cycle); then the new interruptions and
    lost redundancies open their tickets, in this same transaction (the outbox)."""
    outages = [row for row in created if isinstance(row, Outage)]
    if maintenance_bound_between(since, instant):
        outages += maintenance_candidates().filter(end=None).exclude(pk__in=[o.pk for o in outages])
    pieces = maintenance_apply(outages=outages, now=instant)
    tickets_open(
        outages=[*outages, *pieces],
        losses=[row for row in created if isinstance(row, RedundancyLoss)],
        now=instant,
    )


def _apply_all(shard_id: int, events: list[Event]) -> list[Outage | RedundancyLoss]:
    """Write a cycle's events; returns the rows created. Interruptions ending and starting and
    degraded windows, which a fault or a return of a carrier's core brings by the thousand, are
    written in bulk, in this order after the rest (no link has both an end and a start, or a
    start and a window overlapping it, in one cycle: the engine holds windows back while a streak
    could still become an interruption)."""
    created: list[Outage | RedundancyLoss] = []
    for event in events:
        created += _apply(shard_id, event)
    _interruptions_close([e for e in events if isinstance(e, InterruptionEnded)])
    created += _interruptions_open([e for e in events if isinstance(e, InterruptionStarted)])
    created += _degradations_add([e for e in events if isinstance(e, DegradedWindow)])
    return created


def _interruptions_close(ends: list[InterruptionEnded]) -> None:
    """Close the links' open polled interruptions (an end not after the start leaves nothing),
    and their tickets, a statement per instant (a cycle's ends share one or two)."""
    by_end: dict[datetime, set[int]] = defaultdict(set)
    for event in ends:
        by_end[event.end].add(event.link_id)
    for end, link_ids in by_end.items():
        open_outages = list(
            Outage.objects.filter(
                link_id__in=link_ids,
                end=None,
                kind=OutageKind.INTERRUPTION,
                source=OutageSource.ICMP,
            )
        )
        tickets_close(outages=open_outages, end=end)
        Outage.objects.filter(pk__in=[o.pk for o in open_outages if end <= o.start]).delete()
        Outage.objects.filter(pk__in=[o.pk for o in open_outages if end > o.start]).update(end=end)


def _outages_touching(link_ids: list[int], since: datetime, until: datetime | None):
    """(link id, start, end) of the links' outages that end after `since` (or are open) and
    start before `until`."""
    overlap = Q(end__isnull=True) | Q(end__gt=since)
    if until is not None:
        overlap &= Q(start__lt=until)
    rows = defaultdict(list)
    for link_id, start, end in Outage.objects.filter(overlap, link_id__in=link_ids).values_list(
        "link_id", "start", "end"
    ):
        rows[link_id].append((start, end))
    return rows


def _interruptions_open(starts: list[InterruptionStarted]) -> list[Outage]:
    """An outage imported or registered by hand may already cover an interruption's start: it
    then begins where the last of those ends (or not at all if one is still open), so the link
    keeps one timeline."""
    if not starts:
        return []
    taken = _outages_touching([e.link_id for e in starts], min(e.start for e in starts), None)
    rows = []
    for event in starts:
        ends = [end for start, end in taken[event.link_id] if end is None or end > event.start]
        if None in ends:
            continue
        rows.append(
            Outage(
                link_id=event.link_id,
                start=max([event.start, *ends]),
                kind=OutageKind.INTERRUPTION,
                source=OutageSource.ICMP,
            )
        )
    return Outage.objects.bulk_create(rows)


def _degradations_add(windows: list[DegradedWindow]) -> list[Outage]:
    """Degraded windows, less what other outages of their links already cover."""
    if not windows:
        return []
    taken = _outages_touching(
        [e.link_id for e in windows], min(e.start for e in windows), max(e.end for e in windows)
    )
    return Outage.objects.bulk_create(
        Outage(
            link_id=event.link_id,
            start=piece_start,
            end=piece_end,
            kind=OutageKind.DEGRADATION,
            source=OutageSource.ICMP,
        )
        for event in windows
        for piece_start, piece_end in subtract_intervals(
            (event.start, event.end), taken[event.link_id]
        )
    )


def _apply(shard_id: int, event: Event) -> list[Outage | RedundancyLoss]:
    """Write one event of the kinds that come one at a time; returns the rows it created."""
    match event:
        case RedundancyLost(link_id=link_id, start=start):
            return [RedundancyLoss.objects.create(link_id=link_id, start=start)]
        case RedundancyRestored(link_id=link_id, end=end):
            losses = RedundancyLoss.objects.filter(link_id=link_id, end=None)
            tickets_close(losses=list(losses), end=end)
            losses.update(end=end)
        case BlindStarted(start=start):
            BlindPeriod.objects.create(shard_id=shard_id, start=start)
        case BlindEnded(end=end):
            BlindPeriod.objects.filter(shard_id=shard_id, end=None).update(end=end)
    return []


def cycle_poll(*, shard_id: int, cycle_id: int, length: timedelta, now: datetime):
    """Poll a shard's targets for one cycle and record it; returns the events, or None when the
    cycle is not run: already recorded, or too late (its time has passed: a cycle not run
    breaks no streak)."""
    instant = cycle_instant(cycle_id, length)
    recorded = EngineCursor.objects.filter(shard_id=shard_id, last_cycle_id__gte=cycle_id)
    if now >= instant + length or recorded.exists():
        return None
    started = time.monotonic()
    shard = PollShard.objects.get(pk=shard_id)
    targets = poll_targets(shard=shard)
    by_echoes: dict[int, list[str]] = {}
    for target in targets:
        by_echoes.setdefault(target.thresholds.echoes, []).extend(target.addresses)
    canaries = canary_addresses()
    if canaries:
        # The canaries ride with the largest group: the same socket and rounds, no wait of their
        # own after the targets'.
        largest = max(by_echoes, key=lambda e: len(by_echoes[e]), default=DEFAULT_ECHOES)
        by_echoes.setdefault(largest, []).extend(canaries)
    seconds = length.total_seconds()
    results: dict[str, EchoStats] = {}
    for echoes, addresses in by_echoes.items():
        # The echoes are spread over the first half of the cycle; late replies count as lost.
        interval = min(1.0, seconds / (2 * echoes))
        results.update(ping_many(addresses, count=echoes, interval=interval, timeout=interval))
    canary_results = {address: results[address] for address in canaries}
    # The other shards of this cycle judge blindness with this shard's tally, and it with theirs;
    # the verdict is decided here, outside the cycle's transaction (which holds the cursor).
    polls = link_polls(targets, results)
    canary_polls = [_path_poll(stats) for stats in canary_results.values()]
    cycle_tally_post(shard_id=shard_id, cycle_id=cycle_id, polls=polls, canaries=canary_polls)
    cycle_tallies_wait(shard_id=shard_id, cycle_id=cycle_id, until=instant + length * WAIT_SHARE)
    cycle_verdict(shard_id=shard_id, cycle_id=cycle_id, polls=polls, canaries=canary_polls)
    events = cycle_record(
        shard_id=shard_id,
        cycle_id=cycle_id,
        length=length,
        targets=targets,
        results=results,
        canaries=canary_results,
    )
    # For /metrics and the logs (docs/operations.md, "Metrics"); the canaries are not targets.
    polled = [stats for address, stats in results.items() if address not in canary_results]
    sent = sum(stats.sent for stats in polled)
    cycle_observe(
        shard_id=shard_id,
        shard=shard.name,
        cycle_id=cycle_id,
        duration_seconds=time.monotonic() - started,
        targets=len(targets),
        echoes_sent=sent,
        echoes_lost=sent - sum(stats.received for stats in polled),
        events=len(events),
    )
    return events


def snmp_poll(*, shard_id: int, now: datetime) -> int:
    """Read by SNMP the CPE of every polled link of a shard; keep the last reading per path and
    the window's reading as evidence. Returns the devices read."""
    shard = PollShard.objects.get(pk=shard_id)
    devices: dict[SnmpDevice, tuple[int, int]] = {}
    for link_id, ip, second, port, community, if_index in (
        Link.objects.filter(shard_links_q(shard))
        .exclude(status=LinkStatus.CANCELLED)
        .values_list(
            "pk", "mgmt_ip", "mgmt_ip_secondary", "snmp_port", "snmp_community", "if_index"
        )
    ):
        for path, address in enumerate(a for a in (ip, second) if a):
            devices[SnmpDevice(address, port, community, if_index)] = (link_id, path)
    readings = snmp_read_many(list(devices))
    SnmpSample.objects.bulk_create(
        [
            SnmpSample(
                link_id=devices[device][0],
                path=devices[device][1],
                polled_at=now,
                uptime_ticks=reading.uptime_ticks,
                oper_status=reading.oper_status,
                high_speed_mbps=reading.high_speed_mbps,
                in_octets=reading.in_octets,
                out_octets=reading.out_octets,
                error=reading.error[:300],
            )
            for device, reading in readings.items()
        ],
        update_conflicts=True,
        unique_fields=["link", "path"],
        update_fields=[
            "polled_at",
            "uptime_ticks",
            "oper_status",
            "high_speed_mbps",
            "in_octets",
            "out_octets",
            "error",
        ],
        batch_size=5000,
    )
    poll_windows_set_snmp(
        rows=[
            SnmpRow(
                *devices[device],
                uptime_ticks=reading.uptime_ticks,
                oper_status=reading.oper_status,
                high_speed_mbps=reading.high_speed_mbps,
                in_octets=reading.in_octets,
                out_octets=reading.out_octets,
            )
            for device, reading in readings.items()
            if not reading.error
        ],
        polled_at=now,
    )
    return len(readings)


@transaction.atomic
def canary_upsert(*, address: str, name: str) -> Canary:
    """A NOC-side address whose failure, with every other canary's, means the NOC is blind."""
    canary, _ = Canary.objects.update_or_create(address=address, defaults={"name": name})
    return canary
