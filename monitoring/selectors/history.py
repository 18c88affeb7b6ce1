"""Reads of a link's monitoring over time (its page, issue 5 item 3) and of the outage list's
totals: the state now, the availability of each of the last days (from outages, counted as the
bill counts them), RTT and loss from the 5-minute poll windows, traffic from the SNMP counters,
and the outage and ticket histories."""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    Func,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Trunc
from django.utils import timezone

from core.instants import local_midnight, truncate_minute
from inventory.choices import LinkStatus
from inventory.models import Link
from monitoring.choices import COUNTED_RESPONSIBILITIES, OutageKind
from monitoring.models import (
    BlindPeriod,
    Outage,
    PollWindow,
    RedundancyLoss,
    SnmpSample,
    Ticket,
)
from monitoring.selectors import latest_windows, link_shard, unavailable_minutes

HISTORY_ROWS = 50
# Windows before this instant are aligned on it: UTC whole hours are local whole hours here.
BIN_ORIGIN = datetime(2000, 1, 1, tzinfo=UTC)


# The state now --------------------------------------------------------------------------------

STATE_LABELS = {
    "down": "Interrompido",
    "redundancy": "Perda de redundância",
    "degraded": "Degradado",
    "up": "Em operação",
    "unmeasured": "Sem medição",
    "ordered": "Solicitado (em verificação)",
    "cancelled": "Cancelado",
}


