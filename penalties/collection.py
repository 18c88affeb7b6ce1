"""Collection of final fines from the statements (docs/penalties.md, "Fines and collection").

A fine is collected in installments as decided (the whole at once, or N equal installments
rounded half-up to the centavo, the last absorbing the centavos), one a month from its first
month of collection. Each installment belongs to its own month, and what a closed month could
not collect carries forward only, to the next month still open after it: in a month M, what a
fine has due is the installments of the months since the latest month before M that is still
open (exclusive) up to M (inclusive), less what those closed months collected. Months may close
in any order, so an earlier month closed after a later one collects its own installment, never
the later one's, and the later one never collects the earlier one's. A lot's fines due are
spread over the lot's statement lines in proportion to what is left on each after discount and
IMR (largest remainder, ties by circuit id), never more than that; what the lines collect is
attributed to the lot's fines oldest final decision first.

`fines_due` is billing's one hook: it reads the month's dues once, and its `allocate` turns
them into each line's `fines` (before the caps of `billing.arithmetic.deduct`, which it never
exceeds) and the inputs to record on the line."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from core.money import round_brl, spread
from penalties.choices import ProceedingStatus
from penalties.models import Collection, CollectionMonth, Proceeding

ZERO = Decimal("0.00")


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def installment_amounts(total: Decimal, count: int) -> list[Decimal]:
    """`count` equal installments of `total`, each rounded half-up to the centavo, the last
    absorbing the difference."""
    each = round_brl(total / count) if count > 1 else total
    return [each] * (count - 1) + [total - each * (count - 1)]


def scheduled_between(
    *, total: Decimal, installments: int, first_month: date, start: int, end: int
) -> Decimal:
    """The installments scheduled in the months `start` to `end` (month indexes, both
    included)."""
    first = month_index(first_month.year, first_month.month)
    amounts = installment_amounts(total, installments)
    return sum(amounts[max(start - first, 0) : max(end - first + 1, 0)], ZERO)


def carry_start(*, first: int, month: int, closed: set[int]) -> int:
    """The first month whose installment (or carry) a month may collect: the one after the
    latest month before it, from the fine's first month on, that is still open (that month
    collects its own installment and what came before it when it closes); the fine's first month
    when every month since is closed."""
    start = month
    while start > first and start - 1 in closed:
        start -= 1
    return start


def due_in_month(*, left: Decimal, scheduled: Decimal, collected_since: Decimal) -> Decimal:
    """What a fine has due in a month: the installments since its carry started less what the
    closed months since collected, never more than what is left of the fine nor below zero."""
    return max(min(scheduled - collected_since, left), ZERO)


def attribute(collected: Decimal, dues: Sequence[Decimal]) -> list[Decimal]:
    """What a lot's lines collected, given to its fines in order (each up to its due)."""
    parts = []
    for due in dues:
        part = min(due, collected)
        parts.append(part)
        collected -= part
    return parts


@dataclass(frozen=True)
class FineBase:
    """A statement line as the allocation sees it: what is left on it after discount and IMR."""

    link_id: int
    circuit_id: str
    lot_id: int
    left: Decimal


@dataclass(frozen=True)
class FineDue:
    proceeding_id: int
    number: str
    lot_id: int
    due: Decimal


@dataclass
class LineFine:
    """A line's fines (already within what is left on it) and what produced them."""

    amount: Decimal
    inputs: dict = field(default_factory=dict)


@dataclass
class MonthFines:
    """The fines due in one month, by lot (oldest final decision first)."""

    year: int
    month: int
    by_lot: dict[int, list[FineDue]]

    @property
    def lot_ids(self) -> set[int]:
        return set(self.by_lot)

    def allocate(self, lines: Sequence[FineBase]) -> dict[int, LineFine]:
        """Each line's fines this month, by link id (lines without any are left out)."""
        lines_by_lot: dict[int, list[FineBase]] = defaultdict(list)
        for line in lines:
            lines_by_lot[line.lot_id].append(line)
        result: dict[int, LineFine] = {}
        for lot_id, dues in self.by_lot.items():
            lot_lines = sorted(lines_by_lot.get(lot_id, []), key=lambda line: line.circuit_id)
            due = sum((d.due for d in dues), ZERO)
            capacity = sum((line.left for line in lot_lines), ZERO)
            collected = min(due, capacity)
            parts = spread(collected, [line.left for line in lot_lines])
            by_fine = attribute(collected, [d.due for d in dues])
            explained = {
                "lot_due": str(due),
                "lot_left": str(capacity),
                "lot_collected": str(collected),
                "proceedings": [
                    {"number": d.number, "due": str(d.due), "collected": str(part)}
                    for d, part in zip(dues, by_fine, strict=True)
                ],
            }
            for line, part in zip(lot_lines, parts, strict=True):
                if part:
                    result[line.link_id] = LineFine(part, {"amount": str(part), **explained})
        return result

    def attributed(self, applied_by_lot: dict[int, Decimal]) -> list[tuple[FineDue, Decimal]]:
        """(fine, collected) of every fine due, given what each lot's lines applied."""
        return [
            (due, part)
            for lot_id, dues in self.by_lot.items()
            for due, part in zip(
                dues,
                attribute(applied_by_lot.get(lot_id, ZERO), [d.due for d in dues]),
                strict=True,
            )
        ]


def fines_due(*, year: int, month: int) -> MonthFines:
    """Billing's hook: the fines being collected that have something due in (year, month).
    The month's own collections (when it is closed and computed again) are left out."""
    first_day = date(year, month, 1)
    this = month_index(year, month)
    proceedings = list(
        Proceeding.objects.filter(
            status=ProceedingStatus.COLLECTING, first_month__lte=first_day
        ).order_by("final_at", "pk")
    )
    closed = {
        month_index(y, m)
        for y, m in CollectionMonth.objects.filter(year__lte=year).values_list("year", "month")
    } - {this}
    collected: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for proceeding_id, y, m, amount in (
        Collection.objects.filter(proceeding__in=proceedings)
        .exclude(year=year, month=month)
        .values_list("proceeding_id", "year", "month", "collected")
    ):
        collected[proceeding_id][month_index(y, m)] = amount
    by_lot: dict[int, list[FineDue]] = defaultdict(list)
    for p in proceedings:
        mine = collected[p.pk]
        start = carry_start(
            first=month_index(p.first_month.year, p.first_month.month), month=this, closed=closed
        )
        due = due_in_month(
            left=p.amount - sum(mine.values(), ZERO),
            scheduled=scheduled_between(
                total=p.amount,
                installments=p.installments,
                first_month=p.first_month,
                start=start,
                end=this,
            ),
            collected_since=sum((v for k, v in mine.items() if start <= k < this), ZERO),
        )
        if due:
            by_lot[p.lot_id].append(FineDue(p.pk, p.number, p.lot_id, due))
    return MonthFines(year, month, dict(by_lot))
