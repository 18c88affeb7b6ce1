"""Writes of fine proceedings. `proceeding_open` (by hand) and `proceeding_open_from_flag` (a
repeated-breach flag's ready-made proceeding) open one; `proceeding_transition` is the only code
that moves one, applying the move's rules (who, the deadlines, the decision) under a row lock;
`opinion_add` files the technical or legal opinion; `proceedings_expire` makes the moves of
deadlines that expired; `fines_month_close` records, at a month's closing, what its statements
collected of each fine (final) and ends the fines paid or left over at the contract's end."""

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from core.exceptions import DomainError
from core.money import round_brl
from inventory.choices import Regime
from inventory.models import Lot
from outbox.choices import MessageKind
from outbox.models import Message
from outbox.selectors import ref_of
from outbox.services import message_email
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
from penalties.collection import ZERO, MonthFines, fines_due, month_index
from penalties.deadlines import (
    business_days_left,
    deadline_days_for,
    deadline_from,
    filing_closes_at,
)
from penalties.models import (
    Collection,
    CollectionMonth,
    Document,
    Evidence,
    FineType,
    Opinion,
    PenaltySettings,
    Proceeding,
    ProceedingEvent,
    ProceedingNumber,
)
from penalties.selectors import EvidenceItem, proceeding_actor_role
from redegov.access import BILLING_STAFF, holds
from redegov.calendar import BusinessCalendar
from redegov.models import User
from redegov.roles import Role, has_role
from redegov.uploads import PROCEEDING_DOCUMENT, raw_uploads, uploads_check
from sla.choices import FlagStatus
from sla.models import BreachFlag
from sla.selectors import proceeding_draft
from sla.services import breach_flag_transition

# Lei 14.133/21, art. 156 § 3: a fine is between 0,5% and 30% of the contract's value.
LEI_14133_RANGE = (Decimal("0.5"), Decimal("30"))
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


def _documents_save(
    proceeding: Proceeding,
    uploads: Sequence[UploadedFile],
    *,
    step: str,
    user: User,
    at: datetime,
    event: ProceedingEvent | None = None,
) -> None:
    for checked in uploads_check(raw_uploads(uploads), PROCEEDING_DOCUMENT):
        upload, name = checked.upload, checked.name
        document = Document(
            proceeding=proceeding,
            event=event,
            step=step,
            name=name,
            size=upload.size,
            uploaded_by=user,
            uploaded_at=at,
        )
        document.file.save(name, upload, save=False)
        document.save()


def fine_type_amount(fine_type: FineType) -> Decimal:
    """The catalog's amount, or its percentage of the contract's value (half-up)."""
    if fine_type.amount is not None:
        return fine_type.amount
    return round_brl(fine_type.contract.value * fine_type.percent / 100)


def fine_amount_check(*, regime: str, contract_value: Decimal, amount: Decimal) -> None:
    """Refuse a fine outside the legal range (Lei 14.133/21: 0,5% to 30% of the contract)."""
    if amount <= 0:
        raise ValidationError({"amount": "A multa deve ser maior que zero."})
    if regime != Regime.LEI_14133:
        return
    low, high = (round_brl(contract_value * pct / 100) for pct in LEI_14133_RANGE)
    if not low <= amount <= high:
        raise ValidationError(
            {
                "amount": f"Pela Lei 14.133/21 a multa vai de 0,5% a 30% do valor do contrato: "
                f"de R$ {low} a R$ {high}."
            }
        )


def fine_type_check(fine_type: FineType) -> None:
    """A catalog entry's amount must be within the contract's regime's legal range."""
    fine_amount_check(
        regime=fine_type.contract.regime,
        contract_value=fine_type.contract.value,
        amount=fine_type_amount(fine_type),
    )


def _number(year: int) -> str:
    counter, _ = ProceedingNumber.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"PAM-{year}-{counter.last:04d}"


def _require_billing(user: User) -> None:
    if not holds(user, BILLING_STAFF):
        raise DomainError("Só a equipe de faturamento (UGS) abre processos de multa.")


