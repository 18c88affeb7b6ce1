"""Clocks the browser keeps running (static/js/portal.js): the same words on the first render,
on every refresh and on every tick, so that a clock never changes form."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django import template
from django.utils import timezone

from core.templatetags.formatting import duration_br

register = template.Library()


@dataclass(frozen=True)
class RepairClock:
    text: str  # "restam 3 h 55 min" or "em atraso há 12 min"
    late: bool
    percent: int  # of the repair time gone, 0 to 100


def repair_clock_at(*, start: datetime, due: datetime, now: datetime) -> RepairClock:
    """Whole minutes, rounded down as the browser's clock rounds them."""
    left = int((due - now).total_seconds() // 60)
    span = max((due - start).total_seconds(), 1)
    gone = min(max((now - start).total_seconds() / span, 0), 1)
    if left >= 0:
        return RepairClock(f"restam {duration_br(timedelta(minutes=left))}", False, int(gone * 100))
    return RepairClock(f"em atraso há {duration_br(timedelta(minutes=-left))}", True, 100)


@register.filter
def repair_clock(ticket) -> RepairClock:
    """The repair clock of an open ticket, now."""
    return repair_clock_at(start=ticket.start, due=ticket.due_at, now=timezone.now())
