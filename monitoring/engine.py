"""The outage state machine (docs/monitoring.md), as a pure computation over poll results.

`advance(state, cycle)` takes the network's state and the results of one poll cycle and returns
the events that cycle causes (an interruption starts or ends, redundancy is lost or restored, a
degraded window, a blind period). It does no I/O: the pollers feed it and `monitoring.services`
turns its events into rows. It mutates `state` in place, because copying the state of 100 000
links every minute would cost more than the rules themselves.

Rules, in the order they apply to a cycle:
1. A cycle is processed once: a cycle id not above the last one processed is ignored (a retried
   task never counts twice); a cycle that never ran is simply absent, so it neither breaks nor
   extends a streak.
2. The NOC is blind in a cycle when all its canaries fail, or when more than `blind_pct` of the
   polled links of every carrier fail at once, over the whole network's cycle: when the network
   is polled in shards, `monitoring.services.cycles` judges the carriers over every shard's
   tally of the cycle and passes the verdict in (`Cycle.blind`); otherwise the cycle's own links
   are the network (`cycle_is_blind`). Blind time is cut out of every outage: open
   interruptions and lost redundancies end at the blind period's start, every streak is
   forgotten (a link needs fresh failed cycles to be down again), and the blind cycles' echoes
   count for no window. The blind period ends at the first cycle that is not blind.
3. A path's poll fails when all its echoes are lost. `fail_cycles` consecutive failed cycles put
   the path down, from the instant of the first of them, until the instant of its first
   successful cycle.
4. A simple link is down when its path is. A redundant link is down when both paths are, from
   the later of the two paths' first failed cycles to the first successful cycle of either; one
   path down is lost redundancy.
5. Echoes are summed per path in aligned windows of `window_minutes`. A path's window is
   degraded when more than `loss_pct` of its echoes are lost, or when the mean RTT of its replies
   is above `rtt_ms` with at least `min_replies` replies. A redundant link's window is degraded
   only when each path is degraded or down in it. A degraded window is held back while a failing
   streak that started before its end could still become an interruption, then released clipped
   against the link's interruptions and the blind periods.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class Thresholds:
    """The per-contract monitoring settings, with the defaults of docs/monitoring.md."""

    echoes: int = 5
    fail_cycles: int = 3
    window_minutes: int = 5
    loss_pct: int = 20
    rtt_ms: int = 150
    min_replies: int = 20
    blind_pct: int = 30


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class PathPoll:
    """One path's echoes in one cycle: how many were sent and answered, and the answers' RTTs."""

    sent: int
    received: int
    rtt_sum_us: int = 0

    @property
    def failed(self) -> bool:
        return self.sent > 0 and self.received == 0


@dataclass(frozen=True)
class LinkPoll:
    link_id: int
    carrier_id: int
    paths: tuple[PathPoll, ...]  # one, or two for a redundant access
    thresholds: Thresholds = DEFAULT_THRESHOLDS

    @property
    def failed(self) -> bool:
        return all(path.failed for path in self.paths)


@dataclass(frozen=True)
class Cycle:
    """The results of one poll cycle. `instant` is the scheduled send time of its first echo."""

    cycle_id: int
    instant: datetime
    links: Sequence[LinkPoll]
    canaries: Sequence[PathPoll] = ()
    length: timedelta = timedelta(seconds=60)
    # Whether the NOC was blind, when known beforehand (a replay of recorded cycles, which
    # feeds only some links); None: judged from the canaries and the links, rule 2.
    blind: bool | None = None


# Events ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InterruptionStarted:
    link_id: int
    carrier_id: int
    start: datetime


@dataclass(frozen=True)
class InterruptionEnded:
    link_id: int
    end: datetime


@dataclass(frozen=True)
class RedundancyLost:
    link_id: int
    carrier_id: int
    start: datetime


@dataclass(frozen=True)
class RedundancyRestored:
    link_id: int
    end: datetime


@dataclass(frozen=True)
class DegradedWindow:
    link_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class BlindStarted:
    start: datetime


@dataclass(frozen=True)
class BlindEnded:
    start: datetime
    end: datetime


Event = (
    InterruptionStarted
    | InterruptionEnded
    | RedundancyLost
    | RedundancyRestored
    | DegradedWindow
    | BlindStarted
    | BlindEnded
)

# State ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class PathState:
    streak_count: int = 0
    streak_start: datetime | None = None  # instant of the streak's first failed cycle
    down_since: datetime | None = None
    window_start: datetime | None = None
    window_sent: int = 0
    window_received: int = 0
    window_rtt_sum_us: int = 0
    window_down: bool = False

    def forget_streak(self) -> None:
        self.streak_count = 0
        self.streak_start = None
        self.down_since = None


@dataclass(slots=True)
class LinkState:
    paths: list[PathState] = field(default_factory=list)
    interruption_start: datetime | None = None
    redundancy_lost_since: datetime | None = None
    # Degraded windows not yet released, and recent interruptions to clip them against.
    pending_windows: list[tuple[datetime, datetime]] = field(default_factory=list)
    recent_interruptions: list[tuple[datetime, datetime | None]] = field(default_factory=list)


@dataclass(slots=True)
class NetworkState:
    last_cycle_id: int | None = None
    blind_since: datetime | None = None
    recent_blind: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    links: dict[int, LinkState] = field(default_factory=dict)


# The machine ----------------------------------------------------------------------------------


def window_start_of(instant: datetime, minutes: int) -> datetime:
    """The aligned window holding an instant. America/Sao_Paulo has always been a whole number of
    hours from UTC since 1914, so windows aligned on the epoch fall on local :00, :05, ..."""
    seconds = minutes * 60
    epoch = int(instant.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def canaries_blind(canaries: Sequence[PathPoll]) -> bool:
    """The NOC's own edge cannot see out: it has canaries and every one failed."""
    return bool(canaries) and all(canary.failed for canary in canaries)


