"""Reads of monitoring data. `unavailable_minutes` is THE count of a link's unavailable minutes
in a window, shared by the IMR (sla) and billing."""

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg
from django.db import connection, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from core.instants import truncate_minute
from inventory.choices import AccessType, LinkStatus
from inventory.models import Link
from inventory.selectors import link_lots_at, lot_members
from monitoring.choices import (
    COUNTED_RESPONSIBILITIES,
    DisputeStatus,
    IrregularityStatus,
    TicketStatus,
    WindowScope,
    WindowStatus,
)
from monitoring.engine import DEFAULT_THRESHOLDS, Thresholds
from monitoring.models import (
    Canary,
    Dispute,
    IrregularityReport,
    MaintenanceWindow,
    MonitoringSettings,
    Outage,
    PollShard,
    PollWindow,
    Ticket,
)
from redegov.access import NOC_STAFF, holds, restrict
from redegov.roles import Role, has_role
from redegov.todo import TodoItem, due_at_instant

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


@dataclass(frozen=True)
class PollTarget:
    """A link to poll: its addresses (two for a redundant access) and the rules that judge it."""

    link_id: int
    carrier_id: int
    addresses: tuple[str, ...]
    active: bool
    thresholds: Thresholds


def shard_links_q(shard: PollShard, prefix: str = "") -> Q:
    """The links a shard polls: those of its lots, and for the default shard those of every lot
    no shard names (`prefix` reaches the link from another model, e.g. "link__")."""
    mine = Q(**{f"{prefix}lot__poll_shard__shard": shard})
    if shard.is_default:
        mine |= Q(**{f"{prefix}lot__poll_shard__isnull": True})
    return mine


def link_shard(link: Link) -> PollShard | None:
    """The shard that polls a link (None only while no default shard exists)."""
    named = PollShard.objects.filter(lots__lot=link.lot_id).first()
    return named or PollShard.objects.filter(is_default=True).first()


def latest_windows(*, link_id: int) -> dict[int, PollWindow]:
    """The newest 5-minute window of each path of a link (its echoes so far, its last reply):
    one backward index scan per path, whatever the months kept."""
    found = {}
    for path in range(MAX_PATHS):
        window = PollWindow.objects.filter(link_id=link_id, path=path).order_by("-start").first()
        if window is not None:
            found[path] = window
    return found


def thresholds_by_contract() -> dict[int, Thresholds]:
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


