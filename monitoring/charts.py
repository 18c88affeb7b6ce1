"""Charts drawn by the server as SVG: the geometry is computed here, `monitoring/_chart.html`
renders it. No JavaScript, so a chart prints as it shows and a wall screen needs nothing else.

A chart is a plot area with a value axis (nice round ticks from zero) and either a time axis
(lines and bars over [since, until)) or one bar per day. A missing value is a gap, never a zero."""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from redegov.templatetags.formatting import format_decimal_br

WIDTH, HEIGHT = 900, 200
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 28  # margins for the axes' labels

TimePoint = tuple[datetime, float | None]


@dataclass(frozen=True)
class Line:
    label: str
    css: str
    d: str  # SVG path data; gaps start a new "M"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Tick:
    at: float  # x or y in SVG units
    label: str


@dataclass
class Chart:
    title: str
    unit: str
    width: int = WIDTH
    height: int = HEIGHT
    lines: list[Line] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css, label)
    empty: bool = False

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT

    @property
    def plot_top(self) -> int:
        return TOP

    @property
    def plot_bottom(self) -> int:
        return self.height - BOTTOM


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten not below `value` (1 for nothing)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _label(value: float) -> str:
    """At most two decimals, and only those needed: 0, 12,5, 0,25, 1.000."""
    number = Decimal(str(round(value, 2))).normalize()
    return format_decimal_br(number, max(0, -number.as_tuple().exponent))


def _y_axis(chart: Chart, top: float) -> None:
    for k in range(5):
        value = top * k / 4
        chart.y_ticks.append(Tick(_y(chart, value, top), _label(value)))


def _y(chart: Chart, value: float, top: float) -> float:
    return round(chart.plot_bottom - (chart.plot_bottom - chart.plot_top) * value / top, 1)


def _x(chart: Chart, instant: datetime, since: datetime, until: datetime) -> float:
    span = (until - since).total_seconds()
    share = (instant - since).total_seconds() / span
    return round(chart.plot_left + (chart.plot_right - chart.plot_left) * share, 1)


def _time_ticks(chart: Chart, since: datetime, until: datetime) -> None:
    """A tick per 3 hours for a day or less, per day beyond (local time)."""
    step = timedelta(hours=3) if until - since <= timedelta(days=1) else timedelta(days=1)
    local = timezone.localtime(since)
    if step < timedelta(days=1):
        tick = local.replace(minute=0, second=0, microsecond=0)
        tick += timedelta(hours=(-tick.hour) % 3)
        fmt = "%H:%M"
    else:
        tick = local.replace(hour=0, minute=0, second=0, microsecond=0)
        fmt = "%d/%m"
    while tick < until:
        if tick >= since:
            chart.x_ticks.append(Tick(_x(chart, tick, since, until), tick.strftime(fmt)))
        # Local midnights and hours: step on the wall clock, then re-attach the zone.
        tick = timezone.localtime(tick + step)
        if step == timedelta(days=1):
            tick = tick.replace(hour=0)


def time_chart(
    *,
    title: str,
    unit: str,
    since: datetime,
    until: datetime,
    lines: Sequence[tuple[str, str, Sequence[TimePoint]]] = (),
    bars: Sequence[tuple[str, str, Sequence[TimePoint]]] = (),
    bar_width: timedelta = timedelta(minutes=5),
) -> Chart:
    """Lines (label, css, points) and bars (label, css, points: the bar starts at its instant
    and lasts `bar_width`) over [since, until), on one value axis from zero."""
    chart = Chart(title=title, unit=unit)
    values = [v for _, _, points in [*lines, *bars] for _, v in points if v is not None]
    chart.empty = not values
    top = nice_ceiling(max(values, default=0))
    _y_axis(chart, top)
    _time_ticks(chart, since, until)
    for label, css, points in lines:
        commands, pen_down = [], False
        for instant, value in points:
            if value is None or not since <= instant < until:
                pen_down = False
                continue
            point = f"{_x(chart, instant, since, until)} {_y(chart, value, top)}"
            # A stroke starts with a zero-length segment: with round caps a lone point shows.
            commands.append(f"L{point}" if pen_down else f"M{point}L{point}")
            pen_down = True
        chart.lines.append(Line(label, css, "".join(commands)))
        chart.legend.append((css, label))
    for label, css, points in bars:
        for instant, value in points:
            if value is None or not since <= instant < until:
                continue
            x = _x(chart, instant, since, until)
            width = max(1.0, _x(chart, instant + bar_width, since, until) - x)
            y = _y(chart, value, top)
            chart.bars.append(
                Bar(
                    x,
                    y,
                    round(width, 1),
                    round(chart.plot_bottom - y, 1),
                    css,
                    f"{timezone.localtime(instant):%d/%m %H:%M}: {_label(value)} {unit}",
                )
            )
        chart.legend.append((css, label))
    return chart


def day_chart(
    *,
    title: str,
    unit: str,
    days: Sequence[tuple[date, float | None, str]],
    floor: float,
    ceiling: float,
) -> Chart:
    """One bar per day (value, tooltip) on an axis from `floor` to `ceiling` (availability
    reads better from 90% than from zero); a day without a value has no bar."""
    chart = Chart(title=title, unit=unit)
    chart.empty = all(value is None for _, value, _ in days)
    span = ceiling - floor
    for k in range(5):
        value = floor + span * k / 4
        chart.y_ticks.append(Tick(_y(chart, value - floor, span), _label(value)))
    slot = (chart.plot_right - chart.plot_left) / max(1, len(days))
    for index, (day, value, tooltip) in enumerate(days):
        x = chart.plot_left + slot * index
        if index % 5 == 0 or index == len(days) - 1:
            chart.x_ticks.append(Tick(round(x + slot / 2, 1), day.strftime("%d/%m")))
        if value is None:
            continue
        y = _y(chart, max(floor, min(ceiling, value)) - floor, span)
        css = "bar-ok" if value >= ceiling else "bar-short"
        chart.bars.append(
            Bar(
                round(x + 1, 1),
                y,
                round(slot - 2, 1),
                round(chart.plot_bottom - y, 1),
                css,
                tooltip,
            )
        )
    return chart