@transaction.atomic
def proceeding_open(
    *,
    user: User,
    lot: Lot,
    facts: str,
    sanction: str,
    fine_type: FineType | None = None,
    evidence: Sequence[EvidenceItem] = (),
    documents: Sequence[UploadedFile] = (),
    flag: BreachFlag | None = None,
    at: datetime | None = None,
) -> Proceeding:
    """Billing staff open a proceeding against the lot's contractor (a consortium as a whole),
    with the facts, the evidence and the proposed sanction (a warning, or a fine of the
    contract's catalog)."""
    at = at or timezone.now()
    _require_billing(user)
    contract = lot.contract
    proposed = None
    if sanction == Sanction.FINE:
        if fine_type is None or fine_type.contract_id != contract.pk:
            raise ValidationError({"fine_type": "Escolha uma multa do catálogo do contrato."})
        fine_type_check(fine_type)
        proposed = fine_type_amount(fine_type)
    leader = lot.members.order_by("position").select_related("carrier").first()
    if leader is None:
        raise ValidationError({"lot": "O lote não tem contratado."})
    proceeding = Proceeding(
        number=_number(timezone.localdate(at).year),
        contract=contract,
        lot=lot,
        carrier=leader.carrier,
        regime=contract.regime,
        flag=flag,
        facts=facts.strip(),
        sanction=sanction,
        fine_type=fine_type if sanction == Sanction.FINE else None,
        proposed_amount=proposed,
        opened_by=user,
        opened_at=at,
    )
    proceeding.full_clean()
    proceeding.save()
    for item in evidence:
        Evidence.objects.create(
            proceeding=proceeding,
            kind=item.kind,
            reference=item.reference,
            description=item.description,
            url=item.url,
        )
    event = _record(proceeding, source="", user=user, at=at, label="Abertura")
    _documents_save(proceeding, documents, step=DocumentStep.OPENING, user=user, at=at, event=event)
    return proceeding


@transaction.atomic
def proceeding_open_from_flag(
    *,
    user: User,
    flag: BreachFlag,
    sanction: str,
    fine_type: FineType | None = None,
    at: datetime | None = None,
) -> Proceeding:
    """Open the flag's ready-made proceeding (`sla.selectors.proceeding_draft`): its facts and
    evidence, against its lot's contractor; the flag is marked opened with its number."""
    at = at or timezone.now()
    flag = BreachFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != FlagStatus.OFFERED:
        raise DomainError(f"A reincidência já está {flag.get_status_display().lower()}.")
    draft = proceeding_draft(flag)
    proceeding = proceeding_open(
        user=user,
        lot=draft.lot,
        facts=draft.facts,
        sanction=sanction,
        fine_type=fine_type,
        flag=flag,
        evidence=[
            EvidenceItem(
                kind="imr",
                reference=f"{draft.indicator} {item.month}",
                description=f"Resultado {item.value}% para a meta de {item.target}%",
                url=item.url,
            )
            for item in draft.evidence
        ],
        at=at,
    )
    breach_flag_transition(
        flag=flag,
        to=FlagStatus.OPENED,
        user=user,
        now=at,
        proceeding_reference=proceeding.number,
    )
    return proceeding