def poll_targets(*, shard: PollShard) -> list[PollTarget]:
    """Every link of a shard that is polled: active links (judged) and ordered ones (only
    sampled)."""
    thresholds = thresholds_by_contract()
    rows = (
        Link.objects.filter(shard_links_q(shard))
        .exclude(status=LinkStatus.CANCELLED)
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


DEFAULT_REPAIR_MINUTES = (240, 480)  # metropolitan, interior (docs/domain.md section 3)
DEFAULT_NOTICE_HOURS = 72


def repair_deadlines(contract_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """(metropolitan, interior) repair minutes of each contract, the defaults where unset."""
    contract_ids = set(contract_ids)
    rows = {
        contract_id: (metro, interior)
        for contract_id, metro, interior in MonitoringSettings.objects.filter(
            contract_id__in=contract_ids
        ).values_list("contract_id", "repair_minutes_metro", "repair_minutes_interior")
    }
    return {cid: rows.get(cid, DEFAULT_REPAIR_MINUTES) for cid in contract_ids}


def maintenance_notice_hours(contract_ids: Iterable[int]) -> int:
    """The notice a window needs: the longest of the contracts it touches (72 h by default)."""
    contract_ids = set(contract_ids)
    hours = dict(
        MonitoringSettings.objects.filter(contract_id__in=contract_ids).values_list(
            "contract_id", "maintenance_notice_hours"
        )
    )
    return max(
        (hours.get(cid, DEFAULT_NOTICE_HOURS) for cid in contract_ids), default=DEFAULT_NOTICE_HOURS
    )


def _covers(window: MaintenanceWindow, link: Link) -> bool:
    """Whether the window's scope names the link (its lot is checked at each occurrence)."""
    if window.scope == WindowScope.LOT:
        return True
    if window.scope == WindowScope.MUNICIPALITY:
        return window.municipality_id == link.municipality_id
    return link.pk in {covered.pk for covered in window.links.all()}


Occurrence = tuple[datetime, datetime, int]  # start, end, window id


def _approved_windows(since: datetime, until: datetime):
    """Approved windows that may have an occurrence overlapping [since, until)."""
    return MaintenanceWindow.objects.filter(status=WindowStatus.APPROVED, start__lt=until).filter(
        Q(repeat_until__isnull=True, end__gt=since)
        | Q(repeat_until__gte=timezone.localdate(since) - timedelta(days=31))
    )


def maintenance_bound_between(since: datetime, until: datetime) -> bool:
    """Whether an approved window's occurrence starts or ends in (since, until]: then open
    outages may have to be split (one query)."""
    after = until + timedelta(seconds=1)  # an occurrence starting at `until` counts
    for window in _approved_windows(since, after):
        for start, end in window.occurrences(since - (window.end - window.start), after):
            if since < start <= until or since < end <= until:
                return True
    return False


def maintenance_occurrences(
    *, links: Sequence[Link], since: datetime, until: datetime
) -> dict[int, list[Occurrence]]:
    """The occurrences of approved windows covering each link that overlap [since, until),
    by link id, in order (one query for the windows, one for their links, three for the lots
    in force and their members)."""
    if not links:
        return {}
    windows = (
        _approved_windows(since, until)
        .filter(
            Q(scope=WindowScope.LOT)
            | Q(municipality_id__in={link.municipality_id for link in links})
            | Q(links__in=[link.pk for link in links])
        )
        .distinct()
        .prefetch_related(Prefetch("links", queryset=Link.objects.only("pk")))
    )
    candidates = [
        (link, occurrence, window)
        for window in windows
        for occurrence in window.occurrences(since, until)
        for link in links
        if _covers(window, link)
    ]
    # A carrier's window covers a link only while the lot in force has the carrier as a
    # member, whatever its scope (a municipality holds other carriers' links too).
    lots = link_lots_at((link.pk, start) for link, (start, _), _ in candidates)
    members = lot_members(lots.values())
    found: dict[int, list[Occurrence]] = {}
    for link, (start, end), window in candidates:
        lot_id = lots[link.pk, start]
        if window.carrier_id not in members.get(lot_id, ()):
            continue
        if window.scope == WindowScope.LOT and window.lot_id != lot_id:
            continue
        found.setdefault(link.pk, []).append((start, end, window.pk))
    for occurrences in found.values():
        occurrences.sort()
    return found


def windows_covering(*, links: Sequence[Link], instants: Sequence[datetime]) -> set[int]:
    """The ids of the links whose instant (same position) falls inside an approved window."""
    if not links:
        return set()
    occurrences = maintenance_occurrences(
        links=links, since=min(instants), until=max(instants) + timedelta(seconds=1)
    )
    return {
        link.pk
        for link, instant in zip(links, instants, strict=True)
        if any(start <= instant < end for start, end, _ in occurrences.get(link.pk, []))
    }


def ticket_list(*, user) -> QuerySet[Ticket]:
    return restrict(Ticket.objects.all(), user).select_related(
        "link__municipality", "link__agency", "carrier", "message", "outage"
    )


def ticket_get_for_user(*, user, pk: int) -> Ticket:
    ticket = ticket_list(user=user).filter(pk=pk).first()
    if ticket is None:
        raise Http404("Chamado não encontrado")
    return ticket


def outage_list(*, user) -> QuerySet[Outage]:
    return (
        restrict(Outage.objects.all(), user)
        .select_related("link__municipality", "link__agency", "link__lot")
        .order_by("-start", "pk")
    )


def outage_get_for_user(*, user, pk: int) -> Outage:
    outage = outage_list(user=user).select_related("decided_by").filter(pk=pk).first()
    if outage is None:
        raise Http404("Indisponibilidade não encontrada")
    return outage


def outage_chain(outage: Outage) -> list[Outage]:
    """Every piece of the outage this one belongs to (split at some instants), in order."""
    root = outage.root_id
    return list(Outage.objects.filter(Q(pk=root) | Q(split_from_id=root)).order_by("start"))


def maintenance_list(*, user) -> QuerySet[MaintenanceWindow]:
    """The windows the user may see (`redegov.access.maintenance_rows`)."""
    windows = MaintenanceWindow.objects.select_related(
        "carrier", "lot", "municipality", "requested_by", "decided_by"
    ).prefetch_related("links")
    return restrict(windows, user)


def maintenance_get_for_user(*, user, pk: int) -> MaintenanceWindow:
    window = maintenance_list(user=user).filter(pk=pk).first()
    if window is None:
        raise Http404("Janela de manutenção não encontrada")
    return window


def monitoring_home(*, user) -> dict[str, list]:
    """The home page's monitoring part: open tickets, open outages, maintenance requests."""
    windows = maintenance_list(user=user).filter(status=WindowStatus.REQUESTED)
    return {
        "open_tickets": list(ticket_list(user=user).exclude(status=TicketStatus.CLOSED)[:20]),
        "open_outages": list(outage_list(user=user).filter(end=None)[:20]),
        "pending_windows": list(windows[:10]),
    }


# -- To-do lists (redegov.todo) ------------------------------------------------------------------


def dispute_pending_list(*, user) -> QuerySet[Dispute]:
    """Carriers' disputes still waiting for the NOC's decision, that the user may see."""
    return restrict(Dispute.objects.filter(status=DisputeStatus.OPEN), user).select_related(
        "outage__link", "carrier"
    )


def irregularity_pending_list(*, user) -> QuerySet[IrregularityReport]:
    """Agencies' irregularity reports still waiting for the NOC's answer, that the user may see."""
    return restrict(
        IrregularityReport.objects.filter(status=IrregularityStatus.OPEN), user
    ).select_related("link__agency")


def noc_todo(*, user) -> list[TodoItem]:
    """The NOC's to-do: contested outages (the carriers' disputes to decide) and irregularity
    reports to answer. The contract sets no deadline for either: each shows how long it waits."""
    if not holds(user, NOC_STAFF):
        return []
    items = [
        TodoItem(
            title=f"Indisponibilidade contestada: {d.outage.link.circuit_id}",
            detail=f"{d.carrier.name} pede “{d.get_requested_display()}”",
            url=reverse("monitoring:outage-detail", args=[d.outage_id]),
            since=d.filed_at,
        )
        for d in dispute_pending_list(user=user)
    ]
    items += [
        TodoItem(
            title=f"Irregularidade informada: {r.link.circuit_id}",
            detail=r.link.agency.code,
            url=reverse("monitoring:irregularity-detail", args=[r.pk]),
            since=r.reported_at,
        )
        for r in irregularity_pending_list(user=user)
    ]
    return items


def ticket_todo(*, user) -> list[TodoItem]:
    """A carrier's open tickets (its leader's: the leader receives and answers them), each due
    at its repair deadline; nobody else answers tickets."""
    if not has_role(user, Role.CARRIER) or not user.carrier_id:
        return []
    tickets = (
        ticket_list(user=user).filter(carrier=user.carrier_id).exclude(status=TicketStatus.CLOSED)
    )
    return [
        TodoItem(
            title=f"Chamado {t.get_kind_display().lower()}: {t.link.circuit_id}",
            detail=t.get_status_display(),
            url=reverse("monitoring:ticket-detail", args=[t.pk]),
            since=t.opened_at,
            **due_at_instant(t.due_at),
        )
        for t in tickets
    ]
