"""Reads of orders for pages, exports, the compliance report and tasks. Permissions are applied
here (`Order.objects.visible_to`, the access policy's `redegov.access.order_rows`)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Exists, Max, OuterRef, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from inventory.choices import LinkStatus
from inventory.models import AgencyUnit, Contract, Link, Lot, Municipality, PriceItem
from inventory.selectors import link_list
from monitoring.models import EVIDENCE_WINDOW_MINUTES, PollWindow, SnmpSample
from monitoring.selectors import latest_windows
from orders.choices import (
    ALLOWED_TRANSITIONS,
    CONFIRM_QUESTIONS,
    NOT_COUNTED,
    REASON_REQUIRED,
    SYSTEM,
    ClockState,
    OrderStatus,
    OrderType,
    action_label,
)
from orders.clocks import DEFAULT_DEADLINES, ClockReading, PauseSpan, clock_read, due_date_for
from orders.models import Order, OrderDeadline
from redegov.access import NETWORK_WIDE
from redegov.calendar import BusinessCalendar
from redegov.models import User
from redegov.roles import Role, has_role, user_roles
from redegov.todo import TodoItem

FINAL = frozenset({OrderStatus.CLOSED, OrderStatus.CANCELLED, OrderStatus.REJECTED})


def order_list(*, user) -> QuerySet[Order]:
    return (
        Order.objects.visible_to(user)
        .select_related("agency", "unit", "municipality", "lot", "carrier", "link")
        .prefetch_related("pauses")
    )


def order_get_for_user(*, user, pk: int) -> Order:
    """An order the user may see; 404 otherwise."""
    order = order_list(user=user).filter(pk=pk).select_related("replaced_link").first()
    if order is None:
        raise Http404("Ordem de serviço não encontrada")
    return order


def order_deadline_for(*, contract: Contract, order_type: str, region: str) -> tuple[int, bool]:
    """(days, business days?) of the contract's deadline, or the default of docs/domain.md
    section 3."""
    row = OrderDeadline.objects.filter(
        contract=contract, order_type=order_type, region=region
    ).first()
    if row is not None:
        return row.days, row.business_days
    return DEFAULT_DEADLINES[(order_type, region)]


def contract_for_municipality(*, municipality: Municipality, day: date) -> tuple[Contract, Lot]:
    """The contract in force on `day` whose lots cover the municipality, and that lot."""
    lot = (
        Lot.objects.filter(
            coverage__municipality=municipality,
            contract__start_date__lte=day,
            contract__end_date__gte=day,
        )
        .select_related("contract")
        .order_by("-contract__start_date")
        .first()
    )
    if lot is None:
        raise Http404(f"Nenhum contrato vigente cobre {municipality.name}")
    return lot.contract, lot


def price_sold(*, lot: Lot, speed_mbps: int, region: str, access_type: str, day: date) -> bool:
    """Whether the lot's price table sells this kind of access on `day`."""
    return PriceItem.objects.filter(
        lot=lot,
        speed_mbps=speed_mbps,
        region=region,
        access_type=access_type,
        valid_from__lte=day,
    ).exists()


def sold_speeds(*, lot: Lot, region: str, access_type: str, day: date) -> list[int]:
    return sorted(
        set(
            PriceItem.objects.filter(
                lot=lot, region=region, access_type=access_type, valid_from__lte=day
            ).values_list("speed_mbps", flat=True)
        )
    )


@dataclass(frozen=True)
class OrderOffer:
    """What the draft form shows before it is saved: the lot that serves the site, the speeds
    on sale there for the access type, the monthly price of the chosen speed and the deadline
    the order would get if the NOC dispatched it today."""

    lot: Lot
    speeds: list[int]
    monthly_price: Decimal | None
    deadline_days: int
    business_days: bool
    due_if_dispatched_today: date


