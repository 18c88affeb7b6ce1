"""Reads of the inventory for pages, exports and other apps. Permissions are applied here."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from inventory.choices import LinkStatus
from inventory.models import Contract, Link, LinkRevision, Lot


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
