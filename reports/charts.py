"""Bar charts drawn by the server as SVG for the summaries: groups of bars (one per series) over
categories (months, carriers), on one value axis from zero. Only geometry here;
`templates/reports/_bar_chart.html` draws it with plain SVG attributes, so that a chart looks
the same on the screen, printed and in the PDF (no script, no stylesheet needed)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from monitoring.charts import nice_ceiling
from redegov.templatetags.formatting import brl, format_decimal_br, pct_br

WIDTH, HEIGHT = 720, 250
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 12, 40  # room for the axes' labels
MAX_LABELS = 12  # category labels under the axis; beyond that, every n-th
BRL, PCT = "R$", "%"


@dataclass(frozen=True)
class Series:
    label: str
    color: str
    values: Sequence[Decimal | None]  # one per category; None draws no bar


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str


@dataclass(frozen=True)
class Tick:
    at: float  # x or y in SVG units
    label: str


@dataclass(frozen=True)
class BarChart:
    title: str
    width: int
    height: int
    plot: tuple[int, int, int, int]  # left, top, right, bottom
    bars: list[Bar]
    y_ticks: list[Tick]
    x_labels: list[Tick]
    legend: list[tuple[str, str]]  # (color, label)
    empty: bool


def _value_text(value: Decimal, unit: str) -> str:
    return brl(value) if unit == BRL else pct_br(str(value))


def _short(value: Decimal, places: int) -> str:
    """At most `places` decimals, and only those needed: 0, 1,25, 2,5, 1.000."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP).normalize()
    return format_decimal_br(rounded, max(0, -rounded.as_tuple().exponent))


def _tick_text(value: Decimal, top: Decimal, unit: str) -> str:
    """Short labels: 0, 1,5 mi, 750 mil, 0,025%."""
    if unit == PCT:
        return f"{_short(value, 3)}%"
    if not value:
        return "0"
    for scale, suffix in ((Decimal(1_000_000), " mi"), (Decimal(1_000), " mil")):
        if top >= scale:
            return _short(value / scale, 2) + suffix
    return _short(value, 2)


def _divisions(top: Decimal) -> int:
    """Steps of the value axis up to `top` (1, 2, 2,5 or 5 times a power of ten) that fall
    on round values: quarters of 1 and 2, fifths of 2,5 and 5."""
    mantissa = top.scaleb(-top.adjusted()).normalize()
    return 5 if mantissa in (Decimal("2.5"), Decimal(5)) else 4


def bar_chart(
    *, title: str, unit: str, categories: Sequence[str], series: Sequence[Series]
) -> BarChart:
    """Grouped bars: for each category, one bar per series, side by side (`unit` is BRL or
    PCT, for the labels)."""
    left, top_px, right, bottom = LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM
    values = [v for s in series for v in s.values if v is not None]
    top = Decimal(str(nice_ceiling(float(max(values, default=0))))).normalize()

    def y(value: Decimal) -> float:
        return round(bottom - (bottom - top_px) * float(value / top), 1)

    slot = (right - left) / max(1, len(categories))
    width = slot * 0.8 / max(1, len(series))
    bars = [
        Bar(
            x=round(left + slot * index + slot * 0.1 + width * position, 1),
            y=y(value),
            width=round(width, 1),
            height=round(bottom - y(value), 1),
            color=s.color,
            title=f"{category} · {s.label}: {_value_text(value, unit)}",
        )
        for position, s in enumerate(series)
        for index, (category, value) in enumerate(zip(categories, s.values, strict=True))
        if value is not None
    ]
    every = max(1, math.ceil(len(categories) / MAX_LABELS))
    steps = _divisions(top)
    ticks = range(steps + 1)
    return BarChart(
        title=title,
        width=WIDTH,
        height=HEIGHT,
        plot=(left, top_px, right, bottom),
        bars=bars,
        y_ticks=[Tick(y(top * k / steps), _tick_text(top * k / steps, top, unit)) for k in ticks],
        x_labels=[
            Tick(round(left + slot * (index + 0.5), 1), category)
            for index, category in enumerate(categories)
            if index % every == 0
        ],
        legend=[(s.color, s.label) for s in series],
        empty=not values,
    )
