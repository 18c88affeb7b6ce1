"""The one chart engine: SVG geometry computed on the server, drawn by
`templates/includes/chart.html` with plain SVG attributes, so a chart looks the same on the
screen, printed and in a PDF (no script, no stylesheet needed).

Coordinates are strings of machine numbers ("186.0": a dot, no grouping) whatever the locale;
labels and tooltips are pt-BR ("1,5 mi", "99,52%", "10/2026"). A chart is a plot area with a
value axis of round ticks and either categories (months, carriers, days: grouped bars, or a
line with a dot per value) or a time axis (lines and bars over [since, until)). A missing value
is a gap, never a zero."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils import timezone

from core.templatetags.formatting import brl, format_decimal_br

Number = Decimal | Fraction | float | int
BRL, PCT = "R$", "%"
NAVY, GREEN, AMBER, RED, PURPLE = "#1f4e79", "#2e7d32", "#d97706", "#c62828", "#6a1b9a"
LIGHT_GREEN = "#9fd4ad"
BARS, LINE, DASHED = "bars", "line", "dashed"  # how a series is drawn
WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 12, 32  # room for the axes' labels
MAX_LABELS = 12  # category labels under the axis; beyond that, every n-th
NO_VALUES = "Sem valores para mostrar."


def coord(value: float) -> str:
    """An SVG coordinate with one decimal and a dot, never localized: '186.0'."""
    return f"{value:.1f}"


def decimal(value: Number) -> Decimal:
    """Any number as a Decimal (a Fraction divided exactly to 28 digits, a float by its text)."""
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(value)


def short(value: Decimal, places: int) -> str:
    """At most `places` decimals, and only those needed: 0, 1,25, 2,5, 1.000."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP).normalize()
    return format_decimal_br(rounded, max(0, -rounded.as_tuple().exponent))


def value_text(value: Number, unit: str) -> str:
    """A value for a tooltip: R$ 1.234,56; 99,52%; 12,5 ms."""
    number = decimal(value)
    if unit == BRL:
        return brl(number)
    if unit == PCT:
        return f"{format_decimal_br(number, 2)}%"
    return f"{short(number, 2)} {unit}".rstrip()


def tick_text(value: Decimal, top: Decimal, unit: str) -> str:
    """A tick's label, short: 0, 1,5 mi, 750 mil, 99,75%, 12,5."""
    if unit == PCT:
        return f"{short(value, 3)}%"
    if unit == BRL and value:
        for scale, suffix in ((Decimal(1_000_000), " mi"), (Decimal(1_000), " mil")):
            if top >= scale:
                return short(value / scale, 2) + suffix
    return short(value, 2)


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest 1, 2, 2,5 or 5 times a power of ten not below `value` (1 for nothing)."""
    if value <= 0:
        return Decimal(1)
    power = Decimal(1).scaleb(value.adjusted())
    step = next(s for s in ("1", "2", "2.5", "5", "10") if value <= Decimal(s) * power)
    return (Decimal(step) * power).normalize()


FITTED_STEPS = [Decimal(s) for s in ("0.05", "0.1", "0.2", "0.25", "0.5", "1", "2", "5", "10")]


@dataclass(frozen=True)
class Axis:
    """The value axis: from `low` to `high` in `steps` equal, round steps (a gridline each)."""

    low: Decimal
    high: Decimal
    steps: int = 4

    @classmethod
    def from_zero(cls, values: Iterable[Number]) -> Axis:
        """From zero to a round ceiling: quarters of 1 and 2, fifths of 2,5 and 5."""
        top = nice_ceiling(max((decimal(v) for v in values), default=Decimal(0)))
        mantissa = top.scaleb(-top.adjusted()).normalize()
        return cls(Decimal(0), top, 5 if mantissa in (Decimal("2.5"), Decimal(5)) else 4)

    @classmethod
    def fitted(cls, values: Iterable[Number]) -> Axis:
        """Percentages close together (99,2% to 99,9%): four round steps around them, within
        [0, 100], so that small differences show."""
        numbers = [decimal(v) for v in values]
        if not numbers:
            return cls(Decimal(0), Decimal(100))
        low, high = min(numbers), max(numbers)
        wanted = max((high - low) * Decimal("1.2"), Decimal("0.2")) / 4
        step = next((s for s in FITTED_STEPS if s >= wanted), Decimal(25))
        bottom = max(Decimal(0), math.floor((low - step / 2) / step) * step)
        if bottom + 4 * step < high:  # the floor may leave the highest value out: one step up
            bottom += step
        if bottom + 4 * step > 100:
            bottom = max(Decimal(0), 100 - 4 * step)
        return cls(bottom, bottom + 4 * step)

    def ticks(self) -> list[Decimal]:
        span = self.high - self.low
        return [self.low + span * k / self.steps for k in range(self.steps + 1)]


@dataclass(frozen=True)
class Series:
    """Values over a chart's categories (None: no bar, a gap in the line). `colors` and
    `titles`, one per value, override the series' colour and the default tooltip."""

    label: str
    color: str
    values: Sequence[Number | None]
    style: str = BARS
    colors: Sequence[str] | None = None
    titles: Sequence[str] | None = None


