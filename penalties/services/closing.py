"""A month's closing for the fines: `fines_month_close` records what its statements collected of
each fine (final) and ends the fines paid or left over at the contract's end."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from penalties.choices import ProceedingStatus as S
from penalties.collection import ZERO, MonthFines, fines_due, month_index
from penalties.models import (
    Collection,
    CollectionMonth,
    PenaltySettings,
    Proceeding,
)
from penalties.services.transitions import proceeding_transition


@transaction.atomic
def fines_month_close(
    *, year: int, month: int, applied_by_lot: dict[int, Decimal], now: datetime
) -> list[Collection]:
    """At a month's closing (billing calls this in the closing transaction): record what its
    statement lines collected of each fine (`applied_by_lot`: the lines' fines summed by lot)
    and what carries on, as final; end the fines paid in full; and at the contract's end mark
    what is left for the guarantee (up to its amount) or judicial collection. Twice does
    nothing."""
    _, created = CollectionMonth.objects.get_or_create(
        year=year, month=month, defaults={"closed_at": now}
    )
    if not created:
        return []
    month_fines: MonthFines = fines_due(year=year, month=month)
    records = [
        Collection.objects.create(
            proceeding_id=due.proceeding_id,
            year=year,
            month=month,
            due=due.due,
            collected=part,
            carried=due.due - part,
        )
        for due, part in month_fines.attributed(applied_by_lot)
    ]
    closed = {month_index(y, m) for y, m in CollectionMonth.objects.values_list("year", "month")}
    for proceeding in (
        Proceeding.objects.filter(status=S.COLLECTING)
        .select_related("contract")
        .order_by("final_at", "pk")
    ):
        left = proceeding.amount - _collected(proceeding)
        if not left:
            proceeding_transition(proceeding=proceeding, to=S.PAID, user=None, at=now)
        elif _contract_months_closed(proceeding, closed):
            _leftover_mark(proceeding, left, now)
    return records


def _contract_months_closed(proceeding: Proceeding, closed: set[int]) -> bool:
    """Whether every month from the fine's first month to its contract's last one is closed:
    only then is what is left of it a leftover (months close in any order, and an earlier month
    still open collects its own installment)."""
    end = proceeding.contract.end_date
    first = month_index(proceeding.first_month.year, proceeding.first_month.month)
    return all(index in closed for index in range(first, month_index(end.year, end.month) + 1))


def _collected(proceeding: Proceeding) -> Decimal:
    return proceeding.collections.aggregate(total=Sum("collected"))["total"] or ZERO


def _leftover_mark(proceeding: Proceeding, left: Decimal, now: datetime) -> None:
    """What is left of a fine when its contract ended: to the contract's guarantee while it
    lasts (fines in order of their final decision), the rest to judicial collection."""
    guarantee = (
        PenaltySettings.objects.filter(contract=proceeding.contract)
        .values_list("guarantee", flat=True)
        .first()
        or ZERO
    )
    used = (
        Proceeding.objects.filter(contract=proceeding.contract).aggregate(
            total=Sum("leftover_guarantee")
        )["total"]
        or ZERO
    )
    to_guarantee = min(left, max(guarantee - used, ZERO))
    proceeding.leftover_guarantee = to_guarantee
    proceeding.leftover_judicial = left - to_guarantee
    proceeding.save(update_fields=["leftover_guarantee", "leftover_judicial"])
    to = S.JUDICIAL if proceeding.leftover_judicial else S.GUARANTEE
    proceeding_transition(proceeding=proceeding, to=to, user=None, at=now)