def order_offer(
    *,
    municipality: Municipality,
    access_type: str,
    speed_mbps: int | None,
    order_type: str,
    at: datetime,
) -> OrderOffer | None:
    """The offer for a site at `at`, or None when no contract in force covers it."""
    day = timezone.localdate(at)
    try:
        contract, lot = contract_for_municipality(municipality=municipality, day=day)
    except Http404:
        return None
    region = municipality.region
    prices = {
        item.speed_mbps: item.monthly_price
        for item in PriceItem.objects.filter(
            lot=lot, region=region, access_type=access_type, valid_from__lte=day
        ).order_by("valid_from")  # the latest price of each speed wins
    }
    days, business = order_deadline_for(contract=contract, order_type=order_type, region=region)
    return OrderOffer(
        lot=lot,
        speeds=sorted(prices),
        monthly_price=prices.get(speed_mbps) if speed_mbps else None,
        deadline_days=days,
        business_days=business,
        due_if_dispatched_today=due_date_for(at, days, business, BusinessCalendar()),
    )


def order_open_for_link(link: Link) -> Order | None:
    """An order on the link that is still under way (another one would contradict it)."""
    return (
        Order.objects.filter(link=link)
        .exclude(status__in=FINAL | {OrderStatus.VERIFIED})
        .exclude(order_type=OrderType.ACTIVATION)
        .first()
    )


def orderable_links(*, user) -> QuerySet[Link]:
    """Active links the user may file changes for (own agency, or own unit for unit staff)."""
    return link_list(user=user).filter(status=LinkStatus.ACTIVE)


def orderable_units(*, user) -> QuerySet[AgencyUnit]:
    """The units a user may file orders for: the agency's for its manager, the own unit only
    for unit staff (docs/orders.md, "Types")."""
    units = AgencyUnit.objects.filter(agency_id=user.agency_id).order_by("name")
    if has_role(user, Role.AGENCY_MANAGER):
        return units
    if has_role(user, Role.AGENCY_UNIT):
        return units.filter(pk=user.unit_id)
    return units.none()


def order_actor_role(user: User | None, order: Order, to: str) -> str | None:
    """The role in which `user` may move `order` to `to`, or None. None as user is the portal."""
    allowed = ALLOWED_TRANSITIONS.get(order.status, {}).get(to, frozenset())
    if user is None:
        return SYSTEM if SYSTEM in allowed else None
    for role in sorted(user_roles(user) & allowed):
        if role in NETWORK_WIDE:
            return role
        if role == Role.AGENCY_MANAGER and order.agency_id == user.agency_id:
            return role
        if role == Role.AGENCY_UNIT and order.unit_id and order.unit_id == user.unit_id:
            return role
        if role == Role.CARRIER and order.carrier_id and order.carrier_id == user.carrier_id:
            return role
    return None


@dataclass(frozen=True)
class OrderAction:
    to: str
    label: str
    needs_reason: bool
    needs_completion: bool  # the carrier gives the circuit id and management address
    question: str = ""  # a final negative move: confirmed, with this question (docs/ui.md)


def order_actions(*, user, order: Order) -> list[OrderAction]:
    """The moves the user may make on the order now (the buttons of its page)."""
    actions = []
    for to in ALLOWED_TRANSITIONS.get(order.status, {}):
        if order_actor_role(user, order, to) is None:
            continue
        actions.append(
            OrderAction(
                to=to,
                label=action_label(order.status, to),
                needs_reason=(order.status, to) in REASON_REQUIRED or (to == OrderStatus.VERIFIED),
                needs_completion=to == OrderStatus.COMPLETED
                and order.order_type in (OrderType.ACTIVATION, OrderType.ADDRESS_CHANGE),
                question=CONFIRM_QUESTIONS.get(to, ""),
            )
        )
    return actions


