"""Instants: parsing, minute truncation, months ("AAAA-MM") and local month boundaries
(America/Sao_Paulo)."""

import argparse
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings

LOCAL_TZ = ZoneInfo(settings.TIME_ZONE)


def truncate_minute(instant: datetime) -> datetime:
    """Every instant counts from its minute (docs/domain.md section 5): drop seconds and below."""
    return instant.replace(second=0, microsecond=0)


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; without an offset it is local time (America/Sao_Paulo).

    Raises ValueError naming the text when it is not an instant.
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(f"'{text}' não é uma data/hora ISO 8601") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(f"'{text}' não é uma data ISO 8601 (aaaa-mm-dd)") from exc


def local_midnight(day: date) -> datetime:
    """00:00 of a local calendar day as an aware instant."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def local_month_of(instant: datetime) -> date:
    """The first day of the calendar month (America/Sao_Paulo) holding an instant."""
    local = instant.astimezone(LOCAL_TZ)
    return date(local.year, local.month, 1)


MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def month_parse(text: str) -> tuple[int, int]:
    """A competência written "AAAA-MM" (what `<input type="month">` sends) -> (year, month).

    The one month parser of the portal: pages, forms, commands and the API all read months here.
    Raises ValueError for anything else ("2026-13", "10/2026", "")."""
    match = MONTH.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"competência '{text}' inválida; use AAAA-MM")
    return int(match[1]), int(match[2])


TYPED_MONTH = re.compile(r"(0?[1-9]|1[0-2])/(\d{4})")


def month_read(text: str) -> tuple[int, int]:
    """A competência from a form: "AAAA-MM" (what `<input type="month">` sends) or "mm/aaaa"
    (what a person types where the browser shows a text box) -> (year, month).

    Raises ValueError for anything else, as `month_parse` does."""
    typed = TYPED_MONTH.fullmatch(text.strip())
    if typed is not None:
        return int(typed[2]), int(typed[1])
    return month_parse(text)


def month_argument(text: str) -> tuple[int, int]:
    """`month_parse` as a command's argument type (`add_argument("month", type=...)`): the
    command refuses a bad month with the parser's message."""
    try:
        return month_parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The half-open [start, end) of a calendar month between its two local midnights."""
    start = local_midnight(date(year, month, 1))
    end = local_midnight(date(year + month // 12, month % 12 + 1, 1))
    return start, end


def active_window(
    activated_at: datetime | None,
    cancelled_at: datetime | None,
    since: datetime,
    until: datetime,
) -> tuple[datetime, datetime] | None:
    """[activated_at, cancelled_at) ∩ [since, until), instants truncated to the minute first
    (docs/domain.md section 5); None when the link was not active in it. Billing's segments and the
    IMR's availability (I1) both start from this window."""
    if activated_at is None:
        return None
    start = max(truncate_minute(activated_at), since)
    end = until if cancelled_at is None else min(truncate_minute(cancelled_at), until)
    return (start, end) if start < end else None
