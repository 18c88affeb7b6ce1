"""Reads of the inventory for pages, exports and other apps. Permissions are applied here."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from pghistory.models import MiddlewareEvents

from core.history import HistoryEntry, history_entries
from inventory.choices import LinkStatus
from inventory.models import Contract, Link, LinkRevision, Lot, LotMember


def _latest_revision_value(field: str, at: datetime):
    revisions = LinkRevision.objects.filter(link=OuterRef("pk"), effective_at__lte=at)
    if field == "address":
        revisions = revisions.exclude(address="")
    else:
        revisions = revisions.filter(**{f"{field}__isnull": False})
    return Subquery(revisions.order_by("-effective_at").values(field)[:1])


def link_list(*, user, at: datetime | None = None) -> QuerySet[Link]:
    """The links a user may see, with the speed and address in force at `at` (default now)
    annotated as current_speed_mbps and current_address."""
    at = at or timezone.now()
    return (
        Link.objects.visible_to(user)
        .select_related("agency", "municipality", "lot", "lot__contract", "unit")
        .prefetch_related("lot__members__carrier")
        .annotate(
            current_speed_mbps=Coalesce(_latest_revision_value("speed_mbps", at), "speed_mbps"),
            current_address=Coalesce(_latest_revision_value("address", at), "address"),
        )
    )


def link_get_for_user(*, user, pk: int) -> Link:
    """A link the user may see; 404 otherwise, so an outsider cannot even learn it exists."""
    link = link_list(user=user).filter(pk=pk).first()
    if link is None:
        raise Http404("Acesso não encontrado")
    return link


@dataclass(frozen=True)
class LinkState:
    """What was true of a link over [start, end): end None means still in force."""

    start: datetime | None
    end: datetime | None
    speed_mbps: int
    address: str
    contract_id: int
    lot_id: int


def link_states(link: Link) -> list[LinkState]:
    """The link's successive states, from activation values through every revision in order.

    The first state starts at None (before any revision); billing clips it to the active window.
    """
    states: list[LinkState] = []
    current = LinkState(None, None, link.speed_mbps, link.address, link.contract_id, link.lot_id)
    for revision in link.revisions.order_by("effective_at"):
        states.append(
            LinkState(
                current.start,
                revision.effective_at,
                current.speed_mbps,
                current.address,
                current.contract_id,
                current.lot_id,
            )
        )
        current = LinkState(
            revision.effective_at,
            None,
            revision.speed_mbps or current.speed_mbps,
            revision.address or current.address,
            revision.contract_id or current.contract_id,
            revision.lot_id or current.lot_id,
        )
    states.append(current)
    return states


def lot_for_municipality(*, contract: Contract, ibge_code: int) -> Lot | None:
    return Lot.objects.filter(contract=contract, coverage__municipality_id=ibge_code).first()


def link_lots_at(pairs: Iterable[tuple[int, datetime]]) -> dict[tuple[int, datetime], int]:
    """The lot in force for each (link id, instant): the lot of the latest revision that moved
    the link to another contract, not after the instant, or else the link's own lot. The same
    rule as `redegov.access.lot_in_force`, which states it in SQL for querysets; this one
    serves lists already in memory (tickets to route, windows to match)."""
    pairs = list(pairs)
    ids = {link_id for link_id, _ in pairs}
    lots = dict(Link.objects.filter(pk__in=ids).values_list("pk", "lot_id"))
    moves: dict[int, list[tuple[datetime, int]]] = {}
    revisions = LinkRevision.objects.filter(link_id__in=ids, lot__isnull=False)
    for link_id, effective_at, lot_id in revisions.order_by("effective_at").values_list(
        "link_id", "effective_at", "lot_id"
    ):
        moves.setdefault(link_id, []).append((effective_at, lot_id))
    found = {}
    for link_id, at in pairs:
        lot_id = lots[link_id]
        for effective_at, moved_to in moves.get(link_id, []):
            if effective_at > at:
                break
            lot_id = moved_to
        found[link_id, at] = lot_id
    return found


def lot_members(lot_ids: Iterable[int]) -> dict[int, list[int]]:
    """The carrier ids of each lot's contractor, the leader first."""
    members: dict[int, list[int]] = {}
    for lot_id, carrier_id in (
        LotMember.objects.filter(lot_id__in=set(lot_ids))
        .order_by("lot_id", "position")
        .values_list("lot_id", "carrier_id")
    ):
        members.setdefault(lot_id, []).append(carrier_id)
    return members


def lot_leader(lot: Lot):
    """The carrier that receives the lot's tickets and orders (the consortium's leader)."""
    member = lot.members.select_related("carrier").order_by("position").first()
    return member.carrier if member else None


def network_counts(*, user) -> dict[str, int]:
    """Counts of the links a user may see, by status, for the home page."""
    return Link.objects.visible_to(user).aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(status=LinkStatus.ACTIVE)),
        ordered=Count("pk", filter=Q(status=LinkStatus.ORDERED)),
        cancelled=Count("pk", filter=Q(status=LinkStatus.CANCELLED)),
        municipalities=Count("municipality", distinct=True, filter=~Q(status=LinkStatus.CANCELLED)),
        agencies=Count("agency", distinct=True, filter=~Q(status=LinkStatus.CANCELLED)),
    )


def lot_summary_list(*, user) -> list[Lot]:
    """The lots whose links a user may see, each with its members (carriers, leader first) and
    `live_links` (its non-cancelled links the user may see), for the home page."""
    live = Q(links__in=Link.objects.visible_to(user).live())
    return list(
        Lot.objects.filter(pk__in=Link.objects.visible_to(user).values("lot_id"))
        .select_related("contract")
        .prefetch_related("members__carrier")
        .annotate(live_links=Count("links", filter=live))
        .order_by("contract__number", "number")
    )


def link_timeline(link: Link) -> list[tuple[LinkState, Lot]]:
    """The link's states (`link_states`), each with its lot and contract, oldest first."""
    states = link_states(link)
    lots = Lot.objects.select_related("contract").in_bulk({state.lot_id for state in states})
    return [(state, lots[state.lot_id]) for state in states]


def link_history(link: Link) -> list[HistoryEntry]:
    """The audit trail (pghistory events) of a link and of its revisions, newest first."""
    events = (
        MiddlewareEvents.objects.references(link)
        .select_related("user")
        .order_by("-pgh_created_at", "-pgh_id")
    )
    return history_entries(events)
