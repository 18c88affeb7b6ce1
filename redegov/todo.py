"""The home pages' to-do lists: what waits for a person (or their role), each item with its
deadline, overdue ones first. Each app's selectors build their own items (`<noun>_todo(*, user,
now)`, reading through `redegov.access.restrict`), so an item leaves the list as soon as its
row is no longer waiting; this module holds only the item's shape, its deadline's words and the
order of a list."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from core.instants import local_midnight


@dataclass(frozen=True)
class TodoItem:
    """One thing to do: what (`title`, `detail`), where to do it (`url`), since when it waits
    and its deadline: `due_day` is the last day shown, `due_at` the first instant it is overdue
    (an instant deadline such as a ticket's repair time, or 00:00 after a last day). Items
    without a deadline in the contract (a dispute, an opinion) have neither and show their age."""

    title: str
    detail: str
    url: str
    since: datetime
    due_day: date | None = None
    due_at: datetime | None = None


def due_by_end_of(day: date) -> dict[str, object]:
    """The deadline fields of an item open until 23:59:59 local of `day`."""
    return {"due_day": day, "due_at": local_midnight(day + timedelta(days=1))}


def due_at_instant(instant: datetime) -> dict[str, object]:
    """The deadline fields of an item due at an instant (shown on its local day)."""
    return {"due_day": timezone.localdate(instant), "due_at": instant}


def _days(count: int) -> str:
    return "1 dia" if count == 1 else f"{count} dias"


@dataclass(frozen=True)
class TodoRow:
    """An item as its list shows it, at one instant."""

    item: TodoItem
    overdue: bool
    words: str  # "vence em 2 dias", "vence hoje", "vencido há 3 dias", "aguardando há 4 dias"


def todo_row(item: TodoItem, now: datetime) -> TodoRow:
    today = timezone.localdate(now)
    if item.due_at is None or item.due_day is None:
        waiting = (today - timezone.localdate(item.since)).days
        words = "desde hoje" if waiting <= 0 else f"há {_days(waiting)}"
        return TodoRow(item, False, f"aguardando {words}")
    if now >= item.due_at:
        late = (today - item.due_day).days
        return TodoRow(item, True, "vencido hoje" if late <= 0 else f"vencido há {_days(late)}")
    left = (item.due_day - today).days
    return TodoRow(item, False, "vence hoje" if left <= 0 else f"vence em {_days(left)}")


def todo_rows(items: Iterable[TodoItem], now: datetime) -> list[TodoRow]:
    """The items in the order a list shows them: overdue first (the longest overdue on top),
    then by deadline, then those without one, the oldest first."""
    rows = [todo_row(item, now) for item in items]
    rows.sort(
        key=lambda row: (
            not row.overdue,
            row.item.due_at is None,
            row.item.due_at or row.item.since,
            row.item.since,
        )
    )
    return rows
