"""Computing a month's statement lines in bulk: a few set-based queries gather every input
(links active in the month, their revisions, price items, counted outage minutes per price
segment, corrections), then `billing.arithmetic` turns each link's inputs into its amounts.
Nothing here writes; `billing.services` stores the results."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, Case, ExpressionWrapper, Q, QuerySet, When

from billing import arithmetic
from billing.arithmetic import LineAmounts, MissingPrice, Part, Segment, State
from billing.models import BillingPeriod, BillingSettings, Correction
from core.exceptions import DomainError
from core.instants import month_bounds
from inventory.choices import Region
from inventory.models import Link, LinkRevision, LotMember, PriceItem
from monitoring.selectors import Counted, count_unavailable, unavailable_minutes
from penalties.collection import FineBase, LineFine, fines_due
from sla.adjustments import LineAdjustment, imr_adjustments
from sla.measurement import Access, MeasuredAccesses
from sla.rules import LineBase


@dataclass
class LineResult:
    """A link's line for a month, before it is stored."""

    link_id: int
    agency_id: int
    lot_id: int
    carrier_id: int
    active_minutes: int
    outage_minutes: int
    amounts: LineAmounts
    shares: list[tuple[int, int, Decimal, Part]]  # a consortium's members; else none
    inputs: dict


def month_minutes(year: int, month: int) -> int:
    start, end = month_bounds(year, month)
    return int((end - start).total_seconds()) // 60


@dataclass
class Plan:
    """A link's line before its amounts: the link's row, its price segments (none when only a
    correction is posted) and each segment's counted minutes."""

    row: Mapping[str, Any]
    segs: list[Segment]
    counts: list[Counted]


class LineStream:
    """A computation's lines, made one by one as they are iterated (no query is made then);
    how many there are is known before."""

    def __init__(
        self,
        plans: list[Plan],
        make: Callable[[Plan], LineResult],
        accesses: MeasuredAccesses,
    ) -> None:
        self._plans = plans
        self._make = make
        # The I1 accesses with their counted minutes, as the IMR measured them for these lines
        # (closing makes the same measurement final).
        self.accesses = accesses

    def __len__(self) -> int:
        return len(self._plans)

    def __iter__(self) -> Iterator[LineResult]:
        return map(self._make, self._plans)

    def made(self, start: int, end: int) -> list[LineResult]:
        """Lines start to end (excluded), made now."""
        return [self._make(plan) for plan in self._plans[start:end]]


def compute_lines(period: BillingPeriod, *, now: datetime) -> LineStream:
    """Every line of `period` as of `now` (an open outage counts up to `now`, or the month's end
    if that comes first). Raises DomainError naming every link without a price.

    Every query runs before this returns; the lines are then made one by one without touching
    the database, so a writer can store them while the rest are still being computed."""
    start, end = month_bounds(period.year, period.month)
    corrections = _corrections_by_link(period)
    in_month = _links_in_month(start, end, corrections)
    links = _link_rows(in_month, start, end)
    states = _states(links, in_month)
    tables = _price_tables()
    figures = Figures(
        minutes_in_month=month_minutes(period.year, period.month),
        fixed_divisor=_fixed_divisor_contracts(),
    )
    windows = [_active_window(row, start, end) for row in links]
    plans = _plans(links, windows, states, tables, now)
    members = _members()
    imr, accesses = _imr_adjustments(period, plans, figures.minutes_in_month, now)
    fines = _fine_allocations(period, plans, imr, figures)
    make = LineMaker(figures, corrections, members, imr, fines, now)
    return LineStream(plans, make.line, accesses)


def _links_in_month(
    start: datetime, end: datetime, corrections: dict[int, list[Decimal]]
) -> QuerySet[Link]:
    """Links active at some minute of the month, and those with only a correction to post."""
    active = Q(activated_at__lt=end) & (Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=start))
    return Link.objects.filter(active | Q(pk__in=list(corrections)))


