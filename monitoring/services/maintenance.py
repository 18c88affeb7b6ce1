"""Maintenance windows (docs/domain.md section 4): carriers request them ahead of time, the NOC
approves or rejects them, and polled outages still `pending` inside an approved window's
occurrence become `maintenance`, split at its bounds."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.db.models.lookups import In

from core.exceptions import DomainError
from core.instants import truncate_minute
from inventory.models import Link, Lot, Municipality
from monitoring.choices import (
    ALLOWED_WINDOW_TRANSITIONS,
    DecisionAction,
    OutageSource,
    Recurrence,
    Responsibility,
    WindowScope,
    WindowStatus,
)
from monitoring.models import MaintenanceWindow, Outage
from monitoring.selectors import maintenance_notice_hours, maintenance_occurrences
from monitoring.services.responsibility import outage_cut, outage_transition, require_noc
from monitoring.services.tickets import tickets_open
from redegov.access import CARRIER_ROLES, carrier_acts_on_link, holds, lot_in_force

# An occurrence must end before the next one starts.
MAX_LENGTH = {Recurrence.WEEKLY: timedelta(days=7), Recurrence.MONTHLY: timedelta(days=28)}


@transaction.atomic
def maintenance_request(
    *,
    by,
    scope: str,
    start: datetime,
    end: datetime,
    description: str,
    now: datetime,
    lot: Lot | None = None,
    municipality: Municipality | None = None,
    links: Sequence[Link] = (),
    recurrence: str = Recurrence.NONE,
    repeat_until: date | None = None,
) -> MaintenanceWindow:
    """A carrier asks for a window over links, a lot or a municipality of its own lots, at least
    the contract's notice (72 h by default) before it starts."""
    if not (holds(by, CARRIER_ROLES) and by.carrier_id):
        raise PermissionDenied("Só uma operadora pode solicitar janela de manutenção.")
    start, end = truncate_minute(start), truncate_minute(end)
    # The links on which the carrier acts now: the lot in force has it as a member.
    covered = Link.objects.live().filter(carrier_acts_on_link(by))
    if scope == WindowScope.LOT:
        covered = covered.filter(In(lot_in_force("", now), [lot.pk])) if lot else covered.none()
    elif scope == WindowScope.MUNICIPALITY:
        covered = covered.filter(municipality=municipality)
    else:
        if not links or len(covered.filter(pk__in=[link.pk for link in links])) != len(links):
            raise DomainError("Escolha acessos dos lotes da sua operadora.")
        covered = covered.filter(pk__in=[link.pk for link in links])
    contract_ids = set(covered.values_list("contract_id", flat=True))
    if not contract_ids:
        raise DomainError("A janela não abrange nenhum acesso dos lotes da sua operadora.")
    if end <= start:
        raise DomainError("O fim deve ser posterior ao início.")
    if recurrence in MAX_LENGTH and end - start >= MAX_LENGTH[recurrence]:
        raise DomainError("Cada ocorrência deve terminar antes da seguinte começar.")
    hours = maintenance_notice_hours(contract_ids)
    if start < now + timedelta(hours=hours):
        raise DomainError(f"A janela deve ser solicitada com {hours} h de antecedência.")
    window = MaintenanceWindow(
        carrier_id=by.carrier_id,
        scope=scope,
        lot=lot if scope == WindowScope.LOT else None,
        municipality=municipality if scope == WindowScope.MUNICIPALITY else None,
        start=start,
        end=end,
        recurrence=recurrence,
        repeat_until=repeat_until if recurrence != Recurrence.NONE else None,
        description=description.strip(),
        requested_by=by,
        requested_at=now,
    )
    window.full_clean()
    window.save()
    if scope == WindowScope.LINKS:
        window.links.set(links)
    return window


@transaction.atomic
def maintenance_transition(
    *, window_id: int, to: str, by, reason: str, now: datetime
) -> MaintenanceWindow:
    """Approve or reject a requested window (the NOC), or cancel it (its carrier). An approval
    applies the window at once to outages already recorded inside it."""
    window = MaintenanceWindow.objects.select_for_update().get(pk=window_id)
    if to == WindowStatus.CANCELLED:
        if by.carrier_id != window.carrier_id:
            raise PermissionDenied("Só a operadora que solicitou pode cancelar.")
    else:
        require_noc(by)
    if window.status == to:
        return window
    if to not in ALLOWED_WINDOW_TRANSITIONS[window.status]:
        raise DomainError(f"A janela está {window.get_status_display().lower()}.")
    if to == WindowStatus.REJECTED and not reason.strip():
        raise DomainError("Informe o motivo.")
    window.status = to
    window.decided_by = by
    window.decided_at = now
    window.decision_reason = reason.strip()
    window.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    if to == WindowStatus.APPROVED:
        outages = (
            maintenance_candidates()
            .filter(start__lt=now)
            .filter(Q(end=None) | Q(end__gt=window.start))
        )
        tickets_open(outages=maintenance_apply(outages=list(outages), now=now), losses=[], now=now)
    return window


def maintenance_candidates():
    """Outages the portal may still classify as maintenance: polled, and either pending or
    made maintenance by a window (never by a person)."""
    return Outage.objects.filter(
        source=OutageSource.ICMP,
        decided_by=None,
        responsibility__in=[Responsibility.PENDING, Responsibility.MAINTENANCE],
    )


def maintenance_apply(*, outages: Sequence[Outage], now: datetime) -> list[Outage]:
    """Split each candidate outage at the bounds of the approved windows' occurrences it
    crosses (bounds not after `now`), and make the parts inside an occurrence `maintenance`.
    Returns the new parts left `pending` (their chain may need a ticket). The caller holds the
    transaction; imported and decided outages are left alone."""
    outages = [
        o
        for o in outages
        if o.source == OutageSource.ICMP
        and o.decided_by_id is None
        and o.responsibility in (Responsibility.PENDING, Responsibility.MAINTENANCE)
    ]
    if not outages:
        return []
    links = Link.objects.in_bulk({o.link_id for o in outages})
    occurrences = maintenance_occurrences(
        links=list(links.values()),
        since=min(o.start for o in outages),
        until=max(o.end or now for o in outages) + timedelta(seconds=1),
    )
    new_pending = []
    for outage in outages:
        found = occurrences.get(outage.link_id, [])
        end = outage.end or now + timedelta(seconds=1)
        bounds = sorted({b for s, e, _ in found for b in (s, e) if outage.start < b < end})
        pieces = [outage]
        for bound in bounds:
            piece = outage_cut(
                pieces[-1],
                bound,
                reason="Limite de janela de manutenção",
                by=None,
                now=now,
                responsibility=Responsibility.PENDING,
            )
            pieces.append(piece)
        for piece in pieces:
            window_id = next((w for s, e, w in found if s <= piece.start < e), None)
            if window_id is not None:
                outage_transition(
                    outage=piece,
                    to=Responsibility.MAINTENANCE,
                    reason=f"Dentro da janela de manutenção nº {window_id}, aprovada.",
                    by=None,
                    at=now,
                    action=DecisionAction.MAINTENANCE,
                )
            elif piece is not outage:
                new_pending.append(piece)
    return new_pending
