"""The arithmetic of a statement line (docs/domain.md section 5), as pure functions.

Everything here is exact: prices are Decimals, minutes are integers, proportions are integer
ratios, and each amount is rounded once, half-up, by `core.money.round_cents` (the integer
form of `round_brl`). The caller (services) gathers the inputs from the database in bulk and
stores the outputs with their inputs.

- Every instant is truncated to its minute before anything else; windows are half-open.
- `amount_due` = sum over price segments of price x segment minutes / month minutes.
- `discount` = sum over segments of price x counted minutes / divisor (month minutes, or the
  fixed 43 200 where the contract says so), capped by amount_due.
- Deductions in order, each capped by what is left: discount, IMR adjustment, fines, then
  corrections (a positive one is capped and its rest carries on; a negative one is paid in full).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

# active_window: [activated_at, cancelled_at) ∩ the month, shared with the IMR's availability.
from core.instants import active_window as active_window
from core.instants import local_midnight, truncate_minute
from core.money import round_cents, whole_cents

RULE_VERSION = "dominio-5/2026-11"
# Each rule version a line may have been computed with (stored in its inputs), in words.
RULE_NAMES = {
    RULE_VERSION: (
        "valor devido pelos minutos ativos do mês e desconto pelos minutos indisponíveis"
        " (regra de novembro de 2026)"
    ),
}


def rule_name(version: str) -> str:
    """A rule version as the screen says it; an unknown one as stored."""
    return RULE_NAMES.get(version, version)


ANATEL_DIVISOR = 43_200
ZERO = Decimal("0.00")


class MissingPrice(Exception):
    """No price item is in force for a segment: an error, never a zero."""


@dataclass(frozen=True)
class State:
    """What a link was over an interval: the key of its price (lot, speed, region, access)."""

    start: datetime | None  # None: since before any revision
    speed_mbps: int
    contract_id: int
    lot_id: int


@dataclass(frozen=True)
class PriceTable:
    """Price items of one (lot, speed, region, access type): valid_from dates and prices, sorted."""

    starts: list[datetime]  # local midnight of each valid_from
    prices: list[Decimal]
    item_ids: list[int]

    def at(self, instant: datetime) -> tuple[Decimal, int] | None:
        index = bisect.bisect_right(self.starts, instant) - 1
        if index < 0:
            return None
        return self.prices[index], self.item_ids[index]

    def changes_within(self, start: datetime, end: datetime) -> list[datetime]:
        return self.starts[
            bisect.bisect_right(self.starts, start) : bisect.bisect_left(self.starts, end)
        ]


def price_tables(items: list[tuple[int, int, int, str, str, date, Decimal]]) -> dict:
    """Rows (id, lot, speed, region, access, valid_from, price) -> {key: PriceTable}."""
    grouped: dict[tuple, list[tuple[datetime, Decimal, int]]] = {}
    for item_id, lot, speed, region, access, valid_from, price in items:
        grouped.setdefault((lot, speed, region, access), []).append(
            (local_midnight(valid_from), price, item_id)
        )
    return {
        key: PriceTable([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
        for key, rows in ((k, sorted(v)) for k, v in grouped.items())
    }


@dataclass(frozen=True)
class Segment:
    start: datetime
    end: datetime
    price: Decimal
    price_item_id: int
    speed_mbps: int
    contract_id: int
    lot_id: int
    minutes: int = field(init=False)
    cents: int = field(init=False)  # the price in whole centavos

    def __post_init__(self) -> None:
        object.__setattr__(self, "minutes", int((self.end - self.start).total_seconds()) // 60)
        object.__setattr__(self, "cents", _cents(self.price))


def segments(
    window: tuple[datetime, datetime],
    states: list[State],
    region: str,
    access_type: str,
    tables: dict,
) -> list[Segment]:
    """The active window cut wherever the price in force changes: at a revision (speed, contract
    move) and at a price item's valid_from. Raises MissingPrice naming what has no price."""
    start, end = window
    cuts = {start, end}
    for state in states[1:]:  # only the first state may lack a start
        instant = truncate_minute(state.start)  # type: ignore[arg-type]
        if start < instant < end:
            cuts.add(instant)
    bounds = sorted(cuts)
    result: list[Segment] = []
    for piece_start, piece_end in itertools.pairwise(bounds):
        state = _state_at(states, piece_start)
        key = (state.lot_id, state.speed_mbps, region, access_type)
        table = tables.get(key)
        inner = [
            piece_start,
            *(table.changes_within(piece_start, piece_end) if table else []),
            piece_end,
        ]
        for a, b in itertools.pairwise(inner):
            found = table.at(a) if table else None
            if found is None:
                raise MissingPrice(
                    f"sem item de preço em {a.isoformat()} para lote {state.lot_id}, "
                    f"{state.speed_mbps} Mbps, {region}, {access_type}"
                )
            price, item_id = found
            result.append(
                Segment(a, b, price, item_id, state.speed_mbps, state.contract_id, state.lot_id)
            )
    return result


