"""Who answers for an outage (docs/domain.md section 4): the NOC classifies (one or many at once)
and splits; the carrier disputes with text and files; the NOC decides. Every step is an
OutageDecision row (who, when, why), shown on the outage's page."""

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from core.exceptions import DomainError
from core.instants import truncate_minute
from monitoring.choices import (
    ALLOWED_DISPUTE_TRANSITIONS,
    ALLOWED_RESPONSIBILITY_MOVES,
    DecisionAction,
    DisputeStatus,
    Responsibility,
)
from monitoring.models import Dispute, DisputeAttachment, Outage, OutageDecision
from monitoring.selectors.lists import noc_pending_forget
from redegov.access import CARRIER_ROLES, NOC_STAFF, holds, require, sees
from redegov.uploads import DISPUTE_EVIDENCE, raw_uploads, uploads_check

# Responsibilities a carrier may ask for in a dispute.
DISPUTABLE = (Responsibility.AGENCY, Responsibility.MAINTENANCE, Responsibility.FORCE_MAJEURE)


def require_noc(user) -> None:
    require(user, NOC_STAFF, "Só o Centro de Operações (NOC) pode fazer isto.")


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise DomainError("Informe o motivo.")
    return reason.strip()


def _step_record(outage: Outage, *, action: str, reason: str, by, at: datetime, **extra) -> None:
    """Keep a step that leaves the responsibility as it is (a split, a dispute filed or
    rejected)."""
    OutageDecision.objects.create(
        outage=outage,
        action=action,
        before=outage.responsibility,
        after=outage.responsibility,
        reason=reason,
        by=by,
        at=at,
        **extra,
    )


def outage_transition(
    *,
    outage: Outage,
    to: str,
    reason: str,
    by,
    at: datetime,
    action: str = DecisionAction.CLASSIFIED,
    dispute: Dispute | None = None,
) -> Outage:
    """Set an outage's responsibility and keep the step. Nothing for same→same; DomainError
    for a move ALLOWED_RESPONSIBILITY_MOVES refuses. The caller holds the row locked. `by`
    None is the portal itself (an approved maintenance window): the outage stays undecided
    by a person, so a later window bound may still split it."""
    before = outage.responsibility
    if before == to:
        return outage
    if to not in ALLOWED_RESPONSIBILITY_MOVES[before]:
        raise DomainError(
            f"A responsabilidade não pode passar de {Responsibility(before).label} "
            f"a {Responsibility(to).label}."
        )
    outage.responsibility = to
    outage.decided_by = by
    outage.decided_at = at if by is not None else None
    outage.save(update_fields=["responsibility", "decided_by", "decided_at"])
    OutageDecision.objects.create(
        outage=outage,
        action=action,
        before=before,
        after=to,
        reason=reason,
        dispute=dispute,
        by=by,
        at=at,
    )
    return outage


@transaction.atomic
def outages_classify(
    *, outage_ids: Sequence[int], to: str, reason: str, by, now: datetime
) -> list[Outage]:
    """The NOC classifies one outage or many at once (a storm, a power failure at a site)."""
    require_noc(by)
    reason = _require_reason(reason)
    if to == Responsibility.PENDING or to not in Responsibility.values:
        raise DomainError("Escolha a responsabilidade.")
    outages = list(Outage.objects.select_for_update().filter(pk__in=outage_ids).order_by("pk"))
    if not outages:
        raise DomainError("Selecione ao menos uma indisponibilidade.")
    return [outage_transition(outage=o, to=to, reason=reason, by=by, at=now) for o in outages]


def outage_cut(
    outage: Outage, at: datetime, *, reason: str, by, now: datetime, responsibility: str = ""
) -> Outage:
    """Cut a locked outage at `at`: it keeps [start, at) and a new piece of the same chain
    takes [at, end), with the same responsibility unless one is given. Returns the piece."""
    old_end = outage.end
    outage.end = at
    outage.save(update_fields=["end"])
    piece = Outage.objects.create(
        link_id=outage.link_id,
        start=at,
        end=old_end,
        kind=outage.kind,
        source=outage.source,
        responsibility=responsibility or outage.responsibility,
        reference=outage.reference,
        notes=outage.notes,
        decided_by=outage.decided_by,
        decided_at=outage.decided_at,
        split_from_id=outage.root_id,
    )
    _step_record(outage, action=DecisionAction.SPLIT, reason=reason, by=by, at=now, split_at=at)
    return piece


