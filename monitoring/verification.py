"""Outages re-derived from the evidence (`verify_outages YYYY-MM`): the month's 5-minute windows
of every link are replayed through the same state machine that polled them
(`monitoring.engine.advance`), and the time it finds interrupted or degraded is compared with
the time the ICMP outages on record cover. Nothing here writes.

What a window keeps is enough for the rules: which cycles ran and which failed (its bits), and
its echo sums. Each failed cycle is replayed as `echoes` echoes sent and none answered; the
window's other echoes go to its first successful cycle, one echo each to the rest, so that every
cycle fails or not as it did and the window's sums are the recorded ones.

Only the windows that can matter are replayed: a link in a clean state (no streak, nothing down
or held back) whose window has no failed cycle and is not degraded on its own sums comes out of
that window as clean as it went in, with no event, so it is skipped; the windows after one that
left the link unclean are replayed until it is clean again. Blind periods are taken as recorded
(the canaries' replies are not kept), so each replayed cycle is told whether the NOC was blind.
Time covered by outages not measured by ICMP (imported, registered by hand) is left out on both
sides, as the poller leaves it out when it writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from core.instants import month_bounds
from inventory.models import Link
from monitoring.choices import OutageKind, OutageSource
from monitoring.engine import (
    DEFAULT_THRESHOLDS,
    Cycle,
    DegradedWindow,
    InterruptionEnded,
    InterruptionStarted,
    LinkPoll,
    NetworkState,
    PathPoll,
    Thresholds,
    advance,
    blind_start_link,
    subtract_intervals,
    window_start_of,
)
from monitoring.models import (
    MAX_CYCLES_PER_WINDOW,
    BlindPeriod,
    Outage,
    PollShard,
    PollWindow,
    cycle_bits_kept,
)
from monitoring.selectors import path_count, shard_links_q, thresholds_by_contract

WARM_UP = timedelta(hours=1)  # replayed before the month, so streaks crossing its start count
TAIL = timedelta(hours=1)  # after it, so windows held back at its end are released

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Difference:
    circuit_id: str
    kind: str  # interruption or degradation
    recorded: list[Interval]
    derived: list[Interval]


@dataclass
class Verification:
    month: str
    links: int
    windows_replayed: int
    cycles_replayed: int
    differences: list[Difference] = field(default_factory=list)


@dataclass(frozen=True)
class _Target:
    link_id: int
    carrier_id: int
    paths: int
    thresholds: Thresholds
    judged_from: datetime  # activated: before, the link was polled but not judged
    judged_until: datetime | None  # cancelled

    def judged(self, instant: datetime) -> bool:
        return self.judged_from <= instant and (
            self.judged_until is None or instant < self.judged_until
        )


def _targets(shard: PollShard) -> dict[int, _Target]:
    thresholds = thresholds_by_contract()
    rows = (
        Link.objects.filter(shard_links_q(shard), lot__members__position=0)
        .exclude(activated_at__isnull=True)
        .values_list(
            "pk",
            "lot__members__carrier_id",
            "access_type",
            "contract_id",
            "activated_at",
            "cancelled_at",
        )
    )
    return {
        pk: _Target(
            pk,
            carrier,
            path_count(access),
            thresholds.get(contract, DEFAULT_THRESHOLDS),
            activated,
            cancelled,
        )
        for pk, carrier, access, contract, activated, cancelled in rows
    }


def _quiet(window: PollWindow, rules: Thresholds) -> bool:
    """A window that cannot start, extend or degrade anything by itself: no failed cycle, loss
    and mean RTT within the limits (RTT judged whatever the replies: a longer engine window adds
    5-minute windows up)."""
    lost = window.echoes_sent - window.echoes_received
    return (
        not window.failed_cycles
        and lost * 100 <= rules.loss_pct * window.echoes_sent
        and window.rtt_sum_us <= rules.rtt_ms * 1000 * window.echoes_received
    )


def _path_polls(
    window: PollWindow, rules: Thresholds, length: timedelta
) -> dict[datetime, PathPoll]:
    """The window's cycles as the engine saw them: failed cycles sent `echoes` echoes and got
    none back; the first successful one carries the rest of the sums."""
    cycles = [n for n in range(MAX_CYCLES_PER_WINDOW) if window.polled_cycles >> n & 1]
    failed = [n for n in cycles if window.failed_cycles >> n & 1]
    answered = [n for n in cycles if not window.failed_cycles >> n & 1]
    polls = {window.start + n * length: PathPoll(rules.echoes, 0) for n in failed}
    if answered:
        extra = len(answered) - 1
        sent = max(window.echoes_sent - rules.echoes * len(failed) - extra, 1)
        first = PathPoll(sent, window.echoes_received - extra, window.rtt_sum_us)
        polls[window.start + answered[0] * length] = first
        for n in answered[1:]:
            polls[window.start + n * length] = PathPoll(1, 1)
    return polls


def _clean(state: NetworkState, link_id: int) -> bool:
    link = state.links.get(link_id)
    return link is None or (
        link.interruption_start is None
        and link.redundancy_lost_since is None
        and not link.pending_windows
        and all(
            p.streak_count == 0 and p.down_since is None and p.window_start is None
            for p in link.paths
        )
    )


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif end > start:
            merged.append((start, end))
    return merged


def _clip(intervals: Iterable[Interval], bounds: Interval, holes: list) -> list[Interval]:
    pieces = []
    for start, end in intervals:
        start, end = max(start, bounds[0]), min(end, bounds[1])
        if start < end:
            pieces += subtract_intervals((start, end), holes)
    return _merge(pieces)


def verify_month(
    *, year: int, month: int, shard: PollShard, now: datetime, length: timedelta | None = None
) -> Verification:
    """Replay a month of one shard's evidence and compare it with the outages on record
    (`length`: the cycles' length, MONITORING_CYCLE_SECONDS unless told)."""
    length = length or timedelta(seconds=settings.MONITORING_CYCLE_SECONDS)
    if not cycle_bits_kept(length):
        raise ValueError(
            f"ciclos de {length.total_seconds():g} s são curtos demais para as janelas de "
            "evidência (mínimo 5 s): não há ciclos gravados para refazer"
        )
    month_start, month_end = month_bounds(year, month)
    until = min(month_end + TAIL, now)
    targets = _targets(shard)
    blind = [
        (start, end or until)
        for start, end in BlindPeriod.objects.filter(
            Q(end__isnull=True) | Q(end__gt=month_start - WARM_UP),
            shard=shard,
            start__lt=until,
            reason=BlindPeriod.Reason.BLIND,
        ).values_list("start", "end")
    ]
    windows = PollWindow.objects.filter(
        link_id__in=list(targets),
        start__gte=month_start - WARM_UP,
        start__lt=until,
        polled_cycles__gt=0,
    ).order_by("start", "link_id", "path")
    # Windows by link, in time order, grouped by the engine's window of each link's contract.
    groups: dict[int, list[tuple[datetime, list[PollWindow]]]] = defaultdict(list)
    for window in windows.iterator(chunk_size=10_000):
        rules = targets[window.link_id].thresholds
        engine_window = window_start_of(window.start, rules.window_minutes)
        link_groups = groups[window.link_id]
        if not link_groups or link_groups[-1][0] != engine_window:
            link_groups.append((engine_window, []))
        link_groups[-1][1].append(window)

    state = NetworkState()
    replayed_windows = replayed_cycles = 0
    events: list = []
    # Replayed link by link (once blindness is given, the rules are per link), each link's
    # windows in time order, only those that can matter (see the module's docstring).
    for link_id, link_groups in groups.items():
        target = targets[link_id]
        last: datetime | None = None
        for _, members in link_groups:
            if all(_quiet(w, target.thresholds) for w in members) and _clean(state, link_id):
                continue
            replayed_windows += len(members)
            polls: dict[datetime, list[PathPoll]] = defaultdict(
                lambda paths=target.paths: [PathPoll(0, 0)] * paths
            )
            for window in members:
                for instant, poll in _path_polls(window, target.thresholds, length).items():
                    if window.path < target.paths and target.judged(instant):
                        polls[instant][window.path] = poll
            for instant in sorted(polls):
                replayed_cycles += 1
                paths = tuple(polls[instant])
                events += _replay(state, blind, target, last, instant, paths, length)
                last = instant
    return _compare(
        shard=shard,
        events=events,
        bounds=(month_start, month_end),
        until=until,
        result=Verification(
            month=f"{year:04d}-{month:02d}",
            links=len(targets),
            windows_replayed=replayed_windows,
            cycles_replayed=replayed_cycles,
        ),
    )


def _replay(state, blind: list[Interval], target: _Target, last, instant, paths, length) -> list:
    """One cycle of one link through the engine. A blind period that began since the link's
    last replayed cycle did to it what the engine does to every link when blindness starts:
    its interruption ended there, its streaks forgotten."""
    began = [start for start, _ in blind if (last is None or last < start <= instant)]
    link = state.links.get(target.link_id)
    found: list = []
    if began and link is not None:
        blind_start_link(link, target.link_id, began[0], found)
    is_blind = any(start <= instant < end for start, end in blind)
    # The engine's network part, as the recorded blind periods say it was at this instant.
    state.last_cycle_id = None
    state.blind_since = instant if is_blind else None
    state.recent_blind = [(s, e) for s, e in blind if s <= instant + length and e > instant - TAIL]
    cycle = Cycle(
        cycle_id=int(instant.timestamp()) // int(length.total_seconds()),
        instant=instant,
        links=[LinkPoll(target.link_id, target.carrier_id, paths, target.thresholds)],
        length=length,
        blind=is_blind,
    )
    return found + advance(state, cycle)


def _compare(*, shard, events, bounds, until, result: Verification) -> Verification:
    """The derived intervals against the recorded ones, per link and kind, within the month."""
    derived: dict[tuple[int, str], list[Interval]] = defaultdict(list)
    open_starts: dict[int, datetime] = {}
    for event in events:
        match event:
            case InterruptionStarted(link_id=link_id, start=start):
                open_starts[link_id] = start
            case InterruptionEnded(link_id=link_id, end=end):
                start = open_starts.pop(link_id, None)
                if start is not None:
                    derived[(link_id, OutageKind.INTERRUPTION)].append((start, end))
            case DegradedWindow(link_id=link_id, start=start, end=end):
                derived[(link_id, OutageKind.DEGRADATION)].append((start, end))
    for link_id, start in open_starts.items():
        derived[(link_id, OutageKind.INTERRUPTION)].append((start, until))
    recorded: dict[tuple[int, str], list[Interval]] = defaultdict(list)
    others: dict[int, list] = defaultdict(list)
    rows = Outage.objects.filter(
        shard_links_q(shard, prefix="link__"),
        Q(end__isnull=True) | Q(end__gt=bounds[0]),
        start__lt=bounds[1],
    ).values_list("link_id", "kind", "source", "start", "end")
    for link_id, kind, source, start, end in rows:
        if source == OutageSource.ICMP:
            recorded[(link_id, kind)].append((start, end or until))
        else:
            others[link_id].append((start, end))
    circuits = dict(
        Link.objects.filter(pk__in={key[0] for key in (*derived, *recorded)}).values_list(
            "pk", "circuit_id"
        )
    )
    for key in sorted(set(derived) | set(recorded), key=lambda k: (circuits[k[0]], k[1])):
        holes = others[key[0]]
        mine = _clip(derived.get(key, []), bounds, holes)
        theirs = _clip(recorded.get(key, []), bounds, holes)
        if mine != theirs:
            result.differences.append(Difference(circuits[key[0]], key[1], theirs, mine))
    return result