def _state_at(states: list[State], instant: datetime) -> State:
    current = states[0]
    for state in states[1:]:  # only the first state may lack a start
        if truncate_minute(state.start) <= instant:  # type: ignore[arg-type]
            current = state
    return current


@dataclass
class LineAmounts:
    amount_due: Decimal
    discount: Decimal
    imr_adjustment: Decimal = ZERO
    fines: Decimal = ZERO
    corrections: Decimal = ZERO
    net: Decimal = ZERO
    # Positive corrections this month could not absorb: they carry to the next month.
    correction_carry: Decimal = ZERO
    fines_carry: Decimal = ZERO


def _cents(price: Decimal) -> int:
    """A price in whole centavos (prices are stored with two decimals)."""
    cents = price.scaleb(2)
    if cents != cents.to_integral_value():
        raise ValueError(f"price {price} has more than two decimals")
    return int(cents)


def amounts(
    segs: list[Segment],
    counted: list[int],
    *,
    month_minutes: int,
    divisors: list[int],
) -> tuple[Decimal, Decimal]:
    """amount_due and discount of a line, each rounded once; the discount capped by the due.

    Sums are exact integers (centavos x minutes over a common denominator), so each amount is
    one fraction rounded once."""
    common = math.lcm(*divisors) if divisors else 1
    discount = sum(
        seg.cents * minutes * (common // divisor)
        for seg, minutes, divisor in zip(segs, counted, divisors, strict=True)
    )
    due = amount_due(segs, month_minutes=month_minutes)
    return due, min(round_cents(discount, common), due)


def amount_due(segs: list[Segment], *, month_minutes: int) -> Decimal:
    """Sum over segments of price x segment minutes / month minutes, rounded once."""
    return round_cents(sum(seg.cents * seg.minutes for seg in segs), month_minutes)


def deduct(
    amount_due: Decimal,
    discount: Decimal,
    *,
    imr_adjustment: Decimal = ZERO,
    fines: Decimal = ZERO,
    corrections: Sequence[Decimal] = (),
) -> LineAmounts:
    """The order of deductions, each capped by what is left (docs/domain.md section 5)."""
    left = amount_due - discount
    imr = min(imr_adjustment, left)
    left -= imr
    fines_applied = min(fines, left)
    left -= fines_applied
    positive = sum((c for c in corrections if c > 0), ZERO)
    negative = sum((c for c in corrections if c < 0), ZERO)
    positive_applied = min(positive, left)
    left -= positive_applied
    applied = positive_applied + negative
    return LineAmounts(
        amount_due=amount_due,
        discount=discount,
        imr_adjustment=imr,
        fines=fines_applied,
        corrections=applied,
        net=amount_due - discount - imr - fines_applied - applied,
        correction_carry=positive - positive_applied,
        fines_carry=fines - fines_applied,
    )


SPLIT_FIELDS = ("amount_due", "discount", "imr_adjustment", "fines", "corrections")
# A member's part: its SPLIT_FIELDS amounts, then its net.
Part = tuple[Decimal, Decimal, Decimal, Decimal, Decimal, Decimal]


def split(line: LineAmounts, shares: list[Decimal]) -> list[Part]:
    """A line's amounts among consortium members by share (percent): each amount half-up per
    member, the last member taking the remainder; each member's net derived from its parts.
    A centavo of rounding that would make a member's net negative moves to the next member's
    deduction."""
    # In whole centavos throughout. A share has at most four decimals: total x share / 100 is
    # total's centavos x share x 10^4 over 10^6, exactly; the last member takes what is left.
    scaled = [int(share.scaleb(4)) for share in shares[:-1]]
    parts: list[list[int]] = [[] for _ in shares]
    for name in SPLIT_FIELDS:
        cents = _cents(getattr(line, name))
        given = 0
        for index, share in enumerate(scaled):
            given_part = whole_cents(cents * share, 100 * 10_000)
            parts[index].append(given_part)
            given += given_part
        parts[-1].append(cents - given)
    # The last member's next is the first: passes go on until no member is left negative (the
    # line's net is not, so the centavos find a member that can take them).
    moving = True
    while moving:
        moving = False
        for index, part in enumerate(parts):
            excess = -_net_cents(part)
            if excess <= 0:
                continue
            receiver = parts[(index + 1) % len(parts)]
            # corrections, fines, imr_adjustment, discount: the deductions, last one first
            for field_index in range(len(SPLIT_FIELDS) - 1, 0, -1):
                moved = min(excess, max(part[field_index], 0))
                if moved > 0:
                    part[field_index] -= moved
                    receiver[field_index] += moved
                    excess -= moved
                    moving = True
    return [
        # five SPLIT_FIELDS amounts and the net: a Part
        tuple(Decimal(cents).scaleb(-2) for cents in (*part, _net_cents(part)))  # type: ignore[misc]
        for part in parts
    ]


def _net_cents(part: list[int]) -> int:
    """A member's net: its amount_due less its deductions (SPLIT_FIELDS order)."""
    return part[0] - sum(part[1:])
