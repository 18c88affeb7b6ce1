"""Demo history for the IMR: the contract's default indicators stored, and months of outages and
tickets before the monitoring demo's own history, with one lot whose carrier keeps missing its
targets, so that once the `seed_demo` command closes those months (billing) the IMR pages show
results, adjustments and a flagged carrier. Deterministic; written once (a second run adds
nothing).

The history's tickets are written as already delivered (their outbox row marked sent): they
belong to months long gone, and opening them through the ticket service would e-mail carriers
about them today."""

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.instants import month_bounds
from inventory.choices import LinkStatus
from inventory.models import Contract, Link, LotMember
from monitoring.choices import OutageKind, OutageSource, Responsibility, TicketKind, TicketStatus
from monitoring.models import Outage, Ticket, TicketMessage
from monitoring.selectors import repair_deadlines
from sla.services import definitions_install_defaults

REFERENCE_PREFIX = "DEMO-IMR-"
FIRST_MONTH_BACK, LAST_MONTH_BACK = 7, 2  # seed_demo closes April to September in November
BAD_LOT = 7  # Norte e Noroeste: its carrier misses availability and repairs month after month
BAD_MINUTES = (240, 260, 300, 340, 400, 450, 700)
OTHER_SHARE = 0.12
OTHER_MINUTES = (20, 45, 90, 180, 360)


def demo_months(today=None) -> list[tuple[int, int]]:
    """The months the demo closes, oldest first: from 7 to 2 months before this one."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1
    return [
        ((index - back) // 12, (index - back) % 12 + 1)
        for back in range(FIRST_MONTH_BACK, LAST_MONTH_BACK - 1, -1)
    ]


@transaction.atomic
def seed_demo_imr_history(*, contract: Contract, seed: int = 1) -> int:
    """Store the contract's default indicators and write the history (outages, and tickets for
    the bad lot's). Returns how many outages were written (0 when the history exists)."""
    definitions_install_defaults(contract=contract, now=timezone.now())
    if Outage.objects.filter(reference__startswith=REFERENCE_PREFIX).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not a secret
    links = list(
        Link.objects.filter(contract=contract, status=LinkStatus.ACTIVE)
        .select_related("municipality", "lot")
        .order_by("pk")
    )
    busy = _busy(links)
    written: list[Outage] = []
    for year, month in demo_months():
        start, end = month_bounds(year, month)
        for link in links:
            bad = link.lot.number == BAD_LOT
            # every demo link has an activation instant
            active_since = link.activated_at
            if active_since >= start or (not bad and rng.random() > OTHER_SHARE):  # type: ignore[operator]
                continue
            minutes = rng.choice(BAD_MINUTES if bad else OTHER_MINUTES)
            begin = _free_slot(rng, busy[link.pk], start, end, minutes)
            if begin is None:
                continue
            written.append(
                Outage(
                    link=link,
                    start=begin,
                    end=begin + timedelta(minutes=minutes),
                    kind=OutageKind.INTERRUPTION,
                    source=OutageSource.IMPORT,
                    responsibility=Responsibility.CARRIER
                    if bad or rng.random() < 0.7
                    else Responsibility.AGENCY,
                    reference=f"{REFERENCE_PREFIX}{year}{month:02d}-{len(written) + 1}",
                )
            )
            busy[link.pk].append((begin, begin + timedelta(minutes=minutes)))
    Outage.objects.bulk_create(written, batch_size=2000)
    _history_tickets([o for o in written if o.link.lot.number == BAD_LOT])
    return len(written)


def _busy(links: list[Link]) -> dict[int, list[tuple[datetime, datetime]]]:
    """The outages the links already have in the demo months (the monitoring demo's)."""
    since, _ = month_bounds(*demo_months()[0])
    busy: dict[int, list[tuple[datetime, datetime]]] = {link.pk: [] for link in links}
    for link_id, start, end in Outage.objects.filter(
        Q(end__isnull=True) | Q(end__gt=since), link_id__in=busy
    ).values_list("link_id", "start", "end"):
        busy[link_id].append((start, end or timezone.now()))
    return busy


def _free_slot(rng, taken, start: datetime, end: datetime, minutes: int) -> datetime | None:
    """A start in the month, on a whole minute, whose outage overlaps none taken (or None)."""
    length = timedelta(minutes=minutes)
    span = int((end - start).total_seconds()) // 60 - minutes
    for _ in range(10):
        begin = start + timedelta(minutes=rng.randrange(0, span))
        if all(begin + length <= a or b <= begin for a, b in taken):
            return begin
    return None


def _history_tickets(outages: list[Outage]) -> None:
    """One ticket per outage, to the lot's leader, in one delivered message per carrier."""
    if not outages:
        return
    leaders = dict(
        LotMember.objects.filter(
            lot_id__in={o.link.lot_id for o in outages}, position=0
        ).values_list("lot_id", "carrier_id")
    )
    deadlines = repair_deadlines({o.link.contract_id for o in outages})
    delivered = timezone.now()
    messages = {
        carrier_id: TicketMessage.objects.create(
            carrier_id=carrier_id,
            created_at=delivered,
        )
        for carrier_id in set(leaders.values())
    }
    tickets = []
    for outage in outages:
        link = outage.link
        minutes = deadlines[link.contract_id][0 if link.municipality.rmbh else 1]
        tickets.append(
            Ticket(
                kind=TicketKind.INTERRUPTION,
                status=TicketStatus.CLOSED,
                link=link,
                carrier_id=leaders[link.lot_id],
                outage=outage,
                message=messages[leaders[link.lot_id]],
                opened_at=outage.start,
                start=outage.start,
                deadline_minutes=minutes,
                due_at=outage.start + timedelta(minutes=minutes),
                ended_at=outage.end,
                closed_at=outage.end,
            )
        )
    Ticket.objects.bulk_create(tickets, batch_size=2000)
