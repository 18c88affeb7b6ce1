"""Reads of the NOC's incident panel and of the map of Minas Gerais (issue 5).

The panel lists what is wrong now and needs a person: open interruptions, lost redundancies and
irregularities reported by agencies that the NOC has not answered. Items of one carrier that
started at the same instant (the same poll cycle) form a group, as their tickets went out in one
message. Every read goes through the access policy (`redegov.access.restrict`), so an agency
manager sees the panel of the agency's links and a carrier that of its lots. The query count does
not grow with the number of items: each kind is one query, then links, tickets and notes are one
query each for all items.

The panel refreshes itself every 5 seconds in every NOC browser, so each part carries a version
(a digest of what it shows): the refresh answers "nothing changed" when the browser already has
it, and sends the map only when the map's state changed. What the panel reads is cached for a
few seconds per scope of rows (`row_scope`: the whole network, one agency, one unit or one
carrier) and filters, never per person: the NOC's operators share one reading, and a carrier's
key is never another's."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Model, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from core.templatetags.formatting import count_br
from inventory.exports import lot_contractor
from inventory.models import Link
from inventory.selectors import link_list
from monitoring.choices import IrregularityStatus, OutageKind, PanelKind
from monitoring.maps import state_map
from monitoring.models import (
    BlindPeriod,
    EngineCursor,
    IncidentNote,
    IrregularityReport,
    Outage,
    RedundancyLoss,
    Ticket,
)
from monitoring.services import cycle_instant
from redegov.access import link_rows_scope, restrict

# How far back the panel lists the periods the NOC could not measure.
UNMEASURED_DAYS = 7
# Monitoring is called stopped when its last cycle is older than this many cycles.
STALE_CYCLES = 3
# A degraded window that ended this recently still marks its municipality on the map.
RECENT_DEGRADATION = timedelta(minutes=10)

Narrow = Callable[[QuerySet], QuerySet]
# What the panel's live region says of an item that was not there before the refresh.
ANNOUNCEMENTS = {
    PanelKind.INTERRUPTION: "Nova indisponibilidade",
    PanelKind.REDUNDANCY: "Nova perda de redundância",
    PanelKind.IRREGULARITY: "Nova irregularidade informada",
}


@dataclass
class PanelItem:
    """One line of the panel. `subject` names the IncidentNote field it takes notes through."""

    kind: str
    pk: int
    link: Link
    start: datetime
    age: timedelta
    detail_url: str
    subject: str
    responsibility: str = ""
    description: str = ""
    ticket: Ticket | None = None
    acknowledgement: IncidentNote | None = None
    comments: list[IncidentNote] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The id of its row in the page (its controls' ids start with it)."""
        return f"{self.subject}-{self.pk}"

    @property
    def announcement(self) -> str:
        link = self.link
        where = f"{link.circuit_id} · {link.agency.code} · {link.municipality.name}"
        return f"{ANNOUNCEMENTS[self.kind]}: {where}"

    @property
    def kind_label(self) -> str:
        return PanelKind(self.kind).label

    @property
    def contractor(self) -> str:
        return lot_contractor(self.link)

    @property
    def leader_id(self) -> int | None:
        members = list(self.link.lot.members.all())
        return members[0].carrier_id if members else None


@dataclass
class PanelGroup:
    """Items of one carrier that started in the same cycle (or a single item)."""

    start: datetime
    contractor: str
    items: list[PanelItem]

    @property
    def grouped(self) -> bool:
        return len(self.items) > 1


@dataclass(frozen=True)
class LateShard:
    """A shard whose last recorded cycle is older than STALE_CYCLES cycles: its workers are
    down or cannot keep up, and what the panel shows of its links may be out of date."""

    name: str
    last_cycle_at: datetime


def _row(instance: Model | None) -> tuple:
    """The values of a row's own columns (what a version needs of it)."""
    if instance is None:
        return ()
    return tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields)


