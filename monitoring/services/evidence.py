"""Evidence over time: each cycle's echoes and each SNMP reading land in the link's 5-minute
`PollWindow`, in one statement per call (arrays bound as parameters, no row-by-row ORM), and
the monthly partitions they land in are made ahead and dropped after the retention.

Both writes are safe to repeat in their callers' terms: echoes are added once per cycle because
`cycle_record` runs once per cycle id (its shard's cursor), and an SNMP reading replaces the
window's reading, so polling twice in a window keeps the later one."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import psycopg
from django.conf import settings
from django.db import connection, transaction
from psycopg.types.numeric import Int8

from core.instants import local_month_of, month_bounds
from monitoring.engine import window_start_of
from monitoring.models import EVIDENCE_WINDOW_MINUTES, cycle_bits_kept

# Months whose partition this process has seen committed: checked once per month, not per cycle.
_partitions: set[date] = set()


@dataclass(frozen=True)
class EchoRow:
    link_id: int
    path: int
    sent: int
    received: int
    rtt_sum_us: int
    rtt_min_us: int | None
    rtt_max_us: int | None


@dataclass(frozen=True)
class SnmpRow:
    link_id: int
    path: int
    uptime_ticks: int | None
    oper_status: int | None
    high_speed_mbps: int | None
    in_octets: int | None
    out_octets: int | None


def cycle_bit(instant: datetime, length: timedelta) -> int:
    """The bit of a cycle in its window's `polled_cycles` and `failed_cycles`; 0 for cycles
    shorter than 5 s (300 s / 63 bits: tests and benchmarks only), whose windows keep their sums
    but cannot be replayed by `verify_outages`."""
    if not cycle_bits_kept(length):
        return 0
    return 1 << (instant - window_start_of(instant, EVIDENCE_WINDOW_MINUTES)) // length


def _partition_ensure(instant: datetime) -> None:
    """The month partition holding `instant` exists (made by the SQL function the migration
    installed, under a lock, so shards racing at a month's turn make it once)."""
    month = local_month_of(instant)
    if month in _partitions:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT monitoring_pollwindow_partition(%s)", [month])
    transaction.on_commit(lambda: _partitions.add(month))


def _execute_binary(sql: str, params: dict) -> None:
    """Run a bulk statement with its arrays bound on the server in binary (`%(name)b`): 10^5
    rows of a cycle are neither rendered into the SQL text nor parsed back from it (Django's
    cursor binds on the client). Same connection and transaction as the caller's."""
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)


def poll_windows_add_echoes(
    *, rows: Sequence[EchoRow], instant: datetime, length: timedelta
) -> None:
    """Add one cycle's echoes to the window holding `instant`: sums, extremes, the cycle's bit
    (and its failed bit where no echo came back) and the last reply. The caller holds the
    cycle's transaction."""
    if not rows:
        return
    _partition_ensure(instant)
    bit = Int8(cycle_bit(instant, length))
    _execute_binary(
        """
        INSERT INTO monitoring_pollwindow AS w
            (link_id, path, start, echoes_sent, echoes_received, rtt_sum_us, rtt_min_us,
             rtt_max_us, polled_cycles, failed_cycles, last_reply_at)
        SELECT link_id, path, %(start)s, sent, received, rtt, rtt_min, rtt_max, %(bit)s,
               CASE WHEN received = 0 THEN %(bit)s ELSE 0 END,
               CASE WHEN received > 0 THEN %(instant)s::timestamptz END
        FROM unnest(%(links)b::bigint[], %(paths)b::smallint[], %(sent)b::int[],
                    %(received)b::int[], %(rtt)b::bigint[], %(rtt_min)b::int[],
                    %(rtt_max)b::int[])
            AS r(link_id, path, sent, received, rtt, rtt_min, rtt_max)
        ON CONFLICT (link_id, path, start) DO UPDATE SET
            echoes_sent = w.echoes_sent + EXCLUDED.echoes_sent,
            echoes_received = w.echoes_received + EXCLUDED.echoes_received,
            rtt_sum_us = w.rtt_sum_us + EXCLUDED.rtt_sum_us,
            rtt_min_us = LEAST(w.rtt_min_us, EXCLUDED.rtt_min_us),
            rtt_max_us = GREATEST(w.rtt_max_us, EXCLUDED.rtt_max_us),
            polled_cycles = w.polled_cycles | EXCLUDED.polled_cycles,
            failed_cycles = w.failed_cycles | EXCLUDED.failed_cycles,
            last_reply_at = COALESCE(EXCLUDED.last_reply_at, w.last_reply_at)
        """,
        {
            "start": window_start_of(instant, EVIDENCE_WINDOW_MINUTES),
            "instant": instant,
            "bit": bit,
            "links": [row.link_id for row in rows],
            "paths": [row.path for row in rows],
            "sent": [row.sent for row in rows],
            "received": [row.received for row in rows],
            "rtt": [row.rtt_sum_us for row in rows],
            "rtt_min": [row.rtt_min_us for row in rows],
            "rtt_max": [row.rtt_max_us for row in rows],
        },
    )


