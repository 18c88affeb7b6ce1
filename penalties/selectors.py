"""Reads of fine proceedings for pages, PDFs and reports. Permissions are applied here
(`Proceeding.objects.visible_to`): carrier staff see only the proceedings against their lots,
and a proceeding a user may not see is a 404."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Max, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from inventory.models import Lot, LotMember
from monitoring.models import Outage
from orders.models import Order
from outbox.models import Message
from outbox.selectors import messages_by_ref, ref_of
from penalties.choices import (
    ALLOWED_TRANSITIONS,
    CONFIRM_QUESTIONS,
    DECISIONS,
    EXPIRIES,
    FILINGS,
    SYSTEM,
    DeadlineKind,
    OpinionKind,
    ProceedingStatus,
    Sanction,
    action_label,
)
from penalties.collection import ZERO, installment_amounts, month_index
from penalties.deadlines import AT_EXPIRY, business_days_left, filing_closes_at
from penalties.models import Collection, Document, Opinion, Proceeding, ProceedingEvent
from redegov.calendar import BusinessCalendar
from redegov.roles import Role, user_roles
from redegov.todo import TodoItem, due_by_end_of

S = ProceedingStatus


@dataclass(frozen=True)
class EvidenceItem:
    """Evidence to link at opening: kind "imr", "order" or "outage"."""

    kind: str
    reference: str
    description: str
    url: str = ""


def evidence_for(
    *, lot: Lot, order_numbers: list[str], outage_ids: list[int]
) -> list[EvidenceItem]:
    """Late service orders and outages of the lot's links, as evidence; ValidationError naming
    what is not the lot's, or not late."""
    now = timezone.now()
    orders = {o.number: o for o in Order.objects.filter(lot=lot, number__in=order_numbers)}
    late = set(
        Order.objects.filter(pk__in=[o.pk for o in orders.values()])
        .late(now)
        .values_list("pk", flat=True)
    )
    outages = {
        o.pk: o
        for o in Outage.objects.filter(pk__in=outage_ids, link__lot=lot).select_related("link")
    }
    wrong = [n for n in order_numbers if n not in orders or orders[n].pk not in late]
    wrong += [f"#{i}" for i in outage_ids if i not in outages]
    if wrong:
        raise ValidationError(
            "Não são OS em atraso nem indisponibilidades do lote: " + ", ".join(wrong)
        )
    items = [
        EvidenceItem(
            "order",
            number,
            f"{orders[number].get_order_type_display()} com prazo em "
            f"{timezone.localtime(orders[number].due_at):%d/%m/%Y %H:%M}",
            reverse("orders:order-detail", args=[orders[number].pk]),
        )
        for number in order_numbers
    ]
    items += [
        EvidenceItem(
            "outage",
            f"#{pk}",
            f"{outages[pk].link.circuit_id}: {outages[pk].get_kind_display()} de "
            f"{timezone.localtime(outages[pk].start):%d/%m/%Y %H:%M} a "
            + (
                f"{timezone.localtime(outages[pk].end):%d/%m/%Y %H:%M}"
                if outages[pk].end
                else "em aberto"
            ),
        )
        for pk in outage_ids
    ]
    return items


def proceeding_list(*, user) -> QuerySet[Proceeding]:
    return Proceeding.objects.visible_to(user).select_related(
        "contract", "lot", "carrier", "fine_type"
    )


def proceeding_get_for_user(*, user, pk: int) -> Proceeding:
    """A proceeding the user may see; 404 otherwise."""
    proceeding = proceeding_list(user=user).filter(pk=pk).first()
    if proceeding is None:
        raise Http404("Processo não encontrado")
    return proceeding


def proceeding_actor_role(user, proceeding: Proceeding, to: str) -> str | None:
    """The role in which `user` (None: the portal) may move `proceeding` to `to`, or None.
    Carrier staff act only on proceedings against a lot their carrier is a member of."""
    allowed = ALLOWED_TRANSITIONS.get(proceeding.status, {}).get(to, frozenset())
    if user is None:
        return SYSTEM if SYSTEM in allowed else None
    for role in sorted(user_roles(user) & allowed):
        if role != Role.CARRIER:
            return role
        if LotMember.objects.filter(lot=proceeding.lot_id, carrier=user.carrier_id).exists():
            return role
    return None


@dataclass(frozen=True)
class Action:
    to: str
    label: str
    decision: bool  # asks for outcome, amount and installments
    filing: bool  # the carrier's defense or appeal (documents)
    question: str = ""  # a negative move (cancel, dismiss): confirmed, with a reason


