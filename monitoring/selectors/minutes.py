"""`unavailable_minutes` is THE count of a link's unavailable minutes in a window, shared by the
IMR (sla) and billing (docs/domain.md section 5)."""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import psycopg
from django.db import connection, transaction

from core.instants import truncate_minute
from inventory.choices import AccessType
from monitoring.choices import (
    COUNTED_RESPONSIBILITIES,
)

Window = tuple[int, datetime, datetime]


MAX_PATHS = 2  # a redundant access has two


def path_count(access_type: str) -> int:
    """The paths polled for an access: two for a redundant one, else one."""
    return MAX_PATHS if access_type == AccessType.REDUNDANT else 1


@dataclass(frozen=True)
class Counted:
    """A window's counted minutes and the outages that made them."""

    minutes: int
    outage_ids: tuple[int, ...]


NOTHING_COUNTED = Counted(0, ())


def unavailable_minutes(*, windows: Sequence[Window], now: datetime) -> list[Counted]:
    """Counted minutes of each (link id, start, end) window, in the windows' order, with the
    outages counted, in one query (the windows reach PostgreSQL by COPY, so a month of 100 000
    links costs seconds).

    Counted: outages of both kinds whose responsibility is `carrier` or `pending`, clipped to the
    window; an open outage counts up to `now`. Every instant is truncated to its minute first
    (docs/domain.md section 5). A link's outages never overlap (an exclusion constraint), and
    truncation keeps them apart, so their clipped lengths add up to their union. Window bounds
    must be whole minutes.
    """
    with transaction.atomic():
        return count_unavailable(connection.connection, windows=windows, now=now)


def count_unavailable(
    raw: psycopg.Connection, *, windows: Sequence[Window], now: datetime
) -> list[Counted]:
    """`unavailable_minutes` on a psycopg connection inside a transaction, touching nothing of
    Django's: billing runs it from a second thread on its own transaction's connection while
    the first thread plans the month's segments."""
    if not windows:
        return []
    now = truncate_minute(now)
    # Only outages that can touch some window are read (history before or after the windows
    # is not); with the windows' statistics the planner probes the (link, start) index for a
    # few links and joins by hash for a month of 10^5.
    sql = """
        WITH o AS (
            SELECT id, link_id, date_trunc('minute', start) AS os,
                   date_trunc('minute', COALESCE("end", %(now)s)) AS oe
            FROM monitoring_outage
            WHERE responsibility = ANY(%(counted)s)
              AND start < %(last)s AND ("end" IS NULL OR "end" > %(first)s)
        )
        SELECT w.n, COALESCE(SUM(
            EXTRACT(EPOCH FROM LEAST(o.oe, w.we) - GREATEST(o.os, w.ws))::bigint
        -- FILTER: GREATEST and LEAST skip NULLs, so a window without outages must not sum.
        ) FILTER (WHERE o.id IS NOT NULL), 0)::bigint / 60,
        array_remove(array_agg(o.id ORDER BY o.os), NULL)
        FROM counting_windows w
        LEFT JOIN o ON o.link_id = w.link_id AND LEAST(o.oe, w.we) > GREATEST(o.os, w.ws)
        GROUP BY w.n
    """
    bounds = {
        "now": now,
        "counted": list(COUNTED_RESPONSIBILITIES),
        "first": min(start for _, start, _ in windows),
        "last": max(end for _, _, end in windows),
    }
    # A server-side binding cursor (Django's bind on the client): its results come in binary.
    with psycopg.Cursor(raw) as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS counting_windows "
            "(n integer, link_id bigint, ws timestamptz, we timestamptz) ON COMMIT DELETE ROWS"
        )
        # Windows travel with their ordinal and come back by it: no instants to parse twice.
        # Most windows share their bounds (the month's), so each instant's text is made once.
        text = functools.cache(datetime.isoformat)
        with cursor.copy("COPY counting_windows FROM STDIN") as copy:
            copy.write(
                "".join(
                    f"{n}\t{link_id}\t{text(start)}\t{text(end)}\n"
                    for n, (link_id, start, end) in enumerate(windows)
                )
            )
        cursor.execute("ANALYZE counting_windows")
        # A month of 100 000 links sorts ~10^6 outage rows: in memory, not spilled to disk.
        cursor.execute("SET LOCAL work_mem = '128MB'")
        # Binary results: 10^5 arrays of ids are read without parsing their text.
        rows = cursor.execute(sql, bounds, binary=True).fetchall()
        cursor.execute("TRUNCATE counting_windows")
    counted: list[Counted] = [NOTHING_COUNTED] * len(windows)  # every window has its row
    for n, minutes, ids in rows:
        counted[n] = Counted(int(minutes), tuple(ids)) if ids else NOTHING_COUNTED
    return counted