@transaction.atomic
def outage_split(*, outage_id: int, at: datetime, reason: str, by, now: datetime) -> Outage:
    """The NOC splits an outage at an instant (a whole minute) when only part of it had another
    cause; each part is then classified on its own. Returns the later part."""
    require_noc(by)
    reason = _require_reason(reason)
    outage = Outage.objects.select_for_update().get(pk=outage_id)
    at = truncate_minute(at)
    if not outage.start < at < (outage.end or now):
        raise DomainError("O instante da divisão deve ficar dentro da indisponibilidade.")
    return outage_cut(outage, at, reason=reason, by=by, now=now)


@transaction.atomic
def dispute_file(
    *,
    outage_id: int,
    requested: str,
    text: str,
    files: Sequence[UploadedFile],
    by,
    now: datetime,
) -> Dispute:
    """A carrier of the lot in force at the outage's start (a member of its contractor) asks
    for another responsibility, with text and files."""
    outage = Outage.objects.select_for_update().select_related("link").get(pk=outage_id)
    if not (holds(by, CARRIER_ROLES) and sees(by, outage)):
        raise PermissionDenied("Só uma operadora do lote pode contestar.")
    if requested not in DISPUTABLE:
        raise DomainError("Escolha a responsabilidade pedida.")
    if outage.responsibility not in (Responsibility.PENDING, Responsibility.CARRIER):
        raise DomainError(
            "Só se contesta uma indisponibilidade atribuída à operadora ou em análise."
        )
    if outage.disputes.filter(status=DisputeStatus.OPEN).exists():
        raise DomainError("Já há uma contestação em análise.")
    checked = uploads_check(raw_uploads(files), DISPUTE_EVIDENCE)
    dispute = Dispute(
        outage=outage,
        carrier_id=by.carrier_id,
        requested=requested,
        text=_require_reason(text),
        filed_by=by,
        filed_at=now,
    )
    dispute.full_clean()
    dispute.save()
    for item in checked:
        DisputeAttachment.objects.create(dispute=dispute, file=item.upload, name=item.name)
    _step_record(
        outage, action=DecisionAction.DISPUTED, reason=dispute.text, by=by, at=now, dispute=dispute
    )
    transaction.on_commit(noc_pending_forget)  # the NOC's badge (docs/noc.md)
    return dispute


@transaction.atomic
def dispute_decide(*, dispute_id: int, accept: bool, reason: str, by, now: datetime) -> Dispute:
    """The NOC accepts (the outage takes the responsibility asked for) or rejects a dispute."""
    require_noc(by)
    reason = _require_reason(reason)
    dispute = Dispute.objects.select_for_update().get(pk=dispute_id)
    to = DisputeStatus.ACCEPTED if accept else DisputeStatus.REJECTED
    if to not in ALLOWED_DISPUTE_TRANSITIONS[dispute.status]:
        raise DomainError("Esta contestação já foi decidida.")
    dispute.status = to
    dispute.decided_by = by
    dispute.decided_at = now
    dispute.decision_reason = reason
    dispute.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    transaction.on_commit(noc_pending_forget)
    outage = Outage.objects.select_for_update().get(pk=dispute.outage_id)
    if accept:
        outage_transition(
            outage=outage,
            to=dispute.requested,
            reason=reason,
            by=by,
            at=now,
            action=DecisionAction.DISPUTE_ACCEPTED,
            dispute=dispute,
        )
    else:
        _step_record(
            outage,
            action=DecisionAction.DISPUTE_REJECTED,
            reason=reason,
            by=by,
            at=now,
            dispute=dispute,
        )
    return dispute