def proceeding_actions(*, user, proceeding: Proceeding, now: datetime) -> list[Action]:
    """The moves the user may make now (a filing only while its deadline is open, an expiry
    only after it)."""
    actions = []
    for to in ALLOWED_TRANSITIONS.get(proceeding.status, {}):
        role = proceeding_actor_role(user, proceeding, to)
        if role is None:
            continue
        move = (proceeding.status, to)
        filing = move in FILINGS and role == Role.CARRIER
        if filing or (move in EXPIRIES and role != Role.CARRIER):
            open_now = now < filing_closes_at(proceeding.due_date)
            if open_now != filing:
                continue
        actions.append(
            Action(
                to,
                action_label(proceeding.status, to),
                move in DECISIONS,
                filing,
                CONFIRM_QUESTIONS.get(to, ""),
            )
        )
    return actions


def opinion_kinds_for(*, user, proceeding: Proceeding) -> list[OpinionKind]:
    """The opinions the user may still write on this proceeding."""
    if proceeding.status != S.OPINION:
        return []
    written = set(proceeding.opinions.values_list("kind", flat=True))
    roles = user_roles(user)
    kinds = []
    if Role.BILLING in roles and OpinionKind.TECHNICAL not in written:
        kinds.append(OpinionKind.TECHNICAL)
    if Role.LEGAL in roles and OpinionKind.LEGAL not in written:
        kinds.append(OpinionKind.LEGAL)
    return kinds


@dataclass(frozen=True)
class DeadlineRow:
    kind: str
    label: str
    posted_at: datetime
    days: int
    starts: date
    last_day: date
    current: bool  # the deadline running now
    expired: bool
    days_left: int
    at_expiry: str


def proceeding_deadlines(proceeding: Proceeding, events: list[ProceedingEvent], now: datetime):
    """Every deadline the proceeding's steps started, the current one marked, with the
    business days left and what happens at its expiry."""
    calendar = BusinessCalendar()
    today = timezone.localdate(now)
    rows = []
    for event in events:
        if not event.deadline_kind:
            continue
        current = (
            proceeding.due_kind == event.deadline_kind
            and proceeding.due_date == event.deadline_date
            and event.to_status == proceeding.status
        )
        rows.append(
            DeadlineRow(
                kind=event.deadline_kind,
                label=DeadlineKind(event.deadline_kind).label,
                posted_at=event.at,
                days=event.deadline_days,
                starts=event.deadline_starts,
                last_day=event.deadline_date,
                current=current,
                expired=now >= filing_closes_at(event.deadline_date),
                days_left=business_days_left(today, event.deadline_date, calendar),
                at_expiry=AT_EXPIRY[event.deadline_kind],
            )
        )
    return rows


def proceeding_events(proceeding: Proceeding) -> list[ProceedingEvent]:
    return list(proceeding.events.select_related("actor").prefetch_related("documents"))


def proceeding_ending(proceeding: Proceeding, events: list[ProceedingEvent]):
    """The event that cancelled or dismissed the proceeding (who, when, why), or None."""
    if proceeding.status not in CONFIRM_QUESTIONS:
        return None
    return next((e for e in reversed(events) if e.to_status == proceeding.status), None)


@dataclass(frozen=True)
class Notice:
    """A posted notice (it counts as delivered at `event.at`, when posted in the portal) and
    its e-mailed copies, one outbox message per recipient, each with its own delivery."""

    event: ProceedingEvent
    copies: list[Message]


def proceeding_notices(events: list[ProceedingEvent]) -> list[Notice]:
    """The notices among a proceeding's events, oldest first, with their e-mailed copies."""
    notices = [event for event in events if event.notice]
    copies = messages_by_ref(ref_of(event) for event in notices)
    return [Notice(event, copies.get(ref_of(event), [])) for event in notices]


def proceeding_documents(proceeding: Proceeding) -> list[Document]:
    return list(proceeding.documents.select_related("uploaded_by"))


def document_get_for_user(*, user, proceeding_pk: int, pk: int) -> Document:
    proceeding = proceeding_get_for_user(user=user, pk=proceeding_pk)
    document = proceeding.documents.filter(pk=pk).first()
    if document is None:
        raise Http404("Documento não encontrado")
    return document


def notice_get_for_user(*, user, proceeding_pk: int, pk: int) -> ProceedingEvent:
    """A posted notice (notification or decision) of a proceeding the user may see."""
    proceeding = proceeding_get_for_user(user=user, pk=proceeding_pk)
    event = proceeding.events.filter(pk=pk, notice=True).select_related("actor").first()
    if event is None:
        raise Http404("Notificação não encontrada")
    return event


@dataclass(frozen=True)
class ScheduleRow:
    number: int
    month: date
    installment: Decimal
    due: Decimal | None  # None: not closed yet
    collected: Decimal | None
    carried: Decimal | None