def order_clock(order: Order, *, now: datetime | None = None) -> ClockReading:
    """The order's clock at `now` (uses prefetched pauses)."""
    return clock_read(
        status=order.status,
        dispatched_at=order.dispatched_at,
        base_due_at=order.base_due_at,
        due_at=order.due_at,
        completed_at=order.completed_at,
        business_days=order.deadline_business_days,
        pauses=[
            PauseSpan(p.started_at, p.ended_at, timedelta(seconds=p.counted_seconds))
            for p in order.pauses.all()
        ],
        now=now or timezone.now(),
        calendar=BusinessCalendar(),
    )


def order_due_words(
    *, order: Order, clock: ClockReading, today: date, calendar: BusinessCalendar
) -> str:
    """The one deadline an order's page shows, as a date and in words: "até 15/12/2026 (em 10
    dias úteis)", counted in the kind of days the order was dispatched with; "" before dispatch.
    The date is the due instant's (as moved by pauses, an open one so far)."""
    if clock.due_at is None:
        return ""
    due = timezone.localdate(clock.due_at)
    text = f"até {due:%d/%m/%Y}"
    if clock.state not in (
        ClockState.RUNNING,
        ClockState.WARNING,
        ClockState.PAUSED,
        ClockState.LATE,
    ):
        return text
    if due == today:
        return f"{text} (hoje)"
    first, last = sorted((today, due))
    days = (last - first).days
    names = ("dia corrido", "dias corridos")
    if order.deadline_business_days:
        days = sum(calendar.is_business_day(first + timedelta(days=n)) for n in range(1, days + 1))
        names = ("dia útil", "dias úteis")
    words = f"{days} {names[days != 1]}"
    return f"{text} (em {words})" if due > today else f"{text} (vencido há {words})"


def order_clocks(orders: list[Order], *, now: datetime | None = None) -> list[tuple]:
    """Each order with its clock, one calendar for all (lists and the home page)."""
    now = now or timezone.now()
    return [(order, order_clock(order, now=now)) for order in orders]


def order_events(order: Order) -> list:
    return list(order.events.select_related("actor").order_by("at", "pk"))


@dataclass(frozen=True)
class LinkEvidence:
    """What monitoring says about the order's link: last ICMP sample, SNMP speed."""

    answered_at: datetime | None
    received: int | None
    sent: int | None
    snmp_speed_mbps: int | None
    snmp_polled_at: datetime | None


def order_link_evidence(order: Order) -> LinkEvidence | None:
    if order.link_id is None:
        return None
    sample = latest_windows(link_id=order.link_id).get(0)
    snmp = SnmpSample.objects.filter(link_id=order.link_id, path=0).first()
    return LinkEvidence(
        answered_at=sample.last_reply_at if sample else None,
        received=sample.echoes_received if sample else None,
        sent=sample.echoes_sent if sample else None,
        snmp_speed_mbps=snmp.high_speed_mbps if snmp else None,
        snmp_polled_at=snmp.polled_at if snmp else None,
    )


def _answers_since(link_id, completed_at) -> QuerySet[PollWindow]:
    """Evidence windows of a link with a reply at or after its order's completion; only windows
    from the one holding the completion on are read (the evidence is partitioned by start)."""
    return PollWindow.objects.filter(
        link_id=link_id,
        start__gt=completed_at - timedelta(minutes=EVIDENCE_WINDOW_MINUTES),
        last_reply_at__gte=completed_at,
    )


def order_answering_ids() -> list[int]:
    """Completed activations and address changes whose new link answered ICMP after the
    completion: ready to be verified."""
    return list(
        Order.objects.filter(
            Exists(_answers_since(OuterRef("link_id"), OuterRef("completed_at"))),
            status=OrderStatus.COMPLETED,
            order_type__in=[OrderType.ACTIVATION, OrderType.ADDRESS_CHANGE],
        )
        .values_list("pk", flat=True)
        .order_by("pk")
    )


def order_answered_at(order: Order) -> datetime | None:
    """The last ICMP reply of the order's link since its completion."""
    return _answers_since(order.link_id, order.completed_at).aggregate(at=Max("last_reply_at"))[
        "at"
    ]