@dataclass(frozen=True)
class PathNow:
    """The current 5-minute window of ICMP and the last SNMP reading of one path (either may
    be missing)."""

    number: int  # 1 or 2, as people count paths
    sample: PollWindow | None
    snmp: SnmpSample | None

    @property
    def rtt_ms(self) -> Decimal | None:
        if self.sample is None or not self.sample.echoes_received:
            return None
        return Decimal(self.sample.rtt_sum_us // self.sample.echoes_received) / 1000


@dataclass
class LinkNow:
    state: str
    since: datetime | None
    outage: Outage | None
    paths: list[PathNow]

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


def link_now(*, link: Link, now: datetime) -> LinkNow:
    """What is true of the link now: the worst of an open interruption, lost redundancy, a
    degraded window in the last 10 minutes; unmeasured while the NOC is blind."""
    outage = link.outages.filter(end=None).first()
    loss = RedundancyLoss.objects.filter(link=link, end=None).first()
    degraded = link.outages.filter(
        kind=OutageKind.DEGRADATION, end__gt=now - timedelta(minutes=10)
    ).first()
    samples = latest_windows(link_id=link.pk)
    readings = {reading.path: reading for reading in SnmpSample.objects.filter(link=link)}
    paths = [
        PathNow(path + 1, samples.get(path), readings.get(path))
        for path in sorted(samples.keys() | readings.keys())
    ]
    if link.status != LinkStatus.ACTIVE:
        state, since = link.status, None
    elif BlindPeriod.objects.filter(end=None, shard=link_shard(link)).exists():
        state, since = "unmeasured", None
    elif outage:
        state, since = "down", outage.start
    elif loss:
        state, since = "redundancy", loss.start
    elif degraded:
        state, since = "degraded", degraded.start
    else:
        state, since = "up", None
    return LinkNow(state=state, since=since, outage=outage, paths=paths)


# Availability per day -------------------------------------------------------------------------


@dataclass(frozen=True)
class DayAvailability:
    day: date
    active_minutes: int
    counted_minutes: int

    @property
    def percent(self) -> Decimal | None:
        """None for a day the link was not active at all."""
        if not self.active_minutes:
            return None
        return Decimal(self.active_minutes - self.counted_minutes) * 100 / self.active_minutes


def link_daily_availability(*, link: Link, days: int, now: datetime) -> list[DayAvailability]:
    """The last `days` local days (today so far included): minutes the link was active and
    minutes counted against the carrier (`unavailable_minutes`, the bill's own count)."""
    now = truncate_minute(now)
    today = timezone.localdate(now)
    active_from = truncate_minute(link.activated_at) if link.activated_at else None
    active_to = truncate_minute(link.cancelled_at) if link.cancelled_at else now
    spans = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        start = local_midnight(day)
        end = min(local_midnight(day + timedelta(days=1)), now, active_to)
        if active_from is not None:
            start = max(start, active_from)
        spans.append((day, (link.pk, start, end) if active_from and start < end else None))
    counted = iter(unavailable_minutes(windows=[w for _, w in spans if w], now=now))
    return [
        DayAvailability(
            day=day,
            active_minutes=int((window[2] - window[1]).total_seconds()) // 60 if window else 0,
            counted_minutes=next(counted).minutes if window else 0,
        )
        for day, window in spans
    ]


# RTT, loss and traffic ------------------------------------------------------------------------


class DateBin(Func):
    """date_bin(stride, source, origin): the start of the stride holding an instant."""

    function = "DATE_BIN"
    output_field = DateTimeField()


@dataclass(frozen=True)
class EchoPoint:
    start: datetime
    sent: int
    received: int
    rtt_sum_us: int

    @property
    def loss_pct(self) -> float:
        return 100 * (self.sent - self.received) / self.sent

    @property
    def rtt_ms(self) -> float | None:
        return self.rtt_sum_us / self.received / 1000 if self.received else None


def link_echo_series(
    *, link: Link, since: datetime, until: datetime, stride: timedelta
) -> dict[int, list[EchoPoint]]:
    """Echoes of each path added up per `stride` (5 minutes: the windows themselves), by SQL."""
    rows = (
        PollWindow.objects.filter(link=link, start__gte=since, start__lt=until, echoes_sent__gt=0)
        .annotate(bin=DateBin(Value(stride, DurationField()), "start", Value(BIN_ORIGIN)))
        .values("path", "bin")
        .annotate(sent=Sum("echoes_sent"), received=Sum("echoes_received"), rtt=Sum("rtt_sum_us"))
        .order_by("path", "bin")
    )
    series: dict[int, list[EchoPoint]] = {}
    for row in rows:
        series.setdefault(row["path"], []).append(
            EchoPoint(row["bin"], row["sent"], row["received"], row["rtt"])
        )
    return series


@dataclass(frozen=True)
class CounterReading:
    at: datetime
    uptime_ticks: int | None
    in_octets: int
    out_octets: int


@dataclass(frozen=True)
class RatePoint:
    at: datetime  # the end of the interval the rate is the mean of
    in_bps: float | None
    out_bps: float | None


def _since_restart(after: int, elapsed: float, uptime_s: float | None) -> float | None:
    """What a counter counted since the CPE restarted, as a rate over its uptime, when the
    uptime says the restart fell inside the interval; otherwise no rate (a gap)."""
    if uptime_s is not None and 0 < uptime_s <= elapsed:
        return after * 8 / uptime_s
    return None


def _rate(before: int, after: int, elapsed: float, uptime_s: float | None) -> float | None:
    """Bits per second between two octet counters. A counter that went down was reset (the
    CPE restarted, or the counter wrapped): never a huge or negative spike."""
    if after >= before:
        return (after - before) * 8 / elapsed
    return _since_restart(after, elapsed, uptime_s)


def counter_rates(readings: Sequence[CounterReading]) -> list[RatePoint]:
    """Rates from consecutive readings, in order. A restart seen in sysUpTime (it went back)
    resets both counters, even one that happens to have grown again past its old value."""
    points = []
    for before, after in itertools.pairwise(readings):
        elapsed = (after.at - before.at).total_seconds()
        if elapsed <= 0:
            continue
        uptime_s = None if after.uptime_ticks is None else after.uptime_ticks / 100
        counters = ((before.in_octets, after.in_octets), (before.out_octets, after.out_octets))
        if (
            after.uptime_ticks is not None
            and before.uptime_ticks is not None
            and after.uptime_ticks < before.uptime_ticks
        ):
            rates = [_since_restart(last, elapsed, uptime_s) for _, last in counters]
        else:
            rates = [_rate(first, last, elapsed, uptime_s) for first, last in counters]
        points.append(RatePoint(after.at, *rates))
    return points


def link_traffic(*, link: Link, since: datetime, until: datetime) -> list[RatePoint]:
    """Traffic of the link's first path from the SNMP readings kept in its poll windows."""
    readings = [
        CounterReading(at, uptime, int(in_octets), int(out_octets))
        for at, uptime, in_octets, out_octets in PollWindow.objects.filter(
            link=link,
            path=0,
            start__gte=since,
            start__lt=until,
            snmp_at__isnull=False,
            in_octets__isnull=False,
            out_octets__isnull=False,
        )
        .order_by("snmp_at")
        .values_list("snmp_at", "uptime_ticks", "in_octets", "out_octets")
    ]
    return counter_rates(readings)


# Histories ------------------------------------------------------------------------------------


def link_outage_history(*, link: Link) -> list[Outage]:
    return list(link.outages.select_related("decided_by").order_by("-start")[:HISTORY_ROWS])


def link_ticket_history(*, link: Link) -> list[Ticket]:
    return list(
        Ticket.objects.filter(link=link)
        .select_related("carrier", "link")
        .order_by("-start")[:HISTORY_ROWS]
    )


# The outage list's totals ---------------------------------------------------------------------


def _length(now: datetime) -> ExpressionWrapper:
    """An outage's length with both instants truncated to the minute; open: up to `now`."""
    return ExpressionWrapper(
        Trunc(Coalesce("end", Value(now)), "minute") - Trunc("start", "minute"),
        output_field=DurationField(),
    )


def outages_with_length(*, outages: QuerySet[Outage], now: datetime) -> QuerySet[Outage]:
    """The outages with `length` (a timedelta of whole minutes) annotated, for lists."""
    return outages.annotate(length=_length(now))


def outage_minute_totals(*, outages: QuerySet[Outage], now: datetime) -> dict[str, int]:
    """Minutes of the listed outages (each instant truncated to its minute, an open outage up
    to now): all of them, and those counted against the carrier (`carrier` and `pending`)."""
    totals = outages.order_by().aggregate(
        total=Sum(_length(now)),
        counted=Sum(_length(now), filter=Q(responsibility__in=COUNTED_RESPONSIBILITIES)),
    )
    return {key: int(value.total_seconds()) // 60 if value else 0 for key, value in totals.items()}