def proceeding_schedule(proceeding: Proceeding) -> list[ScheduleRow]:
    """The installments by month, with what each closed month collected and carried."""
    if not proceeding.first_month or not proceeding.amount:
        return []
    closed = {(c.year, c.month): c for c in proceeding.collections.all()}
    first = month_index(proceeding.first_month.year, proceeding.first_month.month)
    amounts = installment_amounts(proceeding.amount, proceeding.installments)
    last = max([first + len(amounts) - 1, *(month_index(y, m) for y, m in closed)])
    rows = []
    for index in range(first, last + 1):
        year, month = index // 12, index % 12 + 1
        record = closed.get((year, month))
        offset = index - first
        rows.append(
            ScheduleRow(
                number=offset + 1,
                month=date(year, month, 1),
                installment=amounts[offset] if offset < len(amounts) else ZERO,
                due=record.due if record else None,
                collected=record.collected if record else None,
                carried=record.carried if record else None,
            )
        )
    return rows


def proceeding_collected(proceeding: Proceeding) -> Decimal:
    return proceeding.collections.aggregate(total=Sum("collected"))["total"] or ZERO


@dataclass
class ReportRow:
    carrier: str
    status: str
    count: int = 0
    amount: Decimal = ZERO
    collected: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.collected


def fines_report(*, user) -> list[ReportRow]:
    """Fines by carrier (the contractor's leader) and status: how many, decided amount,
    collected and outstanding (cancelled and archived ones owe nothing)."""
    proceedings = proceeding_list(user=user).filter(sanction=Sanction.FINE)
    collected = dict(
        Collection.objects.filter(proceeding__in=proceedings.values("pk"))
        .values("proceeding_id")
        .annotate(total=Sum("collected"))
        .values_list("proceeding_id", "total")
    )
    rows: dict[tuple[str, str], ReportRow] = {}
    for p in proceedings.order_by("carrier__name", "status"):
        key = (p.carrier.name, p.status)
        row = rows.setdefault(key, ReportRow(p.carrier.name, p.get_status_display()))
        row.count += 1
        if p.status not in (S.CANCELLED, S.ARCHIVED):
            row.amount += p.amount if p.amount is not None else (p.proposed_amount or ZERO)
        row.collected += collected.get(p.pk, ZERO)
    return list(rows.values())


@dataclass(frozen=True)
class _Task:
    """A step that waits for one role: the proceedings in `status` (and `extra`), its words."""

    role: str
    status: str
    words: str
    extra: Q = field(default_factory=Q)


def _has_opinion(kind: str) -> Q:
    return Q(pk__in=Opinion.objects.filter(kind=kind).values("proceeding_id"))


# What waits for whom (penalties.choices.ALLOWED_TRANSITIONS, the moves a person makes). The
# carrier's filings wait only while open: once their deadline passes the portal moves on
# (`proceedings_expire`); each opinion waits for its author until given; the decision waits for
# the authority once both opinions exist.
TASKS = (
    _Task(Role.CARRIER, S.NOTIFIED, "apresentar a defesa"),
    _Task(Role.CARRIER, S.DECIDED, "recorrer da decisão, se for o caso"),
    _Task(Role.BILLING, S.OPENED, "notificar a operadora"),
    _Task(
        Role.BILLING,
        S.OPINION,
        "emitir o parecer técnico",
        ~_has_opinion(OpinionKind.TECHNICAL),
    ),
    _Task(
        Role.LEGAL,
        S.OPINION,
        "emitir o parecer jurídico",
        ~_has_opinion(OpinionKind.LEGAL),
    ),
    _Task(
        Role.AUTHORITY,
        S.OPINION,
        "decidir",
        _has_opinion(OpinionKind.TECHNICAL) & _has_opinion(OpinionKind.LEGAL),
    ),
    _Task(Role.AUTHORITY, S.APPEALED, "reconsiderar ou encaminhar o recurso"),
    _Task(Role.AUTHORITY, S.SUPERIOR, "decidir o recurso (autoridade superior)"),
    _Task(Role.BILLING, S.FINAL, "registrar a sanção"),
    _Task(
        Role.BILLING, S.REGISTERED, "iniciar a cobrança", Q(sanction=Sanction.FINE, amount__gt=0)
    ),
)


def proceeding_todo(*, user, now: datetime) -> list[TodoItem]:
    """What waits for the user's roles in the proceedings the user may see (a carrier, those
    against its lots): the carrier's defense and appeal while their deadline is open, each
    opinion until given, the authority's decisions, billing's notices, registrations and
    collections. Each item carries its deadline when the step has one."""
    roles = user_roles(user)
    today = timezone.localdate(now)
    visible = proceeding_list(user=user).annotate(since=Max("events__at"))
    items = []
    for task in TASKS:
        if task.role not in roles:
            continue
        rows = visible.filter(task.extra, status=task.status)
        if task.role == Role.CARRIER:
            rows = rows.filter(due_date__gte=today)
        for p in rows.order_by("due_date", "number"):
            items.append(
                TodoItem(
                    title=f"Processo {p.number}: {task.words}",
                    detail=f"{p.carrier.name}, lote {p.lot.number} · {p.get_status_display()}",
                    url=reverse("penalties:proceeding-detail", args=[p.pk]),
                    since=p.since,
                    **(due_by_end_of(p.due_date) if p.due_date else {}),
                )
            )
    return items
