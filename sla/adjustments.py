"""Payment adjustments (glosas) of the IMR for the bill (docs/domain.md sections 5 and 6): the one
place where a month's bands become reais on statement lines.

- I1 (per access): the band's percentage of that line's amount_due.
- I2-I4 (per carrier and lot): the band's percentage of the carrier's amount_due in the lot (the
  sum over its lines), rounded once, then spread over those lines in proportion to their
  amount_due, largest remainder to the centavo, ties by circuit id.

The amounts here are before the bill's caps: `billing.arithmetic.deduct` caps the line's total
by what the discount left (I1 first, then I2-I4; the excess is dropped)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sla.choices import Scope
from sla.measurement import MeasuredAccesses, MonthResults, month_results
from sla.rules import LineBase, decimal_text, lot_spread, percent_of

ZERO = Decimal("0.00")


@dataclass
class LineAdjustment:
    """A line's adjustments before the caps, and what produced them (for its inputs)."""

    access: Decimal = ZERO  # I1
    lot: Decimal = ZERO  # its part of the lot's I2-I4
    inputs: dict = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return self.access + self.lot


@dataclass
class Adjustments:
    lines: dict[int, LineAdjustment]  # by link id; only lines with an adjustment
    # (code, link id or lot id) -> (base, amount) of each result in a band
    by_result: dict[tuple[str, int], tuple[Decimal, Decimal]]


def adjustments_for(results: MonthResults, lines: Sequence[LineBase]) -> Adjustments:
    """The month's bands applied to its lines (pure)."""
    by_link: dict[int | None, LineBase] = {line.link_id: line for line in lines}
    by_lot: dict[int, list[LineBase]] = defaultdict(list)
    for line in lines:
        by_lot[line.lot_id].append(line)
    adjusted: dict[int, LineAdjustment] = defaultdict(LineAdjustment)
    by_result: dict[tuple[str, int], tuple[Decimal, Decimal]] = {}
    # A month's accesses in a band share few (amount_due, band) pairs: each is figured once.
    access_amounts: dict[tuple[Decimal, Decimal], tuple[Decimal, dict[str, str | None]]] = {}
    for result in results.results:
        band = result.outcome.band
        if band is None:
            continue
        if result.scope == Scope.ACCESS:
            access_line = by_link.get(result.link_id)
            if access_line is None:
                continue
            known = access_amounts.get((access_line.amount_due, band))
            if known is None:
                amount = percent_of(access_line.amount_due, band)
                known = access_amounts[(access_line.amount_due, band)] = (
                    amount,
                    {"band": decimal_text(band), "amount": str(amount)},
                )
            amount, shown = known
            by_result[(result.code, access_line.link_id)] = (access_line.amount_due, amount)
            entry = adjusted[access_line.link_id]
            entry.access += amount
            entry.inputs[result.code] = shown
            continue
        lot_lines = by_lot.get(result.lot.lot_id, [])
        base = sum((line.amount_due for line in lot_lines), ZERO)
        total = percent_of(base, band)
        by_result[(result.code, result.lot.lot_id)] = (base, total)
        for link_id, part in lot_spread(total, lot_lines).items():
            if not part:
                continue
            entry = adjusted[link_id]
            entry.lot += part
            entry.inputs[result.code] = {
                "band": decimal_text(band),
                "lot_base": str(base),
                "lot_amount": str(total),
                "amount": str(part),
            }
    for entry in adjusted.values():
        entry.inputs["final"] = results.final
    return Adjustments(dict(adjusted), by_result)


def imr_adjustments(
    *,
    year: int,
    month: int,
    lines: Sequence[LineBase],
    now: datetime,
    accesses: MeasuredAccesses | None = None,
) -> dict[int, LineAdjustment]:
    """Billing's hook: each line's IMR adjustment in a month, by link id (lines without one are
    left out). A closed month uses its final results; an open one is measured as of `now` (with
    billing's own counts of the accesses when given)."""
    results = month_results(year=year, month=month, now=now, accesses=accesses)
    return adjustments_for(results, lines).lines
