"""Writes of monitoring: one poll cycle's results become outages, exactly once.

`cycle_record` is the only door from the pollers to the outage rows. It runs the state machine
(monitoring.engine) inside one transaction that also saves the machine's state, applies the
approved maintenance windows, writes the tickets' outbox and moves the cursor, so a cycle is
applied once even when its task runs twice, and a worker killed mid-cycle leaves nothing
half-written (and no ticket lost or doubled)."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Q

from inventory.choices import LinkStatus
from inventory.models import Link
from monitoring.choices import OutageKind, OutageSource
from monitoring.engine import (
    BlindEnded,
    BlindStarted,
    Cycle,
    DegradedWindow,
    Event,
    InterruptionEnded,
    InterruptionStarted,
    LinkPoll,
    NetworkState,
    PathPoll,
    RedundancyLost,
    RedundancyRestored,
    advance,
    subtract_intervals,
)
from monitoring.icmp import EchoStats, ping_many
from monitoring.models import (
    BlindPeriod,
    Canary,
    EngineCursor,
    LinkEngineState,
    Outage,
    PathSample,
    RedundancyLoss,
    SnmpSample,
)
from monitoring.selectors import (
    PollTarget,
    canary_addresses,
    maintenance_bound_between,
    poll_targets,
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
    link_state_from_json,
    link_state_to_json,
    network_from_json,
    network_to_json,
)
from monitoring.snmp import SnmpDevice, snmp_read_many

# The state of the last committed cycle, kept in this process so that a cycle need not read
# every link's state back. It is trusted only when its cycle id matches the database's cursor.
_memory: dict[str, NetworkState] = {}


def cycle_instant(cycle_id: int, length: timedelta) -> datetime:
    """A cycle's instant: the scheduled send time of its first echo."""
    return datetime.fromtimestamp(cycle_id * int(length.total_seconds()), tz=UTC)


def _load_state(cursor: EngineCursor) -> NetworkState:
    cached = _memory.pop("state", None)
    if cached is not None and cached.last_cycle_id == cursor.last_cycle_id:
        return cached
    links = {row.link_id: link_state_from_json(row.state) for row in LinkEngineState.objects.all()}
    return network_from_json(cursor.network_state, cursor.last_cycle_id, links)


@transaction.atomic
def cycle_record(
    *,
    cycle_id: int,
    length: timedelta,
    targets: Sequence[PollTarget],
    results: dict[str, EchoStats],
    canaries: dict[str, EchoStats],
) -> list[Event]:
    """Apply one cycle's ICMP results. Returns the events it caused ([] if already applied)."""
    cursor, _ = EngineCursor.objects.select_for_update().get_or_create(singleton=True)
    if cursor.last_cycle_id is not None and cycle_id <= cursor.last_cycle_id:
        return []
    instant = cycle_instant(cycle_id, length)
    state = _load_state(cursor)
    polls = [
        LinkPoll(
            link_id=target.link_id,
            carrier_id=target.carrier_id,
            paths=tuple(_path_poll(results.get(address)) for address in target.addresses),
            thresholds=target.thresholds,
        )
        for target in targets
        if target.active
    ]
    cycle = Cycle(
        cycle_id=cycle_id,
        instant=instant,
        links=polls,
        canaries=[_path_poll(stats) for stats in canaries.values()],
        length=length,
    )
    events = advance(state, cycle)
    created = [row for event in events for row in _apply(event)]
    _maintenance_and_tickets(created, instant - length, instant)
    _save_link_states(state, [p.link_id for p in polls if p.link_id in state.links], cycle_id)
    _save_samples(targets, results, cycle_id, instant)
    cursor.last_cycle_id = cycle_id
    cursor.network_state = network_to_json(state)
    cursor.save(update_fields=["last_cycle_id", "network_state"])
    transaction.on_commit(lambda: _memory.__setitem__("state", state))
    return events


def _path_poll(stats: EchoStats | None) -> PathPoll:
    if stats is None:
        return PathPoll(0, 0)
    return PathPoll(stats.sent, stats.received, stats.rtt_sum_us)


def _save_link_states(state: NetworkState, link_ids: list[int], cycle_id: int) -> None:
    LinkEngineState.objects.bulk_create(
        [
            LinkEngineState(
                link_id=link_id, state=link_state_to_json(state.links[link_id]), cycle_id=cycle_id
            )
            for link_id in link_ids
        ],
        update_conflicts=True,
        unique_fields=["link"],
        update_fields=["state", "cycle_id"],
        batch_size=1000,
    )