def _link_rows(in_month: QuerySet[Link], start: datetime, end: datetime) -> list[Mapping[str, Any]]:
    """The links' rows as the lines need them.

    Instants are read only where they fall inside the month (most links are active all of it,
    and parsing 10^5 instants costs half a second): an activation before the month is read as
    the month's start, a cancellation after it as none; the window is the same."""
    return list(
        in_month.annotate(
            activated_before=ExpressionWrapper(
                Q(activated_at__lte=start), output_field=BooleanField()
            ),
            activated_within=Case(When(activated_at__gt=start, then="activated_at")),
            cancelled_within=Case(When(cancelled_at__lt=end, then="cancelled_at")),
        ).values(
            "pk",
            "circuit_id",
            "agency_id",
            "lot_id",
            "contract_id",
            "speed_mbps",
            "access_type",
            "activated_before",
            "activated_within",
            "cancelled_within",
            "municipality__rmbh",
            "agency__code",
        )
    )


def _price_tables() -> dict:
    return arithmetic.price_tables(
        list(
            PriceItem.objects.values_list(
                "pk",
                "lot_id",
                "speed_mbps",
                "region",
                "access_type",
                "valid_from",
                "monthly_price",
            )
        )
    )


def _fixed_divisor_contracts() -> set[int]:
    """The contracts whose discounts divide by ANATEL's fixed month rather than the month's
    minutes."""
    return set(
        BillingSettings.objects.filter(fixed_divisor=True).values_list("contract_id", flat=True)
    )


def _active_window(
    row: Mapping[str, Any], start: datetime, end: datetime
) -> tuple[datetime, datetime] | None:
    """A link's minutes of the month, [from, to); None when it was active at none of them."""
    return arithmetic.active_window(
        start if row["activated_before"] else row["activated_within"],
        row["cancelled_within"],
        start,
        end,
    )


def _plans(
    links: Sequence[Mapping[str, Any]],
    windows: list[tuple[datetime, datetime] | None],
    states: dict[int, list[State]],
    tables: dict,
    now: datetime,
) -> list[Plan]:
    """Each link's price segments and their counted minutes.

    PostgreSQL counts the minutes of every active window (on this transaction's connection,
    from a second thread) while the segments are planned here: most links have one segment,
    their active window; those cut into several are counted again, segment by segment."""
    with transaction.atomic(), ThreadPoolExecutor(max_workers=1) as background:
        counting = background.submit(
            count_unavailable,
            connection.connection,
            windows=[(row["pk"], *w) for row, w in zip(links, windows, strict=True) if w],
            now=now,
        )
        priced, missing = _priced(links, windows, states, tables)
        whole = iter(counting.result())
    if missing:
        raise DomainError("Preço ausente; nada foi calculado. " + "; ".join(missing[:20]))
    plans = [
        Plan(row, segs, [next(whole)] if window else [])
        for (row, segs), window in zip(priced, windows, strict=True)
    ]
    cut = [plan for plan in plans if len(plan.segs) > 1]
    by_segment = iter(
        unavailable_minutes(
            windows=[(p.row["pk"], s.start, s.end) for p in cut for s in p.segs], now=now
        )
    )
    for plan in cut:
        plan.counts = [next(by_segment) for _ in plan.segs]
    return plans


@dataclass(frozen=True)
class Figures:
    """A line's counted minutes and divisors per segment, its amount_due and its discount."""

    minutes_in_month: int
    fixed_divisor: set[int]  # contracts dividing by ANATEL's month (`_fixed_divisor_contracts`)

    def __call__(self, plan: Plan) -> tuple[list[int], list[int], Decimal, Decimal]:
        per_segment = [c.minutes for c in plan.counts]
        divisors = [
            arithmetic.ANATEL_DIVISOR
            if s.contract_id in self.fixed_divisor
            else self.minutes_in_month
            for s in plan.segs
        ]
        due, discount = arithmetic.amounts(
            plan.segs, per_segment, month_minutes=self.minutes_in_month, divisors=divisors
        )
        return per_segment, divisors, due, discount


