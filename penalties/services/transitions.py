"""Moving fine proceedings on: `proceeding_transition` is the only code that moves one, applying
the move's rules (who, the deadlines, the decision) under a row lock; `opinion_add` files the
technical or legal opinion; `proceeding_expire` makes the move of a deadline that expired
(`proceedings_expired_ids` finds them, `proceedings_expire` runs them all)."""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core.exceptions import DomainError
from penalties.choices import (
    ALLOWED_TRANSITIONS,
    AUTHORITY_DEADLINES,
    CONFIRM_QUESTIONS,
    DECISIONS,
    EXPIRIES,
    EXPIRY_LABELS,
    FILINGS,
    NOTICES,
    REASON_REQUIRED,
    DeadlineKind,
    DocumentStep,
    OpinionKind,
    Outcome,
    Sanction,
    action_label,
)
from penalties.choices import ProceedingStatus as S
from penalties.collection import ZERO, month_index
from penalties.deadlines import (
    deadline_days_for,
    deadline_from,
    filing_closes_at,
)
from penalties.models import (
    CollectionMonth,
    Opinion,
    Proceeding,
)
from penalties.selectors import proceeding_actor_role
from penalties.services.opening import fine_amount_check
from penalties.services.records import (
    documents_save,
    event_record,
    move_mail,
)
from redegov.calendar import BusinessCalendar
from redegov.models import User
from redegov.roles import Role, has_role

# Which document step each move's uploads belong to.
DOCUMENT_STEPS = {
    S.NOTIFIED: DocumentStep.OPENING,
    S.OPINION: DocumentStep.DEFENSE,
    S.DECIDED: DocumentStep.DECISION,
    S.ARCHIVED: DocumentStep.DECISION,
    S.APPEALED: DocumentStep.APPEAL,
    S.SUPERIOR: DocumentStep.RECONSIDERATION,
    S.FINAL: DocumentStep.FINAL,
    S.REGISTERED: DocumentStep.REGISTRATION,
}


def _deadline_check(proceeding: Proceeding, role: str, at: datetime, move: tuple) -> None:
    """A carrier's filing (defense, appeal) is open until 23:59:59 local of the deadline's last
    day; the move at its expiry (by billing staff or the portal) only from 00:00 after it."""
    filing = role == Role.CARRIER and move in FILINGS
    expiry = role != Role.CARRIER and move in EXPIRIES
    if not (filing or expiry):
        return
    closes_at = filing_closes_at(proceeding.due_date)
    label = DeadlineKind(FILINGS[move] if filing else EXPIRIES[move]).label.lower()
    last = f"{proceeding.due_date:%d/%m/%Y} às 23:59:59"
    if filing and at >= closes_at:
        raise DomainError(
            f"Prazo de {label} encerrado: o último dia foi {last}; "
            f"{timezone.localtime(at):%d/%m/%Y %H:%M} é depois dele."
        )
    if expiry and at < closes_at:
        raise DomainError(f"O prazo de {label} da operadora está aberto até {last}.")


def _decision_apply(
    proceeding: Proceeding, to: str, outcome: str, amount: Decimal | None, installments: int
) -> None:
    """A decision (first, reconsideration or superior): dismissed archives; applied keeps the
    amount under decision (the proposal, or the decision appealed); reduced lowers it."""
    if (to == S.ARCHIVED) != (outcome == Outcome.DISMISSED):
        raise ValidationError({"outcome": "Improcedência arquiva; aplicar ou reduzir decide."})
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Informe a decisão."})
    proceeding.outcome = outcome
    if outcome == Outcome.DISMISSED or proceeding.sanction == Sanction.WARNING:
        proceeding.amount = ZERO if outcome != Outcome.DISMISSED else None
        proceeding.installments = 1
        return
    current = proceeding.amount if proceeding.amount is not None else proceeding.proposed_amount
    if outcome == Outcome.REDUCED:
        if amount is None or not amount < current:
            raise ValidationError({"amount": f"A multa reduzida deve ser menor que R$ {current}."})
        fine_amount_check(
            regime=proceeding.regime, contract_value=proceeding.contract.value, amount=amount
        )
        current = amount
    if installments < 1 or Decimal(installments) > current * 100:
        raise ValidationError({"installments": "Informe de 1 a N parcelas de ao menos R$ 0,01."})
    proceeding.amount = current
    proceeding.installments = installments


