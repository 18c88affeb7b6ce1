"""Computing a month's statement lines in bulk: a few set-based queries gather every input
(links active in the month, their revisions, price items, counted outage minutes per price
segment, corrections), then `billing.arithmetic` turns each link's inputs into its amounts.
Nothing here writes; `billing.services` stores the results."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet

from billing import arithmetic
from billing.arithmetic import LineAmounts, MissingPrice, Segment, State
from billing.models import BillingPeriod, BillingSettings, Correction
from inventory.choices import Region
from inventory.models import Link, LinkRevision, LotMember, PriceItem
from monitoring.selectors import Counted, Window, unavailable_minutes
from penalties.collection import FineBase, LineFine, fines_due
from redegov.exceptions import DomainError
from redegov.instants import month_bounds
from sla.adjustments import LineAdjustment, imr_adjustments
from sla.measurement import Access
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
    shares: list[tuple[int, int, Decimal, dict[str, Decimal]]]  # carrier, position, share, parts
    inputs: dict


def month_minutes(year: int, month: int) -> int:
    start, end = month_bounds(year, month)
    return int((end - start).total_seconds()) // 60


class LineStream:
    """A computation's lines, made one by one as they are iterated (no query is made then);
    how many there are is known before."""

    def __init__(self, plans: list[tuple[dict, list[Segment]]], make) -> None:
        self._plans = plans
        self._make = make

    def __len__(self) -> int:
        return len(self._plans)

    def __iter__(self) -> Iterator[LineResult]:
        return (self._make(row, segs) for row, segs in self._plans)


def compute_lines(period: BillingPeriod, *, now: datetime) -> LineStream:
    """Every line of `period` as of `now` (an open outage counts up to `now`, or the month's end
    if that comes first). Raises DomainError naming every link without a price.

    Every query runs before this returns; the lines are then made one by one without touching
    the database, so a writer can store them while the rest are still being computed."""
    start, end = month_bounds(period.year, period.month)
    minutes_in_month = month_minutes(period.year, period.month)
    corrections = _corrections_by_link(period)
    # Links active at some minute of the month, and those with only a correction to post.
    active = Q(activated_at__lt=end) & (Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=start))
    in_month = Link.objects.filter(active | Q(pk__in=list(corrections)))
    links = list(
        in_month.values(
            "pk",
            "circuit_id",
            "agency_id",
            "lot_id",
            "contract_id",
            "speed_mbps",
            "access_type",
            "activated_at",
            "cancelled_at",
            "municipality__rmbh",
            "agency__code",
        )
    )
    states = _states(links, in_month)
    tables = arithmetic.price_tables(
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
    fixed_divisor = set(
        BillingSettings.objects.filter(fixed_divisor=True).values_list("contract_id", flat=True)
    )
    plans: list[tuple[dict, list[Segment]]] = []
    missing: list[str] = []
    for row in links:
        window = arithmetic.active_window(row["activated_at"], row["cancelled_at"], start, end)
        if window is None:
            plans.append((row, []))
            continue
        region = Region.METRO if row["municipality__rmbh"] else Region.INTERIOR
        try:
            segs = arithmetic.segments(
                window, states[row["pk"]], region, row["access_type"], tables
            )
        except MissingPrice as exc:
            missing.append(f"{row['circuit_id']}: {exc}")
            continue
        plans.append((row, segs))
    if missing:
        raise DomainError("Preço ausente; nada foi calculado. " + "; ".join(missing[:20]))
    counted = unavailable_minutes(
        windows=[(row["pk"], s.start, s.end) for row, segs in plans for s in segs], now=now
    )
    members = _members()
    imr = _imr_adjustments(period, plans, counted, minutes_in_month, now)

    def figures(row: dict, segs: list[Segment]) -> tuple[list[int], list[int], Decimal, Decimal]:
        """A line's counted minutes and divisors per segment, amount_due and discount."""
        per_segment = [counted[(row["pk"], s.start, s.end)].minutes for s in segs]
        divisors = [
            arithmetic.ANATEL_DIVISOR if s.contract_id in fixed_divisor else minutes_in_month
            for s in segs
        ]
        due, discount = arithmetic.amounts(
            segs, per_segment, month_minutes=minutes_in_month, divisors=divisors
        )
        return per_segment, divisors, due, discount

    fines = _fine_allocations(period, plans, imr, figures)

    def line(row: dict, segs: list[Segment]) -> LineResult:
        per_segment, divisors, due, discount = figures(row, segs)
        outage_ids = sorted(
            {i for s in segs for i in counted[(row["pk"], s.start, s.end)].outage_ids}
        )
        adjustment = imr.get(row["pk"])
        fine = fines.get(row["pk"])
        amounts = arithmetic.deduct(
            due,
            discount,
            imr_adjustment=adjustment.total if adjustment else arithmetic.ZERO,
            fines=fine.amount if fine else arithmetic.ZERO,
            corrections=corrections.get(row["pk"], []),
        )
        lot_id = segs[-1].lot_id if segs else row["lot_id"]
        lot_members = members[lot_id]
        parts = arithmetic.split(amounts, [share for _, _, share in lot_members])
        return LineResult(
            link_id=row["pk"],
            agency_id=row["agency_id"],
            lot_id=lot_id,
            carrier_id=lot_members[0][0],
            active_minutes=sum(s.minutes for s in segs),
            outage_minutes=sum(per_segment),
            amounts=amounts,
            shares=[
                (carrier, position, share, part)
                for (carrier, position, share), part in zip(lot_members, parts, strict=True)
            ],
            inputs=_inputs(segs, per_segment, divisors, minutes_in_month, amounts, now, outage_ids)
            | ({"imr": adjustment.inputs} if adjustment else {})
            | ({"fines": fine.inputs} if fine else {}),
        )

    return LineStream(plans, line)


def _imr_adjustments(
    period: BillingPeriod,
    plans: list[tuple[dict, list[Segment]]],
    counted: dict[Window, Counted],
    minutes: int,
    now: datetime,
) -> dict[int, LineAdjustment]:
    """The month's IMR adjustments by link (before the caps of `deduct`), from each line's
    amount_due. I1 is measured over the active window, which the segments partition: their
    counted minutes, already known, are handed over rather than counted again."""
    lines = []
    accesses = []
    for row, segs in plans:
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
        pieces = [counted[(row["pk"], s.start, s.end)] for s in segs]
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
        whole = Counted(
            sum(p.minutes for p in pieces),
            tuple(sorted({i for p in pieces for i in p.outage_ids})),
        )
        accesses.append((access, whole))
    return imr_adjustments(
        year=period.year, month=period.month, lines=lines, now=now, accesses=accesses
    )


def _fine_allocations(
    period: BillingPeriod,
    plans: list[tuple[dict, list[Segment]]],
    imr: dict[int, LineAdjustment],
    figures: Callable[[dict, list[Segment]], tuple[list[int], list[int], Decimal, Decimal]],
) -> dict[int, LineFine]:
    """The month's fine installments by link: penalties spreads each lot's over what is left on
    its lines after discount and IMR (only the lines of lots with a fine due are figured here;
    the only penalties query of the computation runs here)."""
    month_fines = fines_due(year=period.year, month=period.month)
    lots = month_fines.lot_ids
    lines = []
    for row, segs in plans:
        if not segs or segs[-1].lot_id not in lots:
            continue
        _, _, due, discount = figures(row, segs)
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


def _states(rows: list[dict], in_month: QuerySet[Link]) -> dict[int, list[State]]:
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
    outage_ids: list[int],
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