@dataclass(frozen=True)
class LineMaker:
    """Makes a link's line from its plan and the month's inputs gathered by `compute_lines`,
    without a query."""

    figures: Figures
    corrections: dict[int, list[Decimal]]
    members: dict[int, list[tuple[int, int, Decimal]]]  # by lot: (carrier, position, share)
    imr: dict[int, LineAdjustment]
    fines: dict[int, LineFine]
    now: datetime

    def line(self, plan: Plan) -> LineResult:
        row, segs = plan.row, plan.segs
        per_segment, divisors, due, discount = self.figures(plan)
        outage_ids = _outage_ids(plan.counts)
        adjustment = self.imr.get(row["pk"])
        fine = self.fines.get(row["pk"])
        amounts = arithmetic.deduct(
            due,
            discount,
            imr_adjustment=adjustment.total if adjustment else arithmetic.ZERO,
            fines=fine.amount if fine else arithmetic.ZERO,
            corrections=self.corrections.get(row["pk"], []),
        )
        lot_id = segs[-1].lot_id if segs else row["lot_id"]
        lot_members = self.members[lot_id]
        minutes_in_month = self.figures.minutes_in_month
        inputs = _inputs(
            segs, per_segment, divisors, minutes_in_month, amounts, self.now, outage_ids
        )
        if adjustment:
            inputs["imr"] = adjustment.inputs
        if fine:
            inputs["fines"] = fine.inputs
        return LineResult(
            link_id=row["pk"],
            agency_id=row["agency_id"],
            lot_id=lot_id,
            carrier_id=lot_members[0][0],
            active_minutes=sum(s.minutes for s in segs),
            outage_minutes=sum(per_segment),
            amounts=amounts,
            shares=_shares(amounts, lot_members),
            inputs=inputs,
        )


def _priced(
    links: Sequence[Mapping[str, Any]],
    windows: list[tuple[datetime, datetime] | None],
    states: dict[int, list[State]],
    tables: dict,
) -> tuple[list[tuple[Mapping[str, Any], list[Segment]]], list[str]]:
    """Each link with its price segments (none outside its active window), and what has no
    price, named."""
    priced: list[tuple[Mapping[str, Any], list[Segment]]] = []
    missing: list[str] = []
    for row, window in zip(links, windows, strict=True):
        if window is None:
            priced.append((row, []))
            continue
        region = Region.METRO if row["municipality__rmbh"] else Region.INTERIOR
        try:
            segs = arithmetic.segments(
                window, states[row["pk"]], region, row["access_type"], tables
            )
        except MissingPrice as exc:
            missing.append(f"{row['circuit_id']}: {exc}")
            segs = []
        priced.append((row, segs))
    return priced, missing


def _shares(
    amounts: LineAmounts, members: list[tuple[int, int, Decimal]]
) -> list[tuple[int, int, Decimal, Part]]:
    """A consortium line's parts by member (carrier, position, share, part); none for a lot
    won by one carrier, whose line is its whole bill."""
    if len(members) == 1:
        return []
    parts = arithmetic.split(amounts, [share for _, _, share in members])
    return [(*member, part) for member, part in zip(members, parts, strict=True)]


def _outage_ids(counts: list[Counted]) -> tuple[int, ...]:
    """The outages counted on a line, in order of start (segments are in time order; one
    crossing a segment's bound is named once)."""
    if len(counts) == 1:
        return counts[0].outage_ids
    return tuple(dict.fromkeys(i for c in counts for i in c.outage_ids))


def _imr_adjustments(
    period: BillingPeriod, plans: list[Plan], minutes: int, now: datetime
) -> tuple[dict[int, LineAdjustment], MeasuredAccesses]:
    """The month's IMR adjustments by link (before the caps of `deduct`), from each line's
    amount_due, and the I1 accesses measured. I1 is measured over the active window, which the
    segments partition: their counted minutes, already known, are handed over rather than
    counted again."""
    lines = []
    accesses = []
    for plan in plans:
        row, segs = plan.row, plan.segs
        if not segs:
            continue
        lines.append(
            LineBase(
                link_id=row["pk"],
                circuit_id=row["circuit_id"],
                lot_id=segs[-1].lot_id,
                amount_due=arithmetic.amount_due(segs, month_minutes=minutes),
            )
        )
        access = Access(
            link_id=row["pk"],
            circuit_id=row["circuit_id"],
            agency_id=row["agency_id"],
            agency_code=row["agency__code"],
            access_type=row["access_type"],
            lot_id=segs[-1].lot_id,
            start=segs[0].start,
            end=segs[-1].end,
        )
        whole = (
            plan.counts[0]
            if len(plan.counts) == 1
            else Counted(sum(c.minutes for c in plan.counts), _outage_ids(plan.counts))
        )
        accesses.append((access, whole))
    adjustments = imr_adjustments(
        year=period.year, month=period.month, lines=lines, now=now, accesses=accesses
    )
    return adjustments, accesses