def _record(
    proceeding: Proceeding,
    *,
    source: str,
    user: User | None,
    at: datetime,
    label: str,
    reason: str = "",
    deadline: tuple[str, int, date, date] | None = None,
    notice: bool = False,
) -> ProceedingEvent:
    kind, days, starts, last_day = deadline or ("", None, None, None)
    event = ProceedingEvent(
        proceeding=proceeding,
        from_status=source,
        to_status=proceeding.status,
        actor=user,
        at=at,
        label=label,
        reason=reason,
        deadline_kind=kind,
        deadline_days=days,
        deadline_starts=starts,
        deadline_date=last_day,
        notice=notice,
    )
    event.full_clean()
    event.save()
    if notice:
        _notice_mail(event)
    return event


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
    event = _record(
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
        _move_mail(event)
    if documents:
        if user is None:
            raise DomainError("O portal não anexa documentos.")
        step = DOCUMENT_STEPS.get(to, DocumentStep.OTHER)
        _documents_save(proceeding, documents, step=step, user=user, at=at, event=event)
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
    _documents_save(proceeding, documents, step=step, user=user, at=at)
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


@transaction.atomic
def fines_month_close(
    *, year: int, month: int, applied_by_lot: dict[int, Decimal], now: datetime
) -> list[Collection]:
    """At a month's closing (billing calls this in the closing transaction): record what its
    statement lines collected of each fine (`applied_by_lot`: the lines' fines summed by lot)
    and what carries on, as final; end the fines paid in full; and at the contract's end mark
    what is left for the guarantee (up to its amount) or judicial collection. Twice does
    nothing."""
    _, created = CollectionMonth.objects.get_or_create(
        year=year, month=month, defaults={"closed_at": now}
    )
    if not created:
        return []
    month_fines: MonthFines = fines_due(year=year, month=month)
    records = [
        Collection.objects.create(
            proceeding_id=due.proceeding_id,
            year=year,
            month=month,
            due=due.due,
            collected=part,
            carried=due.due - part,
        )
        for due, part in month_fines.attributed(applied_by_lot)
    ]
    closed = {month_index(y, m) for y, m in CollectionMonth.objects.values_list("year", "month")}
    for proceeding in (
        Proceeding.objects.filter(status=S.COLLECTING)
        .select_related("contract")
        .order_by("final_at", "pk")
    ):
        left = proceeding.amount - _collected(proceeding)
        if not left:
            proceeding_transition(proceeding=proceeding, to=S.PAID, user=None, at=now)
        elif _contract_months_closed(proceeding, closed):
            _leftover_mark(proceeding, left, now)
    return records


def _contract_months_closed(proceeding: Proceeding, closed: set[int]) -> bool:
    """Whether every month from the fine's first month to its contract's last one is closed:
    only then is what is left of it a leftover (months close in any order, and an earlier month
    still open collects its own installment)."""
    end = proceeding.contract.end_date
    first = month_index(proceeding.first_month.year, proceeding.first_month.month)
    return all(index in closed for index in range(first, month_index(end.year, end.month) + 1))


def _collected(proceeding: Proceeding) -> Decimal:
    return proceeding.collections.aggregate(total=Sum("collected"))["total"] or ZERO


def _leftover_mark(proceeding: Proceeding, left: Decimal, now: datetime) -> None:
    """What is left of a fine when its contract ended: to the contract's guarantee while it
    lasts (fines in order of their final decision), the rest to judicial collection."""
    guarantee = (
        PenaltySettings.objects.filter(contract=proceeding.contract)
        .values_list("guarantee", flat=True)
        .first()
        or ZERO
    )
    used = (
        Proceeding.objects.filter(contract=proceeding.contract).aggregate(
            total=Sum("leftover_guarantee")
        )["total"]
        or ZERO
    )
    to_guarantee = min(left, max(guarantee - used, ZERO))
    proceeding.leftover_guarantee = to_guarantee
    proceeding.leftover_judicial = left - to_guarantee
    proceeding.save(update_fields=["leftover_guarantee", "leftover_judicial"])
    to = S.JUDICIAL if proceeding.leftover_judicial else S.GUARANTEE
    proceeding_transition(proceeding=proceeding, to=to, user=None, at=now)


def _contractor_emails(proceeding: Proceeding) -> list[str]:
    """The e-mail addresses of the contractor's staff: every member of a consortium."""
    return sorted(
        User.objects.filter(carrier__lot_memberships__lot=proceeding.lot_id, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def _event_mail(event: ProceedingEvent, text: str) -> None:
    """One outbox message about a step to each of the contractor's staff (every member of a
    consortium), with the step's link; the caller holds the transaction."""
    proceeding = event.proceeding
    link = reverse("penalties:proceeding-detail", args=[proceeding.pk])
    for address in _contractor_emails(proceeding):
        message_email(
            kind=MessageKind.PROCEEDING_NOTICE,
            ref=ref_of(event),
            to=[address],
            subject=f"[Rede Governo] {proceeding}: {event.label}",
            body=f"{text}\n\n{settings.PORTAL_URL}{link}",
        )


def _notice_mail(event: ProceedingEvent) -> None:
    """The e-mailed copies of a posted notice, so the proceeding page shows each one's
    delivery. The notice itself counts from its posting (`event.at`)."""
    _event_mail(
        event,
        f"O processo administrativo de multa {event.proceeding} tem uma notificação publicada "
        f"no portal em {timezone.localtime(event.at):%d/%m/%Y %H:%M}. Prazo: "
        f"{event.deadline_days} dias úteis, de {event.deadline_starts:%d/%m/%Y} até "
        f"{event.deadline_date:%d/%m/%Y} às 23:59:59.",
    )


def _move_mail(event: ProceedingEvent) -> None:
    """Tell the contractor's staff of a move they did not make and no notice announces: the
    portal moving on after their deadline expired, a cancellation or a dismissal, with its
    reason."""
    _event_mail(
        event,
        f"O processo administrativo de multa {event.proceeding} passou a "
        f"“{event.get_to_status_display()}” em {timezone.localtime(event.at):%d/%m/%Y %H:%M}: "
        f"{event.label}." + (f"\n\nMotivo: {event.reason}" if event.reason else ""),
    )


# A carrier is reminded of its open deadline (defense, appeal) from this many business days
# before the last day.
REMINDER_BUSINESS_DAYS = 2
REMINDER_KEYS = uuid.UUID("6b1f2a0e-5d7c-4e0b-9a53-2f4c8d1e7a90")  # uuid5 namespace


def proceeding_deadline_reminders(*, now: datetime | None = None) -> int:
    """E-mail the contractor's staff a reminder of each carrier deadline still open whose last
    day is at most REMINDER_BUSINESS_DAYS business days away. One outbox message per person
    and deadline, its key derived from both (uuid5), so that running this daily, or twice,
    writes each reminder once. Returns how many reminders it wrote now. A reminder moves no
    deadline: the notice counted from its posting."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendar = BusinessCalendar()
    written = 0
    for source, _ in FILINGS:
        for proceeding in Proceeding.objects.filter(status=source, due_date__gte=today):
            days_left = business_days_left(today, proceeding.due_date, calendar)
            if days_left > REMINDER_BUSINESS_DAYS or now >= filing_closes_at(proceeding.due_date):
                continue
            event = proceeding.events.filter(notice=True, to_status=source).order_by("-at").first()
            if event is None:
                continue
            written += _reminder_mail(proceeding, event, days_left)
    return written


def _reminder_mail(proceeding: Proceeding, event: ProceedingEvent, days_left: int) -> int:
    when = "hoje" if days_left == 0 else f"em {days_left} dia(s) útil(eis)"
    body = (
        f"Lembrete: o prazo de {event.get_deadline_kind_display().lower()} do processo "
        f"administrativo de multa {proceeding} termina {when}, em "
        f"{proceeding.due_date:%d/%m/%Y} às 23:59:59. A notificação foi publicada no portal em "
        f"{timezone.localtime(event.at):%d/%m/%Y %H:%M}, e o prazo conta dela.\n\n"
        f"{settings.PORTAL_URL}{reverse('penalties:proceeding-detail', args=[proceeding.pk])}"
    )
    written = 0
    for address in _contractor_emails(proceeding):
        key = uuid.uuid5(REMINDER_KEYS, f"{event.pk}:{address}")
        existed = Message.objects.filter(key=key).exists()
        message_email(
            kind=MessageKind.DEADLINE_REMINDER,
            ref=ref_of(event),
            to=[address],
            subject=f"[Rede Governo] {proceeding}: prazo termina em {proceeding.due_date:%d/%m/%Y}",
            body=body,
            key=key,
        )
        written += not existed
    return written
