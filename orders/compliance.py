"""Deadline compliance per carrier, lot, month and order type (I3/I4; docs/orders.md, "Clocks",
and docs/imr.md).

What counts: dispatched orders, except those cancelled by the agency or rejected, and except an
address change's linked cancellation (the pair counts once, as the address change). An order
counts once, in the month of the earlier of its stop (the carrier's completion, once verified)
and its due instant as moved by its pauses (`orders.clocks.counting_due`: an open pause moves it
as it runs, so an order paused now is not late while its moved due instant is ahead). An order
past that instant and not yet stopped counts as late in its month; a completion on time still
awaiting verification, or an order paused before its due instant, is not counted yet.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.instants import month_bounds
from orders.choices import OrderStatus
from orders.clocks import counting_due, pause_spans
from orders.models import Order, OrderPause
from orders.selectors import not_counted
from redegov.calendar import BusinessCalendar

STOPPED = frozenset({OrderStatus.VERIFIED, OrderStatus.CLOSED})


@dataclass(frozen=True)
class ComplianceRow:
    """One carrier's orders of one type in one lot. A lot is named by its own id (`lot_id`):
    its number is unique only within its contract, and two contracts in force together (a new
    phase starting while the old one ends) may each have a lot 1 won by the same carrier."""

    carrier: str
    carrier_name: str
    contract: str  # the lot's contract number
    lot_id: int
    lot: int  # the lot's number, within its contract
    lot_name: str
    order_type: str
    order_type_label: str
    on_time: int
    late: int

    @property
    def counted(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_fraction(self) -> Fraction | None:
        return Fraction(self.on_time, self.counted) if self.counted else None

    @property
    def on_time_pct(self) -> str | None:
        """A percentage with four decimals, rounded half-up ("91.6667"), or None."""
        fraction = self.on_time_fraction
        if fraction is None:
            return None
        value = Decimal(fraction.numerator * 100) / Decimal(fraction.denominator)
        return str(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def _counted_at(
    order: Order, now: datetime, calendar: BusinessCalendar
) -> tuple[datetime, bool] | None:
    """(the instant the order counts at, on time?) or None while it does not count yet."""
    due = counting_due(
        base_due_at=order.base_due_at,
        pauses=pause_spans(order.pauses.all()),
        business_days=order.deadline_business_days,
        now=now,
        calendar=calendar,
    )
    if order.status in STOPPED and order.completed_at is not None:
        return min(order.completed_at, due), order.completed_at <= due
    if due < now:
        return due, False
    return None


def compliance_rows(*, year: int, month: int, now: datetime | None = None) -> list[ComplianceRow]:
    """The month's rows, one per carrier, lot and order type that had something to count."""
    now = now or timezone.now()
    start, end = month_bounds(year, month)
    # The instant an order counts at is never before its original due instant, and never after
    # its stored one (moved by every ended pause) unless a pause is still open.
    paused = Exists(OrderPause.objects.filter(order=OuterRef("pk"), ended_at__isnull=True))
    candidates = (
        Order.objects.filter(dispatched_at__isnull=False)
        .filter(
            Q(completed_at__gte=start, completed_at__lt=end)
            | (Q(base_due_at__lt=end) & (Q(due_at__gte=start) | Q(paused)))
        )
        .select_related("carrier", "lot__contract")
        .prefetch_related("pauses")
        .order_by("pk")
    )
    calendar = BusinessCalendar()
    # (carrier code, contract number, lot number, lot id) -> {order type: [on time, late]}
    tally: dict[tuple[str, str, int, int], dict[str, list[int]]] = {}
    names: dict[tuple[str, str, int, int], tuple[str, str]] = {}
    for order in candidates:
        if not_counted(order):
            continue
        counted = _counted_at(order, now, calendar)
        if counted is None or not start <= counted[0] < end:
            continue
        key = (order.carrier.code, order.lot.contract.number, order.lot.number, order.lot_id)
        names[key] = (order.carrier.name, order.lot.name)
        by_type = tally.setdefault(key, {})
        by_type.setdefault(order.order_type, [0, 0])[0 if counted[1] else 1] += 1
    rows = []
    for key in sorted(tally):
        carrier, contract, lot, lot_id = key
        carrier_name, lot_name = names[key]
        rows.extend(
            ComplianceRow(
                carrier=carrier,
                carrier_name=carrier_name,
                contract=contract,
                lot_id=lot_id,
                lot=lot,
                lot_name=lot_name,
                order_type=order_type,
                order_type_label=Order(order_type=order_type).get_order_type_display(),
                on_time=on_time,
                late=late,
            )
            for order_type, (on_time, late) in sorted(tally[key].items())
        )
    return rows


def compliance_report(*, year: int, month: int, now: datetime | None = None) -> dict:
    """The JSON of `manage.py orders_compliance`: {"period", "rows": [...]}."""
    return {
        "period": f"{year:04d}-{month:02d}",
        "rows": [
            {
                "carrier": row.carrier,
                "contract": row.contract,
                "lot_id": row.lot_id,
                "lot": row.lot,
                "order_type": row.order_type,
                "counted": row.counted,
                "on_time": row.on_time,
                "late": row.late,
                "on_time_pct": row.on_time_pct,
            }
            for row in compliance_rows(year=year, month=month, now=now)
        ],
    }
