"""What the pollers read: each shard's targets with their contract's thresholds, the canaries, a
link's shard and its latest evidence windows."""

from dataclasses import dataclass

from django.db.models import Q

from inventory.choices import AccessType, LinkStatus
from inventory.models import Link
from monitoring.engine import DEFAULT_THRESHOLDS, Thresholds
from monitoring.models import (
    Canary,
    MonitoringSettings,
    PollShard,
    PollWindow,
)
from monitoring.selectors.minutes import (
    MAX_PATHS,
)


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
