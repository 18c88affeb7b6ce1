"""Charts drawn on the server as SVG (no script, readable when printed): a series of monthly
percentages against its target. Only geometry here; `templates/sla/_chart.html` draws it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sla.rules import pct_text

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 58, 34, 14, 34


@dataclass(frozen=True)
class ChartPoint:
    x: Decimal
    y: Decimal
    label: str  # the month, "10/2026"
    value: str | None  # "99.5218" (pct_br formats it)
    met: bool | None


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    points: list[ChartPoint]
    line: str  # polyline points of the measured values (gaps where not applicable)
    target: str  # polyline points of the target month by month
    y_ticks: list[tuple[Decimal, str]]
    x_labels: list[tuple[Decimal, str]]
    plot: tuple[int, int, int, int]  # left, top, right, bottom

    @property
    def empty(self) -> bool:
        return not self.points


@dataclass(frozen=True)
class Sample:
    label: str
    value: Fraction | None
    target: Decimal | None
    met: bool | None = None


def _px(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


NICE_STEPS = [Fraction(n, 100) for n in (5, 10, 20, 25, 50)] + [
    Fraction(n) for n in (1, 2, 5, 10, 20, 25)
]
TICKS = 4


def _bounds(samples: Sequence[Sample]) -> tuple[Fraction, Fraction]:
    """A y range of TICKS round steps holding every value and target, within [0, 100]."""
    numbers = [Fraction(s.value) for s in samples if s.value is not None]
    numbers += [Fraction(s.target) for s in samples if s.target is not None]
    if not numbers:
        return Fraction(0), Fraction(100)
    low, high = min(numbers), max(numbers)
    wanted = max((high - low) * Fraction(6, 5), Fraction(1, 5)) / TICKS
    step = next((n for n in NICE_STEPS if n >= wanted), Fraction(25))
    bottom = max(Fraction(0), math.floor((low - step / 2) / step) * step)
    top = bottom + TICKS * step
    if top < high:  # the floor may leave the highest value out: one step up
        bottom, top = bottom + step, top + step
    if top > 100:
        bottom, top = max(Fraction(0), 100 - TICKS * step), Fraction(100)
    return bottom, top


def _tick_text(value: Fraction) -> str:
    """A tick in pt-BR with as few decimals as it needs ("99,75", "90")."""
    exact = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))
    return f"{exact.normalize():f}".replace(".", ",")


def series_chart(title: str, samples: Sequence[Sample]) -> Chart:
    low, high = _bounds(samples)
    span = high - low
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = Fraction(inner_w, max(len(samples) - 1, 1))

    def x(i: int) -> Decimal:
        return _px(LEFT + step * i if len(samples) > 1 else Fraction(LEFT + inner_w // 2))

    def y(value) -> Decimal:
        return _px(TOP + inner_h - (Fraction(value) - low) / span * inner_h)

    points = [
        ChartPoint(x(i), y(s.value), s.label, pct_text(s.value), s.met)
        for i, s in enumerate(samples)
        if s.value is not None
    ]
    target = " ".join(f"{x(i)},{y(s.target)}" for i, s in enumerate(samples) if s.target)
    y_ticks = [
        (y(low + span * k / TICKS), _tick_text(low + span * k / TICKS)) for k in range(TICKS + 1)
    ]
    every = max(1, math.ceil(len(samples) / 12))
    return Chart(
        title=title,
        width=WIDTH,
        height=HEIGHT,
        points=points,
        line=" ".join(f"{p.x},{p.y}" for p in points),
        target=target,
        y_ticks=y_ticks,
        x_labels=[(x(i), s.label) for i, s in enumerate(samples) if i % every == 0],
        plot=(LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM),
    )