def digest(*parts) -> str:
    """A short, stable name for what `parts` hold (their repr)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()


@dataclass
class Panel:
    groups: list[PanelGroup]
    counts: dict[str, int]
    blind: list[BlindPeriod]  # open ones, one per blind shard at most
    unmeasured: list[BlindPeriod]
    late: list[LateShard]

    @property
    def version(self) -> str:
        """Changes when anything the panel shows changes, but the clocks (ages, repair time
        left), which the browser keeps running."""
        return digest(
            [
                (
                    item.kind,
                    item.pk,
                    item.start,
                    item.responsibility,
                    item.description,
                    _row(item.link),
                    item.link.current_address,
                    _row(item.ticket),
                    _row(item.acknowledgement),
                    [_row(note) for note in item.comments],
                )
                for group in self.groups
                for item in group.items
            ],
            [_row(period) for period in self.unmeasured],
            self.late,
        )


def open_interruptions(*, user) -> QuerySet[Outage]:
    return restrict(Outage.objects.filter(end=None, kind=OutageKind.INTERRUPTION), user)


def open_redundancy_losses(*, user) -> QuerySet[RedundancyLoss]:
    return restrict(RedundancyLoss.objects.filter(end=None), user)


def open_irregularities(*, user) -> QuerySet[IrregularityReport]:
    return restrict(IrregularityReport.objects.filter(status=IrregularityStatus.OPEN), user)


def irregularity_list(*, user) -> QuerySet[IrregularityReport]:
    return restrict(IrregularityReport.objects.all(), user).select_related(
        "link__agency", "link__municipality", "reported_by", "answered_by"
    )


def irregularity_get_for_user(*, user, pk: int) -> IrregularityReport:
    report = irregularity_list(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404("Irregularidade não encontrada")
    return report


def _tickets_by_subject(outages: list[Outage], losses: list[RedundancyLoss]) -> dict:
    """The ticket of each outage chain (kept on its first piece) and of each lost redundancy."""
    tickets = Ticket.objects.filter(
        Q(outage_id__in=[o.root_id for o in outages])
        | Q(redundancy_loss_id__in=[loss.pk for loss in losses])
    )
    found: dict[tuple[str, int], Ticket] = {}
    for ticket in tickets:
        if ticket.outage_id:
            found["outage", ticket.outage_id] = ticket
        else:
            found["redundancy_loss", ticket.redundancy_loss_id] = ticket
    return found


def _notes_by_subject(items: list[PanelItem]) -> dict[tuple[str, int], list[IncidentNote]]:
    ids: dict[str, list[int]] = {}
    for item in items:
        ids.setdefault(item.subject, []).append(item.pk)
    condition = Q(pk__in=[])
    for subject, pks in ids.items():
        condition |= Q(**{f"{subject}_id__in": pks})
    found: dict[tuple[str, int], list[IncidentNote]] = {}
    for note in IncidentNote.objects.filter(condition).select_related("by"):
        subject = next(
            s for s in ("outage", "redundancy_loss", "irregularity") if getattr(note, f"{s}_id")
        )
        found.setdefault((subject, getattr(note, f"{subject}_id")), []).append(note)
    return found


def _items(*, user, narrow: Narrow, now: datetime) -> list[PanelItem]:
    outages = list(
        narrow(open_interruptions(user=user)).only(
            "pk", "link_id", "start", "responsibility", "split_from_id"
        )
    )
    losses = list(narrow(open_redundancy_losses(user=user)).only("pk", "link_id", "start"))
    reports = list(
        narrow(open_irregularities(user=user)).only("pk", "link_id", "reported_at", "description")
    )
    link_ids = {row.link_id for row in [*outages, *losses, *reports]}
    links = link_list(user=user).in_bulk(link_ids) if link_ids else {}
    tickets = _tickets_by_subject(outages, losses)
    items = [
        PanelItem(
            kind=PanelKind.INTERRUPTION,
            pk=o.pk,
            link=links[o.link_id],
            start=o.start,
            age=now - o.start,
            detail_url=reverse("monitoring:outage-detail", args=[o.pk]),
            subject="outage",
            responsibility=o.get_responsibility_display(),
            ticket=tickets.get(("outage", o.root_id)),
        )
        for o in outages
    ]
    items += [
        PanelItem(
            kind=PanelKind.REDUNDANCY,
            pk=loss.pk,
            link=links[loss.link_id],
            start=loss.start,
            age=now - loss.start,
            detail_url=reverse("inventory:link-detail", args=[loss.link_id]),
            subject="redundancy_loss",
            ticket=tickets.get(("redundancy_loss", loss.pk)),
        )
        for loss in losses
    ]
    items += [
        PanelItem(
            kind=PanelKind.IRREGULARITY,
            pk=report.pk,
            link=links[report.link_id],
            start=report.reported_at,
            age=now - report.reported_at,
            detail_url=reverse("monitoring:irregularity-detail", args=[report.pk]),
            subject="irregularity",
            description=report.description,
        )
        for report in reports
    ]
    notes = _notes_by_subject(items)
    for item in items:
        for note in notes.get((item.subject, item.pk), []):
            if note.acknowledgement:
                item.acknowledgement = note
            if note.text:
                item.comments.append(note)
    return items


def _groups(items: list[PanelItem], *, newest_first: bool) -> list[PanelGroup]:
    """Interruptions and lost redundancies of one carrier that started at the same instant go
    together; irregularities stand alone. Groups are sorted by their start (age)."""
    by_key: dict[tuple, PanelGroup] = {}
    for item in sorted(items, key=lambda i: (i.start, i.link.circuit_id)):
        key = (
            ("alone", item.kind, item.pk)
            if item.kind == PanelKind.IRREGULARITY
            else ("cycle", item.leader_id, item.start)
        )
        group = by_key.setdefault(key, PanelGroup(item.start, item.contractor, []))
        group.items.append(item)
    return sorted(by_key.values(), key=lambda g: g.start, reverse=newest_first)


def _late_shards(now: datetime) -> list[LateShard]:
    length = timedelta(seconds=settings.MONITORING_CYCLE_SECONDS)
    late = []
    for name, cycle_id in EngineCursor.objects.filter(last_cycle_id__isnull=False).values_list(
        "shard__name", "last_cycle_id"
    ):
        at = cycle_instant(cycle_id, length)
        if now - at > STALE_CYCLES * length:
            late.append(LateShard(name, at))
    return sorted(late, key=lambda shard: shard.name)


def panel_build(*, user, narrow: Narrow, newest_first: bool, now: datetime) -> Panel:
    """The panel a user sees, narrowed by the panel's filters (`narrow` applies them to a
    queryset of any of the three kinds)."""
    items = _items(user=user, narrow=narrow, now=now)
    since = now - timedelta(days=UNMEASURED_DAYS)
    unmeasured = list(
        BlindPeriod.objects.filter(Q(end=None) | Q(end__gt=since))
        .select_related("shard")
        .order_by("-start")[:20]
    )
    return Panel(
        groups=_groups(items, newest_first=newest_first),
        counts={kind: sum(item.kind == kind for item in items) for kind in PanelKind.values},
        blind=[period for period in unmeasured if period.end is None],
        unmeasured=unmeasured,
        late=_late_shards(now),
    )


@dataclass
class Reading:
    """What the panel's page and its refresh show: the items and the map's states, with their
    versions (computed once, when read)."""

    panel: Panel
    states: list["MunicipalityState"]
    version: str = ""
    map_version: str = ""

    def __post_init__(self) -> None:
        self.version = self.panel.version
        self.map_version = digest(self.states)


def _reading_key(user, filters: object, newest_first: bool) -> str:
    return "panel:" + digest(link_rows_scope(user), filters, newest_first)


def panel_read(*, user, narrow: Narrow, filters: object, newest_first: bool, now: datetime,
               fresh: bool = False) -> Reading:  # fmt: skip
    """The panel and map of a user's scope with these filters (`filters`: the query string
    that `narrow` comes from), from the cache when read less than PANEL_CACHE_SECONDS ago by
    anyone of the same scope; `fresh` reads again (after a write). Its versions are cached
    apart as well, for `panel_versions`."""
    key = _reading_key(user, filters, newest_first)
    seconds = settings.PANEL_CACHE_SECONDS
    reading = cache.get(key) if seconds and not fresh else None
    if reading is None:
        reading = Reading(
            panel_build(user=user, narrow=narrow, newest_first=newest_first, now=now),
            map_states(user=user, now=now),
        )
        if seconds:
            versions = (reading.version, reading.map_version)
            cache.set_many({key: reading, key + ":versions": versions}, seconds)
    return reading


def panel_versions(*, user, filters: object, newest_first: bool) -> tuple[str, str] | None:
    """The versions (items, map) of the reading `panel_read` cached for this scope and these
    filters, without reading it: all that a refresh with nothing new needs. None when none is
    cached (or the cache is off)."""
    if not settings.PANEL_CACHE_SECONDS:
        return None
    return cache.get(_reading_key(user, filters, newest_first) + ":versions")


# The map ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityState:
    """A municipality with links the user may see, and what is wrong there now."""

    ibge_code: int
    name: str
    links: int
    down: int = 0
    redundancy: int = 0
    degraded: int = 0
    irregularities: int = 0

    @property
    def state(self) -> str:
        """The worst: an interruption, then lost redundancy, then recent degradation."""
        for state, count in (
            ("down", self.down),
            ("redundancy", self.redundancy),
            ("degraded", self.degraded),
        ):
            if count:
                return state
        return "ok"

    @property
    def tooltip(self) -> str:
        parts = [count_br(self.links, "acesso monitorado,acessos monitorados")]
        for count, forms in (
            (self.down, "interrompido,interrompidos"),
            (self.redundancy, "com perda de redundância,com perda de redundância"),
            (self.degraded, "com degradação recente,com degradação recente"),
            (self.irregularities, "irregularidade informada,irregularidades informadas"),
        ):
            if count:
                parts.append(count_br(count, forms))
        return f"{self.name}: " + ", ".join(parts)


def _count_by_municipality(
    queryset: QuerySet, path: str = "link__municipality_id"
) -> dict[int, int]:
    return dict(queryset.order_by().values(path).annotate(n=Count("pk")).values_list(path, "n"))


def map_states(*, user, now: datetime) -> list[MunicipalityState]:
    """The state of every municipality where the user has live links (five grouped counts)."""
    links = _count_by_municipality(Link.objects.visible_to(user).live(), "municipality_id")
    down = _count_by_municipality(open_interruptions(user=user))
    redundancy = _count_by_municipality(open_redundancy_losses(user=user))
    degraded = _count_by_municipality(
        restrict(
            Outage.objects.filter(kind=OutageKind.DEGRADATION, end__gt=now - RECENT_DEGRADATION),
            user,
        )
    )
    reports = _count_by_municipality(open_irregularities(user=user))
    names = {shape.ibge_code: shape.name for shape in state_map().shapes}
    return [
        MunicipalityState(
            ibge_code=code,
            name=names.get(code, str(code)),
            links=count,
            down=down.get(code, 0),
            redundancy=redundancy.get(code, 0),
            degraded=degraded.get(code, 0),
            irregularities=reports.get(code, 0),
        )
        for code, count in sorted(links.items())
    ]