def poll_windows_set_snmp(*, rows: Sequence[SnmpRow], polled_at: datetime) -> None:
    """Keep an SNMP reading (counters, uptime, interface status and speed) in the window
    holding `polled_at`, replacing an earlier reading of the same window."""
    if not rows:
        return
    _partition_ensure(polled_at)
    _execute_binary(
        """
        INSERT INTO monitoring_pollwindow AS w
            (link_id, path, start, echoes_sent, echoes_received, rtt_sum_us,
             polled_cycles, failed_cycles, snmp_at, uptime_ticks, oper_status,
             high_speed_mbps, in_octets, out_octets)
        SELECT link_id, path, %(start)s, 0, 0, 0, 0, 0, %(at)s, uptime, oper, speed, in_o, out_o
        FROM unnest(%(links)b::bigint[], %(paths)b::smallint[], %(uptime)b::bigint[],
                    %(oper)b::smallint[], %(speed)b::int[], %(in)b::numeric[],
                    %(out)b::numeric[])
            AS r(link_id, path, uptime, oper, speed, in_o, out_o)
        ON CONFLICT (link_id, path, start) DO UPDATE SET
            snmp_at = EXCLUDED.snmp_at,
            uptime_ticks = EXCLUDED.uptime_ticks,
            oper_status = EXCLUDED.oper_status,
            high_speed_mbps = EXCLUDED.high_speed_mbps,
            in_octets = EXCLUDED.in_octets,
            out_octets = EXCLUDED.out_octets
        """,
        {
            "start": window_start_of(polled_at, EVIDENCE_WINDOW_MINUTES),
            "at": polled_at,
            "links": [row.link_id for row in rows],
            "paths": [row.path for row in rows],
            "uptime": [row.uptime_ticks for row in rows],
            "oper": [row.oper_status for row in rows],
            "speed": [row.high_speed_mbps for row in rows],
            "in": [row.in_octets for row in rows],
            "out": [row.out_octets for row in rows],
        },
    )


def evidence_partitions_prune(*, today: date) -> list[str]:
    """Drop the month partitions older than MONITORING_EVIDENCE_MONTHS full months before
    `today`'s month, and make next month's ahead. Returns the partitions dropped."""
    first = date(today.year, today.month, 1)
    keep = settings.MONITORING_EVIDENCE_MONTHS
    index = first.year * 12 + first.month - 1 - keep
    oldest_kept = date(index // 12, index % 12 + 1, 1)
    following = month_bounds(first.year, first.month)[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT monitoring_pollwindow_partition(%s)", [local_month_of(following)])
        cursor.execute(
            """
            SELECT c.relname FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'monitoring_pollwindow'::regclass
              AND c.relname < %s
            ORDER BY c.relname
            """,
            [f"monitoring_pollwindow_{oldest_kept:%Y%m}"],
        )
        dropped = [name for (name,) in cursor.fetchall()]
        for name in dropped:
            cursor.execute(f'DROP TABLE "{name}"')
    return dropped
