"""The arithmetic of the IMR (docs/domain.md section 6), as pure functions of plain values.

- A result is an exact fraction: available / active minutes (I1), or on time / counted (I2-I4).
  It is compared with its target as a fraction, never as a rounded percentage.
- A missed result falls in a band by its shortfall below the target, in percentage points:
  a band holds shortfalls in (lower, upper], an empty upper meaning no limit. A band measured in
  counted minutes (I1: more than 1 440 in the month) replaces the shortfall band when it holds.
- Percentages are shown as strings with four decimals, rounded half-up by the one rounding rule
  (`core.money.round_cents`).
- An adjustment is the band's percentage of a base: the access's amount_due (I1), or the
  carrier's amount_due in the lot (I2-I4), spread over its lines by largest remainder.
- Repeated breach: 3 misses in a row, or 5 in 12 months, per carrier, lot and indicator; a month
  not applicable neither makes nor breaks a run.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from core.money import round_cents, spread
from inventory.choices import AccessType
from sla.choices import BandMeasure, BreachRule

FOUR_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Band:
    """A payment adjustment band: `percentage` of the base for a measure in (lower, upper]."""

    measure: str
    lower: Decimal
    upper: Decimal | None
    percentage: Decimal
    base: str

    def holds(self, amount: Fraction | int) -> bool:
        """Compared in integers (a/b > n/d when a*d > n*b): a month compares 100 000 results."""
        (lower_n, lower_d), upper = self._bounds
        a, b = amount.numerator, amount.denominator
        if a * lower_d <= lower_n * b:
            return False
        return upper is None or a * upper[1] <= upper[0] * b

    @functools.cached_property
    def _bounds(self) -> tuple[tuple[int, int], tuple[int, int] | None]:
        upper = None if self.upper is None else self.upper.as_integer_ratio()
        return self.lower.as_integer_ratio(), upper


@dataclass(frozen=True)
class Rule:
    """An indicator's definition in force in a month (a stored version, or the default)."""

    code: str
    name: str
    purpose: str
    how_measured: str
    formula: str
    order_types: tuple[str, ...]
    scope: str
    target: Decimal
    target_redundant: Decimal | None
    bands: tuple[Band, ...]
    breach_run: int
    breach_count: int
    breach_months: int
    valid_from: date | None = None
    definition_id: int | None = None  # None: the default, not stored for the contract yet

    def target_for(self, access_type: str) -> Decimal:
        if access_type == AccessType.REDUNDANT and self.target_redundant is not None:
            return self.target_redundant
        return self.target


@dataclass(frozen=True)
class Outcome:
    """A result judged against its rule: value in percent (None: not applicable)."""

    value: Fraction | None
    target: Decimal
    met: bool | None
    band: Decimal | None


def evaluate(
    rule: Rule,
    numerator: int,
    denominator: int,
    *,
    access_type: str = "",
    counted_minutes: int | None = None,
) -> Outcome:
    """numerator / denominator against the rule's target and bands (exact fractions)."""
    target = rule.target_for(access_type)
    value = percent(numerator, denominator)
    if value is None:
        return Outcome(None, target, None, None)
    # target - value, compared in integers first: most of a month's 10^5 results meet it.
    target_n, target_d = target.as_integer_ratio()
    if target_n * denominator <= numerator * 100 * target_d:
        return Outcome(value, target, True, None)
    shortfall = Fraction(target_n, target_d) - value
    return Outcome(value, target, False, band_for(rule.bands, shortfall, counted_minutes))


def percent(numerator: int, denominator: int) -> Fraction | None:
    """numerator / denominator in percent, exactly; None when nothing was counted."""
    return Fraction(numerator * 100, denominator) if denominator else None


def band_for(
    bands: Sequence[Band], shortfall: Fraction, counted_minutes: int | None
) -> Decimal | None:
    """The band's percentage for a missed result; a minutes band replaces the shortfall band."""
    if counted_minutes is not None:
        for band in bands:
            if band.measure == BandMeasure.COUNTED_MINUTES and band.holds(counted_minutes):
                return band.percentage
    for band in bands:
        if band.measure == BandMeasure.SHORTFALL and band.holds(shortfall):
            return band.percentage
    return None


def pct_text(value: Fraction | None) -> str | None:
    """A percentage with four decimals, rounded half-up ("99.4982"), or None."""
    if value is None:
        return None
    return str(round_cents(value.numerator * 10_000, value.denominator).scaleb(-2))


def decimal_text(value: Decimal | None) -> str | None:
    """A stored percentage (target, band) with four decimals ("99.5000"), or None."""
    return None if value is None else str(value.quantize(FOUR_PLACES))


def percent_of(amount: Decimal, percentage: Decimal) -> Decimal:
    """`percentage` % of `amount`, rounded once to the centavo (in integers: amount x percentage
    / 100 reais is amount x percentage centavos)."""
    amount_n, amount_d = amount.as_integer_ratio()
    pct_n, pct_d = percentage.as_integer_ratio()
    return round_cents(amount_n * pct_n, amount_d * pct_d)


@dataclass(frozen=True)
class LineBase:
    """What an adjustment needs of a statement line: its access, lot and amount due."""

    link_id: int
    circuit_id: str
    lot_id: int
    amount_due: Decimal


def lot_spread(total: Decimal, lines: Sequence[LineBase]) -> dict[int, Decimal]:
    """A lot adjustment over the carrier's lines in proportion to their amount_due, largest
    remainder to the centavo, ties by circuit id. Returns {link id: part}."""
    ordered = sorted(lines, key=lambda line: line.circuit_id)
    parts = spread(total, [line.amount_due for line in ordered])
    return {line.link_id: part for line, part in zip(ordered, parts, strict=True)}


Month = tuple[int, int]


def month_index(month: Month) -> int:
    return month[0] * 12 + month[1] - 1


def month_label(month: Month) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


@dataclass(frozen=True)
class Breach:
    rule: str  # BreachRule
    months: tuple[Month, ...]


def breaches(
    outcomes: Sequence[tuple[Month, bool | None]],
    *,
    consumed: set[Month],
    run_length: int,
    window_count: int,
    window_months: int,
) -> list[Breach]:
    """Repeated breaches in final months in calendar order, (month, missed?) with None for not
    applicable. A month already evidence of a breach (`consumed`) is never evidence again and
    breaks a run; so does a month without final results (a gap). A run of `run_length` misses
    (not-applicable months skipped) is a breach; otherwise `window_count` misses within
    `window_months` consecutive months are."""
    used = set(consumed)
    found: list[Breach] = []
    run: list[Month] = []
    misses: list[Month] = []
    previous: Month | None = None
    for month, missed in outcomes:
        if previous is not None and month_index(month) != month_index(previous) + 1:
            run = []
        previous = month
        if missed is None:
            continue
        if not missed or month in used:
            run = []
            continue
        run.append(month)
        misses.append(month)
        if len(run) == run_length:
            found.append(Breach(BreachRule.RUN, tuple(run)))
        else:
            recent = [
                m
                for m in misses
                if m not in used and month_index(month) - month_index(m) < window_months
            ]
            if len(recent) < window_count:
                continue
            found.append(Breach(BreachRule.WINDOW, tuple(recent)))
        used.update(found[-1].months)
        run = []
    return found
