"""Contract deadlines for tickets and maintenance notices, and the approved maintenance windows
covering links and instants."""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from inventory.models import Link
from inventory.selectors import link_lots_at, lot_members
from monitoring.choices import (
    WindowScope,
    WindowStatus,
)
from monitoring.models import (
    MaintenanceWindow,
    MonitoringSettings,
)

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
