"""The deadline clocks of service orders (docs/orders.md, "Clocks"), as pure functions of instants
and a `redegov.calendar.BusinessCalendar`.

- The clock starts at dispatch. The due date is the dispatch date (local) plus N calendar days,
  or plus N business days (`add_business_days`: start day excluded, end day included).
- The due instant is 23:59:59 local of the due date, moved to 23:59:59 of the next business day
  when the due date is not one (`roll_to_business_day`).
- A pause ("pendente órgão") moves the due instant forward by its duration in wall time; on a
  business-day clock only the part of the pause that falls on business days counts. If the moved
  instant falls on a non-business day it goes to 23:59:59 of the next business day. Each pause
  moves the due instant when it ends; an open pause moves it as it runs. What the order is
  judged against (`counting_due`) leaves out a pause that began after the due instant had
  passed: the order was late already.
- On time = stopped (the carrier's completion, once verification succeeds) at or before the due
  instant. A warning at 80% of the time allowed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from core.instants import LOCAL_TZ, local_midnight
from inventory.choices import Region
from orders.choices import NOT_COUNTED, ClockState, OrderStatus, OrderType
from redegov.calendar import BusinessCalendar

END_OF_DAY = time(23, 59, 59)
WARNING_OF = (4, 5)  # warn when 4/5 (80%) of the time allowed is used; exact arithmetic

# (order type, region) -> (days, business days?): the defaults of docs/orders.md, used
# when a contract has no `OrderDeadline` row for that kind of order.
DEFAULT_DEADLINES: dict[tuple[str, str], tuple[int, bool]] = {
    (OrderType.ACTIVATION, Region.METRO): (30, False),
    (OrderType.ACTIVATION, Region.INTERIOR): (45, False),
    (OrderType.ADDRESS_CHANGE, Region.METRO): (30, False),
    (OrderType.ADDRESS_CHANGE, Region.INTERIOR): (45, False),
    (OrderType.SPEED_CHANGE, Region.METRO): (10, False),
    (OrderType.SPEED_CHANGE, Region.INTERIOR): (10, False),
    (OrderType.CANCELLATION, Region.METRO): (5, True),
    (OrderType.CANCELLATION, Region.INTERIOR): (5, True),
}


def end_of_day(day: date) -> datetime:
    """23:59:59 local of a day, as an aware instant."""
    return datetime.combine(day, END_OF_DAY, tzinfo=LOCAL_TZ)


def roll_to_business_day(instant: datetime, calendar: BusinessCalendar) -> datetime:
    """The instant itself on a business day; otherwise 23:59:59 of the next business day."""
    day = timezone.localtime(instant, LOCAL_TZ).date()
    if calendar.is_business_day(day):
        return instant
    return end_of_day(calendar.add_business_days(day, 1))


def due_date_for(
    dispatched_at: datetime, days: int, business_days: bool, calendar: BusinessCalendar
) -> date:
    start = timezone.localtime(dispatched_at, LOCAL_TZ).date()
    if business_days:
        return calendar.add_business_days(start, days)
    return start + timedelta(days=days)


def due_instant(due_date: date, calendar: BusinessCalendar) -> datetime:
    return roll_to_business_day(end_of_day(due_date), calendar)


def counted_pause(
    start: datetime, end: datetime, business_days: bool, calendar: BusinessCalendar
) -> timedelta:
    """How far a pause over [start, end) moves the due instant."""
    if end <= start:
        return timedelta(0)
    if not business_days:
        return end - start
    counted = timedelta(0)
    day = timezone.localtime(start, LOCAL_TZ).date()
    last = timezone.localtime(end, LOCAL_TZ).date()
    while day <= last:
        if calendar.is_business_day(day):
            day_start, day_end = local_midnight(day), local_midnight(day + timedelta(days=1))
            counted += max(timedelta(0), min(end, day_end) - max(start, day_start))
        day += timedelta(days=1)
    return counted


def due_after_pause(due_at: datetime, counted: timedelta, calendar: BusinessCalendar) -> datetime:
    """The due instant moved by a pause's counted duration (unchanged by an empty one)."""
    if not counted:
        return due_at
    return roll_to_business_day(due_at + counted, calendar)


