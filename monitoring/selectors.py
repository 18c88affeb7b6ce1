"""Reads of monitoring data. `unavailable_minutes` is THE count of a link's unavailable minutes
in a window, shared by the IMR (sla) and billing."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from inventory.choices import AccessType, LinkStatus
from inventory.models import Link
from monitoring.choices import COUNTED_RESPONSIBILITIES
from monitoring.engine import DEFAULT_THRESHOLDS, Thresholds
from monitoring.models import Canary, MonitoringSettings
from redegov.instants import truncate_minute

Window = tuple[int, datetime, datetime]


def unavailable_minutes(*, windows: Sequence[Window], now: datetime) -> dict[Window, int]:
    """Counted minutes of each (link id, start, end) window, in one query.

    Counted: outages of both kinds whose responsibility is `carrier` or `pending`, clipped to the
    window; an open outage counts up to `now`. Every instant is truncated to its minute first
    (DOMAIN.md section 5). A link's outages never overlap (an exclusion constraint), and
    truncation keeps them apart, so their clipped lengths add up to their union. Window bounds
    must be whole minutes.
    """
    if not windows:
        return {}
    now = truncate_minute(now)
    sql = """
        WITH w(link_id, ws, we) AS (
            SELECT * FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[])
        )
        , o AS (
            SELECT link_id, date_trunc('minute', start) AS os,
                   date_trunc('minute', COALESCE("end", %s)) AS oe
            FROM monitoring_outage
            WHERE responsibility = ANY(%s) AND link_id = ANY(%s::bigint[])
        )
        SELECT w.link_id, w.ws, w.we, COALESCE(SUM(
            EXTRACT(EPOCH FROM LEAST(o.oe, w.we) - GREATEST(o.os, w.ws))
        -- FILTER: GREATEST and LEAST skip NULLs, so a window without outages must not sum.
        ) FILTER (WHERE o.link_id IS NOT NULL), 0)::bigint / 60
        FROM w
        LEFT JOIN o ON o.link_id = w.link_id AND LEAST(o.oe, w.we) > GREATEST(o.os, w.ws)
        GROUP BY w.link_id, w.ws, w.we
    """
    link_ids = [link_id for link_id, _, _ in windows]
    params = [
        link_ids,
        [start for _, start, _ in windows],
        [end for _, _, end in windows],
        now,
        list(COUNTED_RESPONSIBILITIES),
        link_ids,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(row[0], row[1], row[2]): int(row[3]) for row in cursor.fetchall()}


@dataclass(frozen=True)
class PollTarget:
    """A link to poll: its addresses (two for a redundant access) and the rules that judge it."""

    link_id: int
    carrier_id: int
    addresses: tuple[str, ...]
    active: bool
    thresholds: Thresholds


def _thresholds_by_contract() -> dict[int, Thresholds]:
    return {
        row.contract_id: Thresholds(
            echoes=row.echoes,
            fail_cycles=row.fail_cycles,
            window_minutes=row.window_minutes,
            loss_pct=row.loss_pct,
            rtt_ms=row.rtt_ms,
            min_replies=row.min_replies,
            blind_pct=row.blind_pct,
        )
        for row in MonitoringSettings.objects.all()
    }


def poll_targets() -> list[PollTarget]:
    """Every link that is polled: active links (judged) and ordered ones (only sampled)."""
    thresholds = _thresholds_by_contract()
    rows = (
        Link.objects.exclude(status=LinkStatus.CANCELLED)
        .filter(lot__members__position=0)  # the leader stands for a consortium
        .order_by("pk")
        .values_list(
            "pk",
            "lot__members__carrier_id",
            "mgmt_ip",
            "mgmt_ip_secondary",
            "access_type",
            "status",
            "contract_id",
        )
    )
    return [
        PollTarget(
            link_id=pk,
            carrier_id=carrier_id,
            addresses=(ip, second) if access == AccessType.REDUNDANT else (ip,),
            active=status == LinkStatus.ACTIVE,
            thresholds=thresholds.get(contract_id, DEFAULT_THRESHOLDS),
        )
        for pk, carrier_id, ip, second, access, status, contract_id in rows
    ]


def canary_addresses() -> list[str]:
    return list(Canary.objects.values_list("address", flat=True))