def order_recipients(order: Order, status: str) -> list[str]:
    """The e-mail addresses of whoever acts next on an order that reached `status`."""
    agency_people = list(
        User.objects.filter(agency=order.agency_id, groups__name=Role.AGENCY_MANAGER)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    noc = list(
        User.objects.filter(groups__name=Role.NOC, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    carrier: list[str] = []
    if order.carrier_id:
        carrier = [order.carrier.ticket_email] if order.carrier.ticket_email else []
        carrier += list(
            User.objects.filter(carrier=order.carrier_id, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    by_status = {
        OrderStatus.SUBMITTED: noc,
        OrderStatus.RETURNED: agency_people,
        OrderStatus.DISPATCHED: carrier,
        OrderStatus.PENDING_AGENCY: agency_people + noc,
        OrderStatus.IN_EXECUTION: carrier,
        OrderStatus.COMPLETED: noc,
        OrderStatus.VERIFIED: agency_people + carrier,
        OrderStatus.CANCELLED: carrier + noc,
        OrderStatus.REJECTED: agency_people,
    }
    return sorted({email for email in by_status.get(status, []) if email})


def order_home_list(*, user, limit: int = 10) -> list[tuple]:
    """The orders a role's home page shows, with their clocks: what waits on this user first
    (drafts for unit staff, evaluation and verification for the NOC, acceptance and execution
    for carriers), late ones first for the agency manager."""
    roles = user_roles(user)
    orders = order_list(user=user).exclude(status__in=FINAL)
    if Role.NOC in roles:
        orders = orders.filter(status__in=[OrderStatus.SUBMITTED, OrderStatus.COMPLETED])
    elif Role.CARRIER in roles:
        orders = orders.filter(
            carrier=user.carrier_id,
            status__in=[
                OrderStatus.DISPATCHED,
                OrderStatus.ACCEPTED,
                OrderStatus.IN_EXECUTION,
                OrderStatus.PENDING_AGENCY,
            ],
        )
    elif Role.AGENCY_UNIT in roles and Role.AGENCY_MANAGER not in roles:
        orders = orders.filter(status__in=[OrderStatus.DRAFT, OrderStatus.RETURNED])
    elif Role.AGENCY_MANAGER not in roles:
        return []
    rows = order_clocks(list(orders.order_by("due_at", "created_at")[:limit]))
    rows.sort(key=lambda row: (not row[1].late, row[0].due_at or row[0].created_at))
    return rows


def not_counted(order: Order) -> bool:
    """Orders left out of the indicators: cancelled or rejected, and an address change's
    linked cancellation (the pair counts once, as the address change)."""
    return order.status in NOT_COUNTED or order.linked_to_id is not None


# The orders that wait for an agency manager's move: a draft or a returned order to submit (or
# cancel), an order pending on the agency to resolve.
MANAGER_TODO = {
    OrderStatus.DRAFT: "enviar ao NOC",
    OrderStatus.RETURNED: "corrigir e reenviar ao NOC",
    OrderStatus.PENDING_AGENCY: "resolver a pendência do órgão",
}


def order_todo(*, user) -> list[TodoItem]:
    """An agency manager's orders awaiting their action (MANAGER_TODO), in the agency's orders
    only; nobody else's (the home's order list shows the others' queues with their clocks)."""
    if not has_role(user, Role.AGENCY_MANAGER):
        return []
    orders = order_list(user=user).filter(status__in=MANAGER_TODO)
    return [
        TodoItem(
            title=f"OS {o.number} ({o.get_order_type_display()}): {MANAGER_TODO[o.status]}",
            detail=f"{o.unit.name if o.unit else o.agency.code} · {o.get_status_display()}",
            url=reverse("orders:order-detail", args=[o.pk]),
            since=o.created_at,
        )
        for o in orders
    ]