def carrier_tally(links: Sequence[LinkPoll]) -> dict[int, tuple[int, int]]:
    """{carrier id: (links polled, links failed)} of a cycle's links."""
    tally: dict[int, list[int]] = {}
    for poll in links:
        counts = tally.setdefault(poll.carrier_id, [0, 0])
        counts[0] += 1
        counts[1] += poll.failed
    return {carrier: (total, failed) for carrier, (total, failed) in tally.items()}


def carriers_blind(tally: dict[int, tuple[int, int]], blind_pct: int) -> bool:
    """More than `blind_pct` of the links of every carrier failed (exact integers); never with
    no links at all."""
    return bool(tally) and all(failed * 100 > blind_pct * total for total, failed in tally.values())


def cycle_is_blind(cycle: Cycle) -> bool:
    """Rule 2 over the cycle's own links, unless the verdict came with the cycle."""
    if cycle.blind is not None:
        return cycle.blind
    if canaries_blind(cycle.canaries):
        return True
    if not cycle.links:
        return False
    return carriers_blind(carrier_tally(cycle.links), cycle.links[0].thresholds.blind_pct)


def advance(state: NetworkState, cycle: Cycle) -> list[Event]:
    """Apply one cycle's results to `state` (in place) and return the events it causes."""
    if state.last_cycle_id is not None and cycle.cycle_id <= state.last_cycle_id:
        return []
    state.last_cycle_id = cycle.cycle_id
    events: list[Event] = []
    if cycle_is_blind(cycle):
        if state.blind_since is None:
            _start_blind(state, cycle.instant, events)
        return events
    if state.blind_since is not None:
        events.append(BlindEnded(state.blind_since, cycle.instant))
        state.recent_blind[-1] = (state.blind_since, cycle.instant)
        state.blind_since = None
    for poll in cycle.links:
        link = state.links.get(poll.link_id)
        if link is None or len(link.paths) != len(poll.paths):
            link = state.links[poll.link_id] = LinkState(paths=[PathState() for _ in poll.paths])
        _advance_link(state, link, poll, cycle, events)
    _prune_blind(state)
    return events


def _start_blind(state: NetworkState, start: datetime, events: list[Event]) -> None:
    state.blind_since = start
    state.recent_blind.append((start, None))
    events.append(BlindStarted(start))
    for link_id, link in state.links.items():
        blind_start_link(link, link_id, start, events)


def blind_start_link(link: LinkState, link_id: int, start: datetime, events: list[Event]) -> None:
    """What blindness starting at `start` does to a link (rule 2): its interruption and lost
    redundancy end there, its streaks are forgotten."""
    if link.interruption_start is not None:
        _end_interruption(link, link_id, start, events)
    if link.redundancy_lost_since is not None:
        events.append(RedundancyRestored(link_id, start))
        link.redundancy_lost_since = None
    for path in link.paths:
        path.forget_streak()
        path.window_down = False


def _advance_link(
    state: NetworkState, link: LinkState, poll: LinkPoll, cycle: Cycle, events: list[Event]
) -> None:
    rules = poll.thresholds
    window = window_start_of(cycle.instant, rules.window_minutes)
    window_length = timedelta(minutes=rules.window_minutes)
    if link.paths[0].window_start not in (None, window):
        _close_window(link, poll, events)
    for path, result in zip(link.paths, poll.paths, strict=True):
        if result.sent == 0:
            continue  # the poller could not send: a cycle that did not run for this path
        _advance_path(path, result, cycle.instant, rules)
        if path.window_start is None:
            path.window_start = window
        path.window_sent += result.sent
        path.window_received += result.received
        path.window_rtt_sum_us += result.rtt_sum_us
        path.window_down |= path.down_since is not None
    _update_link_availability(link, poll, cycle.instant, events)
    if cycle.instant + cycle.length >= window + window_length:
        _close_window(link, poll, events)
    _release_windows(state, link, poll, events)