@dataclass(frozen=True)
class Tick:
    at: str  # x or y, an SVG coordinate
    label: str


@dataclass(frozen=True)
class Rect:
    x: str
    y: str
    width: str
    height: str
    color: str
    title: str


@dataclass(frozen=True)
class Dot:
    cx: str
    cy: str
    color: str
    title: str


@dataclass(frozen=True)
class Path:
    d: str  # SVG path data; a gap starts a new "M"
    color: str
    dashed: bool
    label: str


@dataclass
class Chart:
    """What `includes/chart.html` draws; every coordinate is already a string."""

    title: str
    unit: str
    width: int = WIDTH
    height: int = HEIGHT
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    rects: list[Rect] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, label)
    note: str = ""
    empty: bool = False
    empty_text: str = NO_VALUES

    @property
    def left(self) -> int:
        return LEFT

    @property
    def right(self) -> int:
        return self.width - RIGHT

    @property
    def top(self) -> int:
        return TOP

    @property
    def bottom(self) -> int:
        return self.height - BOTTOM

    @property
    def label_x(self) -> int:
        return LEFT - 6

    @property
    def label_y(self) -> int:
        return self.height - BOTTOM + 16

    def y(self, value: Number, axis: Axis) -> float:
        """The height of `value` on `axis`, kept inside the plot."""
        share = (decimal(value) - axis.low) / (axis.high - axis.low)
        share = min(Decimal(1), max(Decimal(0), share))
        return self.bottom - (self.bottom - self.top) * float(share)

    def draw_axis(self, axis: Axis) -> None:
        self.y_ticks = [
            Tick(coord(self.y(value, axis)), tick_text(value, axis.high, self.unit))
            for value in axis.ticks()
        ]


def _path(points: Iterable[tuple[float, float] | None]) -> str:
    """Path data through the points; None lifts the pen. A stroke starts with a zero-length
    segment, so that with round caps a lone point shows."""
    commands, pen_down = [], False
    for point in points:
        if point is None:
            pen_down = False
            continue
        at = f"{coord(point[0])} {coord(point[1])}"
        commands.append(f"L{at}" if pen_down else f"M{at}L{at}")
        pen_down = True
    return "".join(commands)