def counting_due(
    *,
    base_due_at: datetime,
    pauses: Iterable["PauseSpan"],
    business_days: bool,
    now: datetime,
    calendar: BusinessCalendar,
) -> datetime:
    """The due instant an order is judged against at `now` (on time? late yet? which month it
    counts in): the original due instant moved by each pause that began at or before the due
    instant as the earlier pauses had moved it; an ended pause by its counted duration, an open
    one by its counted duration so far (it keeps moving while the pause runs).

    A pause that began after that instant found the order late already: it still moves the due
    instant shown on the order (`Order.due_at`), but not this one, so the order counts late,
    once, at the due instant it had passed, whatever the pause's length."""
    due = base_due_at
    for pause in sorted(pauses, key=lambda p: p.started_at):
        if pause.started_at > due:
            continue
        counted = (
            pause.counted
            if pause.ended_at is not None
            else counted_pause(pause.started_at, now, business_days, calendar)
        )
        due = due_after_pause(due, counted, calendar)
    return due


CLOCK_BADGES = {
    ClockState.RUNNING: "active",
    ClockState.STOPPED_ON_TIME: "active",
    ClockState.WARNING: "ordered",
    ClockState.PAUSED: "ordered",
    ClockState.AWAITING_VERIFICATION: "ordered",
    ClockState.LATE: "late",
    ClockState.STOPPED_LATE: "late",
}


@dataclass(frozen=True)
class PauseSpan:
    started_at: datetime
    ended_at: datetime | None
    counted: timedelta


@dataclass(frozen=True)
class ClockReading:
    """What an order's page says about its clock at an instant."""

    state: str
    due_at: datetime | None  # with the open pause's part, if any
    allowed: timedelta | None  # from dispatch to the original due instant
    used: timedelta | None  # running time so far (pauses excluded), up to the stop
    paused: timedelta  # counted pause time, the open pause included
    late: bool

    @property
    def state_label(self) -> str:
        return ClockState(self.state).label

    @property
    def badge(self) -> str:
        """The CSS badge class of the state (portal.css)."""
        return CLOCK_BADGES.get(self.state, "cancelled")

    @property
    def used_pct(self) -> int | None:
        if not self.allowed or self.used is None:
            return None
        return int(100 * self.used / self.allowed)


def pause_spans(pauses: Iterable) -> list[PauseSpan]:
    """An order's pauses (`OrderPause` rows) as the clock reads them."""
    return [
        PauseSpan(p.started_at, p.ended_at, timedelta(seconds=p.counted_seconds)) for p in pauses
    ]


def clock_read(
    *,
    status: str,
    dispatched_at: datetime | None,
    base_due_at: datetime | None,
    due_at: datetime | None,
    completed_at: datetime | None,
    business_days: bool,
    pauses: Iterable[PauseSpan],
    now: datetime,
    calendar: BusinessCalendar,
) -> ClockReading:
    """The clock's state at `now` from an order's fields and its pauses."""
    pauses = list(pauses)
    if dispatched_at is None or due_at is None or base_due_at is None:
        state = ClockState.NOT_COUNTED if status in NOT_COUNTED else ClockState.NOT_STARTED
        return ClockReading(state, None, None, None, timedelta(0), late=False)
    open_counted = sum(
        (
            counted_pause(p.started_at, now, business_days, calendar)
            for p in pauses
            if p.ended_at is None
        ),
        timedelta(0),
    )
    paused = sum((p.counted for p in pauses if p.ended_at is not None), open_counted)
    effective_due = due_after_pause(due_at, open_counted, calendar)
    stop = completed_at or now
    allowed = base_due_at - dispatched_at
    used = max(timedelta(0), stop - dispatched_at - paused)
    late = stop > effective_due
    if status in NOT_COUNTED:
        state = ClockState.NOT_COUNTED
    elif completed_at is not None:
        if status == OrderStatus.COMPLETED:
            state = ClockState.AWAITING_VERIFICATION
        else:
            state = ClockState.STOPPED_LATE if late else ClockState.STOPPED_ON_TIME
    elif status == OrderStatus.PENDING_AGENCY:
        state = ClockState.PAUSED
    elif late:
        state = ClockState.LATE
    elif used * WARNING_OF[1] >= allowed * WARNING_OF[0]:
        state = ClockState.WARNING
    else:
        state = ClockState.RUNNING
    return ClockReading(state, effective_due, allowed, used, paused, late=late)