def _advance_path(path: PathState, result: PathPoll, instant: datetime, rules: Thresholds) -> None:
    if result.failed:
        if path.streak_count == 0:
            path.streak_start = instant
        path.streak_count += 1
        if path.streak_count >= rules.fail_cycles and path.down_since is None:
            path.down_since = path.streak_start
    else:
        path.forget_streak()


def _update_link_availability(
    link: LinkState, poll: LinkPoll, instant: datetime, events: list[Event]
) -> None:
    down_since = [path.down_since for path in link.paths]
    if all(since is not None for since in down_since):
        if link.interruption_start is None:
            link.interruption_start = max(since for since in down_since if since)
            link.recent_interruptions.append((link.interruption_start, None))
            events.append(
                InterruptionStarted(poll.link_id, poll.carrier_id, link.interruption_start)
            )
    elif link.interruption_start is not None:
        _end_interruption(link, poll.link_id, instant, events)
    if len(link.paths) > 1:
        # Redundancy is lost when one path goes down while the other still works; it stays
        # lost until both work again (both down at once is an interruption, not lost redundancy).
        any_down = [since for since in down_since if since is not None]
        if len(any_down) == 1 and link.redundancy_lost_since is None:
            link.redundancy_lost_since = any_down[0]
            events.append(RedundancyLost(poll.link_id, poll.carrier_id, any_down[0]))
        elif not any_down and link.redundancy_lost_since is not None:
            link.redundancy_lost_since = None
            events.append(RedundancyRestored(poll.link_id, instant))


def _end_interruption(link: LinkState, link_id: int, end: datetime, events: list[Event]) -> None:
    # Callers end only an open interruption: its start is set.
    link.recent_interruptions[-1] = (link.interruption_start, end)  # type: ignore[assignment]
    link.interruption_start = None
    events.append(InterruptionEnded(link_id, end))


def _path_window_degraded(path: PathState, rules: Thresholds) -> bool:
    if path.window_sent == 0:
        return False
    lost = path.window_sent - path.window_received
    if lost * 100 > rules.loss_pct * path.window_sent:
        return True
    replies = path.window_received
    return replies >= rules.min_replies and path.window_rtt_sum_us > rules.rtt_ms * 1000 * replies


def _close_window(link: LinkState, poll: LinkPoll, events: list[Event]) -> None:
    rules = poll.thresholds
    start = next((p.window_start for p in link.paths if p.window_start is not None), None)
    if start is None:
        return
    if len(link.paths) == 1:
        degraded = _path_window_degraded(link.paths[0], rules)
    else:
        # Per path: a redundant access's window is degraded when each path is degraded or down.
        degraded = all(p.window_down or _path_window_degraded(p, rules) for p in link.paths)
    if degraded:
        link.pending_windows.append((start, start + timedelta(minutes=rules.window_minutes)))
    for path in link.paths:
        path.window_start = None
        path.window_sent = path.window_received = path.window_rtt_sum_us = 0
        path.window_down = False


def _release_windows(
    state: NetworkState, link: LinkState, poll: LinkPoll, events: list[Event]
) -> None:
    if not link.pending_windows:
        return
    streaks = [
        p.streak_start for p in link.paths if p.streak_start is not None and p.down_since is None
    ]
    keep: list[tuple[datetime, datetime]] = []
    for start, end in link.pending_windows:
        if any(streak < end for streak in streaks):
            keep.append((start, end))
            continue
        for piece_start, piece_end in subtract_intervals(
            (start, end), link.recent_interruptions + state.recent_blind
        ):
            events.append(DegradedWindow(poll.link_id, piece_start, piece_end))
    link.pending_windows = keep
    oldest = min((start for start, _ in keep), default=None)
    link.recent_interruptions = [
        (s, e) for s, e in link.recent_interruptions if e is None or oldest is None or e > oldest
    ][-4:]


def _prune_blind(state: NetworkState) -> None:
    """Blind periods are kept long enough to clip every window still pending."""
    if len(state.recent_blind) > 8:
        state.recent_blind = state.recent_blind[-8:]


def subtract_intervals(
    interval: tuple[datetime, datetime], holes: Sequence[tuple[datetime, datetime | None]]
) -> list[tuple[datetime, datetime]]:
    """The parts of a half-open interval that no hole covers (a hole without end is open)."""
    pieces = [interval]
    for hole_start, hole_end in holes:
        next_pieces = []
        for start, end in pieces:
            if (hole_end is not None and hole_end <= start) or hole_start >= end:
                next_pieces.append((start, end))
                continue
            if start < hole_start:
                next_pieces.append((start, hole_start))
            if hole_end is not None and hole_end < end:
                next_pieces.append((hole_end, end))
        pieces = next_pieces
    return pieces