def _first_month(final_at: datetime) -> date:
    """The earliest month after the one in which the decision became final whose closing has
    not recorded collections yet."""
    day = timezone.localdate(final_at)
    index = month_index(day.year, day.month) + 1
    closed = {
        month_index(y, m)
        for y, m in CollectionMonth.objects.filter(year__gte=day.year).values_list("year", "month")
    }
    while index in closed:
        index += 1
    return date(index // 12, index % 12 + 1, 1)


@transaction.atomic
def proceeding_transition(
    *,
    proceeding: Proceeding,
    to: str,
    user: User | None,
    reason: str = "",
    documents: Sequence[UploadedFile] = (),
    outcome: str = "",
    amount: Decimal | None = None,
    installments: int = 1,
    at: datetime | None = None,
) -> Proceeding:
    """Move a proceeding to `to` as `user` (None: the portal), with its rules and its event.

    Does nothing when it already is in `to`. Refuses a move that the table
    (`penalties.choices.ALLOWED_TRANSITIONS`) does not give to the user's role on this
    proceeding, a filing after its deadline (with the reason) and an expiry before it. A notice
    starts the carrier's deadline; a decision needs both opinions, its outcome and reasons.
    `at` defaults to now (tests and the demo pass other instants)."""
    at = at or timezone.now()
    proceeding = (
        Proceeding.objects.select_for_update().select_related("contract").get(pk=proceeding.pk)
    )
    if proceeding.status == to:
        return proceeding
    source = proceeding.status
    role = proceeding_actor_role(user, proceeding, to)
    if role is None:
        nexts = ", ".join(S(t).label for t in ALLOWED_TRANSITIONS.get(source, {})) or "nenhum"
        raise DomainError(
            f"O processo {proceeding} está em “{proceeding.get_status_display()}”: não pode "
            f"passar a “{S(to).label}” por este usuário (próximos passos: {nexts})."
        )
    reason = reason.strip()
    move = (source, to)
    if to == S.ARCHIVED:  # archiving is the dismissal: no other outcome to choose
        outcome = outcome or Outcome.DISMISSED
    if (move in REASON_REQUIRED or move in DECISIONS) and not reason:
        raise ValidationError({"reason": "Informe o motivo / a fundamentação."})
    _deadline_check(proceeding, role, at, move)
    if move in FILINGS and role == Role.CARRIER and not (reason or documents):
        raise ValidationError({"reason": "Escreva as razões ou anexe o documento em PDF."})
    if move in DECISIONS:
        if source == S.OPINION and proceeding.opinions.count() < len(OpinionKind.values):
            raise DomainError("A decisão exige o parecer técnico e o parecer jurídico.")
        _decision_apply(proceeding, to, outcome, amount, installments)
    if to == S.FINAL:
        proceeding.final_at = at
    if to == S.COLLECTING:
        if proceeding.sanction != Sanction.FINE or not proceeding.amount:
            raise DomainError("Só uma multa é cobrada; uma advertência termina no registro.")
        proceeding.first_month = _first_month(proceeding.final_at)
    deadline = None
    kind = NOTICES.get(move) or AUTHORITY_DEADLINES.get(move)
    if kind:
        days = deadline_days_for(proceeding.contract, kind)
        found = deadline_from(at, days, BusinessCalendar())
        deadline = (kind, days, found.starts, found.last_day)
    proceeding.due_kind, proceeding.due_date = (
        (deadline[0], deadline[3]) if deadline else ("", None)
    )
    proceeding.status = to
    proceeding.full_clean()
    proceeding.save()
    expired = role != Role.CARRIER and move in EXPIRIES
    event = event_record(
        proceeding,
        source=source,
        user=user,
        at=at,
        label=_label(source, to, expired),
        reason=reason,
        deadline=deadline,
        notice=move in NOTICES,
    )
    if expired or to in CONFIRM_QUESTIONS:
        move_mail(event)
    if documents:
        if user is None:
            raise DomainError("O portal não anexa documentos.")
        step = DOCUMENT_STEPS.get(to, DocumentStep.OTHER)
        documents_save(proceeding, documents, step=step, user=user, at=at, event=event)
    return proceeding


def _label(source: str, to: str, expired: bool) -> str:
    if expired:
        return EXPIRY_LABELS[(source, to)]
    return action_label(source, to)


@transaction.atomic
def opinion_add(
    *,
    proceeding: Proceeding,
    kind: str,
    user: User,
    text: str,
    documents: Sequence[UploadedFile] = (),
    at: datetime | None = None,
) -> Opinion:
    """The technical opinion (billing staff only) or the legal opinion (legal counsel only),
    once each, while the proceeding waits for opinions."""
    at = at or timezone.now()
    proceeding = Proceeding.objects.select_for_update().get(pk=proceeding.pk)
    author_role = {OpinionKind.TECHNICAL: Role.BILLING, OpinionKind.LEGAL: Role.LEGAL}.get(kind)
    if author_role is None or not has_role(user, author_role):
        raise DomainError(
            "Só a assessoria jurídica emite o parecer jurídico e só a equipe de faturamento "
            "(UGS), o parecer técnico."
        )
    if proceeding.status != S.OPINION:
        raise DomainError(f"O processo {proceeding} não está na fase de pareceres.")
    if proceeding.opinions.filter(kind=kind).exists():
        raise DomainError(f"O {OpinionKind(kind).label.lower()} já foi emitido.")
    if not text.strip():
        raise ValidationError({"text": "Escreva o parecer."})
    opinion = Opinion(proceeding=proceeding, kind=kind, text=text.strip(), author=user, at=at)
    opinion.full_clean()
    opinion.save()
    step = DocumentStep.TECHNICAL if kind == OpinionKind.TECHNICAL else DocumentStep.LEGAL
    documents_save(proceeding, documents, step=step, user=user, at=at)
    return opinion


# The portal's move at the end of each carrier deadline, by the step it ends.
EXPIRY_MOVES = dict(EXPIRIES.keys())


def proceedings_expired_ids(*, now: datetime) -> list[int]:
    """The proceedings whose carrier deadline (defense, appeal) has ended by `now` (00:00 local
    after its last day) with no filing: they are still in the filing's step."""
    return list(
        Proceeding.objects.filter(
            status__in=EXPIRY_MOVES, due_date__lt=timezone.localdate(now)
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def proceeding_expire(*, proceeding_id: int, now: datetime) -> Proceeding | None:
    """Move one proceeding on at its deadline's end, as the portal (audited as an event
    without actor; the contractor's staff are e-mailed through the outbox). State guard: None
    when it already moved (a filing in time, an earlier run) or its deadline is still open."""
    proceeding = Proceeding.objects.select_for_update().filter(pk=proceeding_id).first()
    if proceeding is None or proceeding.status not in EXPIRY_MOVES or proceeding.due_date is None:
        return None
    if now < filing_closes_at(proceeding.due_date):
        return None
    to = EXPIRY_MOVES[proceeding.status]
    return proceeding_transition(proceeding=proceeding, to=to, user=None, at=now)


def proceedings_expire(*, now: datetime | None = None) -> list[Proceeding]:
    """Every expiry move due by `now` (the demo and tests; the beat enqueues one task per
    proceeding instead). Safe to run at any time, twice."""
    now = now or timezone.now()
    moved = (
        proceeding_expire(proceeding_id=pk, now=now) for pk in proceedings_expired_ids(now=now)
    )
    return [p for p in moved if p is not None]