def category_chart(
    *,
    title: str,
    unit: str,
    categories: Sequence[str],
    series: Sequence[Series],
    axis: Axis | None = None,
    note: str = "",
    empty_text: str = NO_VALUES,
) -> Chart:
    """Bars grouped by category (one per BARS series, side by side) and lines with a dot per
    value (LINE) or dashed without dots (DASHED), on `axis` (from zero by default)."""
    values = [v for s in series for v in s.values if v is not None]
    chart = Chart(title=title, unit=unit, note=note, empty=not values, empty_text=empty_text)
    axis = axis or Axis.from_zero(values)
    chart.draw_axis(axis)
    slot = (chart.right - chart.left) / max(1, len(categories))
    bar_series = [s for s in series if s.style == BARS]
    width = slot * 0.8 / max(1, len(bar_series))
    for s in series:
        colors = s.colors or [s.color] * len(categories)
        titles = s.titles or [
            f"{category} · {s.label}: {value_text(v, unit)}" if v is not None else ""
            for category, v in zip(categories, s.values, strict=True)
        ]
        line: list[tuple[float, float] | None] = []
        for index, value in enumerate(s.values):
            if value is None:
                line.append(None)
                continue
            y = chart.y(value, axis)
            if s.style == BARS:
                x = chart.left + slot * (index + 0.1) + width * bar_series.index(s)
                chart.rects.append(
                    Rect(
                        coord(x),
                        coord(y),
                        coord(width),
                        coord(chart.bottom - y),
                        colors[index],
                        titles[index],
                    )
                )
                continue
            x = chart.left + slot * (index + 0.5)
            line.append((x, y))
            if s.style == LINE:
                chart.dots.append(Dot(coord(x), coord(y), colors[index], titles[index]))
        if s.style != BARS:
            chart.paths.append(Path(_path(line), s.color, s.style == DASHED, s.label))
        chart.legend.append((s.color, s.label))
    every = max(1, math.ceil(len(categories) / MAX_LABELS))
    chart.x_ticks = [
        Tick(coord(chart.left + slot * (index + 0.5)), category)
        for index, category in enumerate(categories)
        if index % every == 0
    ]
    return chart


TimePoint = tuple[datetime, Number | None]


def _time_ticks(x: Callable[[datetime], float], since: datetime, until: datetime) -> list[Tick]:
    """A tick per 3 hours for a day or less, per day beyond (local time)."""
    step = timedelta(hours=3) if until - since <= timedelta(days=1) else timedelta(days=1)
    tick = timezone.localtime(since).replace(minute=0, second=0, microsecond=0)
    if step < timedelta(days=1):
        tick += timedelta(hours=(-tick.hour) % 3)
        fmt = "%H:%M"
    else:
        tick = tick.replace(hour=0)
        fmt = "%d/%m"
    ticks = []
    while tick < until:
        if tick >= since:
            ticks.append(Tick(coord(x(tick)), tick.strftime(fmt)))
        # Local midnights and hours: step on the wall clock, then re-attach the zone.
        tick = timezone.localtime(tick + step)
        if step == timedelta(days=1):
            tick = tick.replace(hour=0)
    return ticks


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
    """Lines (label, colour, points) and bars (label, colour, points: a bar starts at its
    instant and lasts `bar_width`) over [since, until), on one value axis from zero."""
    chart = Chart(title, unit, 900, 200, empty_text="Sem medições neste período.")
    inside = [[(t, v) for t, v in points if since <= t < until] for _, _, points in [*lines, *bars]]
    values = [v for points in inside for _, v in points if v is not None]
    chart.empty = not values
    axis = Axis.from_zero(values)
    chart.draw_axis(axis)
    span = (until - since).total_seconds()

    def x(instant: datetime) -> float:
        share = (instant - since).total_seconds() / span
        return chart.left + (chart.right - chart.left) * share

    chart.x_ticks = _time_ticks(x, since, until)
    for (label, color, _), points in zip(lines, inside, strict=False):
        chart.paths.append(
            Path(
                _path(None if v is None else (x(t), chart.y(v, axis)) for t, v in points),
                color,
                False,
                label,
            )
        )
        chart.legend.append((color, label))
    for (label, color, _), points in zip(bars, inside[len(lines) :], strict=True):
        for instant, value in points:
            if value is None:
                continue
            left, y = x(instant), chart.y(value, axis)
            chart.rects.append(
                Rect(
                    coord(left),
                    coord(y),
                    coord(max(1.0, x(instant + bar_width) - left)),
                    coord(chart.bottom - y),
                    color,
                    f"{timezone.localtime(instant):%d/%m %H:%M}: {value_text(value, unit)}",
                )
            )
        chart.legend.append((color, label))
    return chart
