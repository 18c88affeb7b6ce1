"""Evidence over time: each cycle's echoes and each SNMP reading land in the link's 5-minute
`PollWindow`, in one statement per call (arrays bound as parameters, no row-by-row ORM).

Both writes are safe to repeat in their callers' terms: echoes are added once per cycle because
`cycle_record` runs once per cycle id (its cursor), and an SNMP reading replaces the window's
reading, so polling twice in a window keeps the later one."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from monitoring.engine import window_start_of

WINDOW_MINUTES = 5


@dataclass(frozen=True)
class EchoRow:
    link_id: int
    path: int
    sent: int
    received: int
    rtt_sum_us: int


@dataclass(frozen=True)
class SnmpRow:
    link_id: int
    path: int
    uptime_ticks: int | None
    oper_status: int | None
    in_octets: int | None
    out_octets: int | None


def poll_windows_add_echoes(*, rows: Sequence[EchoRow], instant: datetime) -> None:
    """Add one cycle's echoes to the window holding `instant`. The caller holds the cycle's
    transaction."""
    if not rows:
        return
    start = window_start_of(instant, WINDOW_MINUTES)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO monitoring_pollwindow
                (link_id, path, start, echoes_sent, echoes_received, rtt_sum_us)
            SELECT link_id, path, %s, sent, received, rtt
            FROM unnest(%s::bigint[], %s::smallint[], %s::int[], %s::int[], %s::bigint[])
                AS r(link_id, path, sent, received, rtt)
            ON CONFLICT (link_id, path, start) DO UPDATE SET
                echoes_sent = monitoring_pollwindow.echoes_sent + EXCLUDED.echoes_sent,
                echoes_received = monitoring_pollwindow.echoes_received + EXCLUDED.echoes_received,
                rtt_sum_us = monitoring_pollwindow.rtt_sum_us + EXCLUDED.rtt_sum_us
            """,
            [
                start,
                [row.link_id for row in rows],
                [row.path for row in rows],
                [row.sent for row in rows],
                [row.received for row in rows],
                [row.rtt_sum_us for row in rows],
            ],
        )


def poll_windows_set_snmp(*, rows: Sequence[SnmpRow], polled_at: datetime) -> None:
    """Keep an SNMP reading (counters, uptime, interface status) in the window holding
    `polled_at`, replacing an earlier reading of the same window."""
    if not rows:
        return
    start = window_start_of(polled_at, WINDOW_MINUTES)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO monitoring_pollwindow
                (link_id, path, start, echoes_sent, echoes_received, rtt_sum_us,
                 snmp_at, uptime_ticks, oper_status, in_octets, out_octets)
            SELECT link_id, path, %s, 0, 0, 0, %s, uptime, oper, in_o, out_o
            FROM unnest(%s::bigint[], %s::smallint[], %s::bigint[], %s::smallint[],
                        %s::numeric[], %s::numeric[])
                AS r(link_id, path, uptime, oper, in_o, out_o)
            ON CONFLICT (link_id, path, start) DO UPDATE SET
                snmp_at = EXCLUDED.snmp_at,
                uptime_ticks = EXCLUDED.uptime_ticks,
                oper_status = EXCLUDED.oper_status,
                in_octets = EXCLUDED.in_octets,
                out_octets = EXCLUDED.out_octets
            """,
            [
                start,
                polled_at,
                [row.link_id for row in rows],
                [row.path for row in rows],
                [row.uptime_ticks for row in rows],
                [row.oper_status for row in rows],
                [row.in_octets for row in rows],
                [row.out_octets for row in rows],
            ],
        )
