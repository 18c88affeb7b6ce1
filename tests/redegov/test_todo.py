"""The to-do lists' words and order (redegov.todo): overdue first, then by deadline, then the
items without a deadline, oldest first; the deadline said in days, in local time."""

from datetime import date

from redegov.todo import TodoItem, due_at_instant, due_by_end_of, todo_row, todo_rows
from tests.support.time import local


def item(title: str, since_day: int = 1, **due) -> TodoItem:
    return TodoItem(title=title, detail="", url="/", since=local(2026, 11, since_day, 9, 0), **due)


def test_a_last_day_is_open_until_2359_local_and_said_in_days():
    due = item("defesa", **due_by_end_of(date(2026, 11, 19)))
    assert todo_row(due, local(2026, 11, 17, 9, 0)).words == "vence em 2 dias"
    assert todo_row(due, local(2026, 11, 18, 9, 0)).words == "vence em 1 dia"
    last = todo_row(due, local(2026, 11, 19, 23, 59))
    assert (last.overdue, last.words) == (False, "vence hoje")
    after = todo_row(due, local(2026, 11, 20, 0, 0))
    assert (after.overdue, after.words) == (True, "vencido há 1 dia")
    assert todo_row(due, local(2026, 11, 22, 8, 0)).words == "vencido há 3 dias"


def test_an_instant_deadline_is_overdue_from_that_instant():
    ticket = item("chamado", **due_at_instant(local(2026, 11, 19, 14, 0)))
    assert todo_row(ticket, local(2026, 11, 19, 13, 59)).words == "vence hoje"
    late = todo_row(ticket, local(2026, 11, 19, 14, 0))
    assert (late.overdue, late.words) == (True, "vencido hoje")


def test_an_item_without_a_deadline_shows_how_long_it_has_waited():
    assert todo_row(item("contestação", 20), local(2026, 11, 23, 8, 0)).words == (
        "aguardando há 3 dias"
    )
    assert todo_row(item("contestação", 23), local(2026, 11, 23, 18, 0)).words == (
        "aguardando desde hoje"
    )


def test_overdue_first_then_by_deadline_then_the_oldest_without_one():
    now = local(2026, 11, 20, 9, 0)
    rows = todo_rows(
        [
            item("sem prazo, recente", 18),
            item("vence depois", **due_by_end_of(date(2026, 11, 25))),
            item("vencido ontem", **due_by_end_of(date(2026, 11, 19))),
            item("sem prazo, antigo", 2),
            item("vence hoje", **due_by_end_of(date(2026, 11, 20))),
            item("vencido há dias", **due_by_end_of(date(2026, 11, 10))),
        ],
        now,
    )
    assert [row.item.title for row in rows] == [
        "vencido há dias",
        "vencido ontem",
        "vence hoje",
        "vence depois",
        "sem prazo, antigo",
        "sem prazo, recente",
    ]