def _fine_allocations(
    period: BillingPeriod,
    plans: list[Plan],
    imr: dict[int, LineAdjustment],
    figures: Figures,
) -> dict[int, LineFine]:
    """The month's fine installments by link: penalties spreads each lot's over what is left on
    its lines after discount and IMR (only the lines of lots with a fine due are figured here;
    the only penalties query of the computation runs here)."""
    month_fines = fines_due(year=period.year, month=period.month)
    lots = month_fines.lot_ids
    lines = []
    for plan in plans:
        row, segs = plan.row, plan.segs
        if not segs or segs[-1].lot_id not in lots:
            continue
        _, _, due, discount = figures(plan)
        adjustment = imr.get(row["pk"])
        left = arithmetic.deduct(
            due, discount, imr_adjustment=adjustment.total if adjustment else arithmetic.ZERO
        ).net
        lines.append(FineBase(row["pk"], row["circuit_id"], segs[-1].lot_id, left))
    return month_fines.allocate(lines)


def _corrections_by_link(period: BillingPeriod) -> dict[int, list[Decimal]]:
    result: dict[int, list[Decimal]] = defaultdict(list)
    for link_id, amount in Correction.objects.filter(period=period).values_list(
        "link_id", "amount"
    ):
        result[link_id].append(amount)
    return result


def _states(rows: Sequence[Mapping[str, Any]], in_month: QuerySet[Link]) -> dict[int, list[State]]:
    """Each link's successive states (speed, contract, lot), from activation through revisions.
    Revisions are chosen by a subquery: a list of 100 000 ids would cost more than the rows."""
    result = {
        row["pk"]: [State(None, row["speed_mbps"], row["contract_id"], row["lot_id"])]
        for row in rows
    }
    for link_id, at, speed, contract, lot in (
        LinkRevision.objects.filter(link__in=in_month.values("pk"))
        .order_by("link_id", "effective_at")
        .values_list("link_id", "effective_at", "speed_mbps", "contract_id", "lot_id")
    ):
        previous = result[link_id][-1]
        result[link_id].append(
            State(
                at,
                speed or previous.speed_mbps,
                contract or previous.contract_id,
                lot or previous.lot_id,
            )
        )
    return result


def _members() -> dict[int, list[tuple[int, int, Decimal]]]:
    result: dict[int, list[tuple[int, int, Decimal]]] = defaultdict(list)
    for lot_id, carrier_id, position, share in LotMember.objects.order_by(
        "lot_id", "position"
    ).values_list("lot_id", "carrier_id", "position", "share"):
        result[lot_id].append((carrier_id, position, share))
    return result


@functools.lru_cache(maxsize=4096)
def _isoformat(instant: datetime) -> str:
    """Most segments start and end at the month's bounds, and every line of a computation
    shares its instant: their text is made once."""
    return instant.isoformat()


def _inputs(
    segs: list[Segment],
    counted: list[int],
    divisors: list[int],
    minutes_in_month: int,
    line: LineAmounts,
    now: datetime,
    outage_ids: tuple[int, ...],
) -> dict:
    """What produced the line, to explain and recompute it."""
    iso = _isoformat
    return {
        "rule": arithmetic.RULE_VERSION,
        "computed_at": iso(now),
        "month_minutes": minutes_in_month,
        "segments": [
            {
                "start": iso(s.start),
                "end": iso(s.end),
                "minutes": s.minutes,
                "counted_minutes": minutes,
                "divisor": divisor,
                "price": str(s.price),
                "price_item": s.price_item_id,
                "speed_mbps": s.speed_mbps,
                "contract": s.contract_id,
                "lot": s.lot_id,
            }
            for s, minutes, divisor in zip(segs, counted, divisors, strict=True)
        ],
        "outages": outage_ids,
        "correction_carry": str(line.correction_carry),
    }