def _save_samples(
    targets: Sequence[PollTarget], results: dict[str, EchoStats], cycle_id: int, instant: datetime
) -> None:
    samples = []
    echoes = []
    for target in targets:
        for path, address in enumerate(target.addresses):
            stats = results.get(address)
            if stats is None or stats.sent == 0:
                continue
            echoes.append(
                EchoRow(target.link_id, path, stats.sent, stats.received, stats.rtt_sum_us)
            )
            samples.append(
                PathSample(
                    link_id=target.link_id,
                    path=path,
                    cycle_id=cycle_id,
                    sent=stats.sent,
                    received=stats.received,
                    rtt_avg_us=stats.rtt_sum_us // stats.received if stats.received else None,
                    last_reply_at=instant if stats.received else None,
                )
            )
    PathSample.objects.bulk_create(
        samples,
        update_conflicts=True,
        unique_fields=["link", "path"],
        update_fields=["cycle_id", "sent", "received", "rtt_avg_us"],
        batch_size=1000,
    )
    poll_windows_add_echoes(rows=echoes, instant=instant)
    # The last reply is kept from the last cycle that had one.
    answered = [s.link_id for s in samples if s.received]
    if answered:
        PathSample.objects.filter(link_id__in=answered, cycle_id=cycle_id, received__gt=0).update(
            last_reply_at=instant
        )


def _overlapping(link_id: int, start: datetime, end: datetime | None):
    overlap = Q(end__isnull=True) | Q(end__gt=start)
    if end is not None:
        overlap &= Q(start__lt=end)
    return Outage.objects.filter(Q(link_id=link_id) & overlap)


def _free_pieces(link_id: int, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The parts of [start, end) that no existing outage of the link covers."""
    taken = list(_overlapping(link_id, start, end).values_list("start", "end"))
    return subtract_intervals((start, end), taken)


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


def _apply(event: Event) -> list[Outage | RedundancyLoss]:
    """Write one event; returns the rows it created."""
    match event:
        case InterruptionStarted(link_id=link_id, start=start):
            # An outage imported or registered by hand may already cover the start: the
            # interruption then begins where the last of those ends (or not at all if one is
            # still open), so the link keeps one timeline.
            taken = list(_overlapping(link_id, start, None).values_list("end", flat=True))
            if None in taken:
                return []
            return [
                Outage.objects.create(
                    link_id=link_id,
                    start=max([start, *taken]),
                    kind=OutageKind.INTERRUPTION,
                    source=OutageSource.ICMP,
                )
            ]
        case InterruptionEnded(link_id=link_id, end=end):
            open_outage = Outage.objects.filter(
                link_id=link_id, end=None, kind=OutageKind.INTERRUPTION, source=OutageSource.ICMP
            ).first()
            if open_outage is None:
                return []
            tickets_close(outage=open_outage, end=end)
            if end <= open_outage.start:
                open_outage.delete()
            else:
                open_outage.end = end
                open_outage.save(update_fields=["end"])
        case DegradedWindow(link_id=link_id, start=start, end=end):
            return Outage.objects.bulk_create(
                Outage(
                    link_id=link_id,
                    start=piece_start,
                    end=piece_end,
                    kind=OutageKind.DEGRADATION,
                    source=OutageSource.ICMP,
                )
                for piece_start, piece_end in _free_pieces(link_id, start, end)
            )
        case RedundancyLost(link_id=link_id, start=start):
            return [RedundancyLoss.objects.create(link_id=link_id, start=start)]
        case RedundancyRestored(link_id=link_id, end=end):
            for loss in RedundancyLoss.objects.filter(link_id=link_id, end=None):
                tickets_close(loss=loss, end=end)
            RedundancyLoss.objects.filter(link_id=link_id, end=None).update(end=end)
        case BlindStarted(start=start):
            BlindPeriod.objects.create(start=start)
        case BlindEnded(end=end):
            BlindPeriod.objects.filter(end=None).update(end=end)
    return []


def cycle_poll(*, cycle_id: int, length: timedelta, now: datetime) -> list[Event] | None:
    """Poll every target for one cycle and record it. None when the cycle is not run: already
    recorded, or too late (its time has passed: a cycle not run breaks no streak)."""
    instant = cycle_instant(cycle_id, length)
    if now >= instant + length or EngineCursor.objects.filter(last_cycle_id__gte=cycle_id).exists():
        return None
    targets = poll_targets()
    by_echoes: dict[int, list[str]] = {}
    for target in targets:
        by_echoes.setdefault(target.thresholds.echoes, []).extend(target.addresses)
    seconds = length.total_seconds()
    results: dict[str, EchoStats] = {}
    for echoes, addresses in by_echoes.items():
        # The echoes are spread over the first half of the cycle; late replies count as lost.
        interval = min(1.0, seconds / (2 * echoes))
        results.update(ping_many(addresses, count=echoes, interval=interval, timeout=interval))
    canaries = canary_addresses()
    canary_results = ping_many(canaries, count=3, interval=0.2, timeout=1.0) if canaries else {}
    return cycle_record(
        cycle_id=cycle_id,
        length=length,
        targets=targets,
        results=results,
        canaries=canary_results,
    )


def snmp_poll(*, now: datetime) -> int:
    """Read every polled link's CPE by SNMP and keep the last reading per path."""
    devices: dict[SnmpDevice, tuple[int, int]] = {}
    for link_id, ip, second, port, community, if_index in Link.objects.exclude(
        status=LinkStatus.CANCELLED
    ).values_list("pk", "mgmt_ip", "mgmt_ip_secondary", "snmp_port", "snmp_community", "if_index"):
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
        batch_size=1000,
    )
    poll_windows_set_snmp(
        rows=[
            SnmpRow(
                *devices[device],
                uptime_ticks=reading.uptime_ticks,
                oper_status=reading.oper_status,
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
