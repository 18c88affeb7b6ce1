"""Writes of service orders. `order_create` files a draft; `order_transition` is the only code
that moves an order, and it applies the move's effects (dispatch and its clock, pauses, the
ordered link at completion, the link's activation, revision or cancellation at verification) in
the same transaction, under a row lock: each effect happens once, however often it is asked.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_ipv46_address
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.instants import local_midnight, truncate_minute
from core.templatetags.formatting import local_dt
from inventory.choices import LinkStatus, Region
from inventory.models import AgencyUnit, Link, Municipality
from inventory.selectors import lot_leader
from inventory.services import link_revision_upsert, link_upsert
from orders.choices import ALLOWED_TRANSITIONS, REASON_REQUIRED, OrderStatus, OrderType
from orders.clocks import counted_pause, due_after_pause, due_date_for, due_instant
from orders.models import Order, OrderEvent, OrderPause
from orders.selectors import (
    contract_for_municipality,
    order_actor_role,
    order_answered_at,
    order_answering_ids,
    order_deadline_for,
    order_open_for_link,
    order_recipients,
    orderable_units,
    price_sold,
    sold_speeds,
)
from outbox.choices import MessageKind
from outbox.selectors import ref_of
from outbox.services import message_email
from redegov.access import ORDER_FILERS, holds, sees
from redegov.calendar import BusinessCalendar
from redegov.models import User
from redegov.roles import Role, has_role
from redegov.uploads import ORDER_ATTACHMENT, CheckedUpload, raw_uploads, uploads_check

S = OrderStatus


def _order_number(year: int) -> str:
    """The next number of the year (OS-2026-000123), in one atomic statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders_ordernumber (year, last) VALUES (%s, 1) "
            "ON CONFLICT (year) DO UPDATE SET last = orders_ordernumber.last + 1 RETURNING last",
            [year],
        )
        (last,) = cursor.fetchone()
    return f"OS-{year}-{last:06d}"


def _sold_check(order: Order, day: date) -> None:
    """Refuse a speed or access type that the lot's price table does not sell."""
    region = order.municipality.region
    if price_sold(
        lot=order.lot,
        speed_mbps=order.speed_mbps,
        region=region,
        access_type=order.access_type,
        day=day,
    ):
        return
    speeds = sold_speeds(lot=order.lot, region=region, access_type=order.access_type, day=day)
    offered = ", ".join(str(s) for s in speeds) or "nenhuma"
    raise ValidationError(
        {
            "speed_mbps": f"O {order.lot} não vende acesso {order.get_access_type_display()} "
            f"de {order.speed_mbps} Mbps na região {Region(region).label}. "
            f"Velocidades à venda: {offered} Mbps."
        }
    )


def _record(
    order: Order,
    *,
    source: str,
    user: User | None,
    at: datetime,
    reason: str = "",
    attachment: UploadedFile | None = None,
) -> OrderEvent:
    event = OrderEvent(
        order=order,
        from_status=source,
        to_status=order.status,
        actor=user,
        at=at,
        reason=reason,
    )
    if attachment is not None:
        event.attachment = attachment
    event.full_clean()
    event.save()
    _event_notify(order, event)
    return event


def _files_for_own_unit_only(user: User) -> bool:
    return has_role(user, Role.AGENCY_UNIT) and not has_role(user, Role.AGENCY_MANAGER)


def _link_for_change(user: User, link: Link | None) -> Link:
    if link is None:
        raise ValidationError({"link": "Informe o acesso."})
    if link.status != LinkStatus.ACTIVE:
        raise ValidationError({"link": f"O acesso {link} não está ativo."})
    if not sees(user, link):
        raise ValidationError({"link": f"O acesso {link} não é do seu órgão ou unidade."})
    busy = order_open_for_link(link)
    if busy is not None:
        raise ValidationError({"link": f"O acesso {link} já tem a {busy} em andamento."})
    return link


@transaction.atomic
def order_create(
    *,
    user: User,
    order_type: str,
    unit: AgencyUnit | None = None,
    municipality: Municipality | None = None,
    address: str = "",
    speed_mbps: int | None = None,
    access_type: str = "",
    site_contact: str = "",
    link: Link | None = None,
    requested_date: date | None = None,
    notes: str = "",
    at: datetime | None = None,
) -> Order:
    """A draft order by agency unit staff (for their unit) or the agency manager.

    An activation names the site (unit, municipality, address, speed, access type, contact); a
    speed change, the link and its new speed; a cancellation, the link and the requested date;
    an address change, the link, the new site and the date for the old link's cancellation, and
    files that linked cancellation with it. Speeds the lot does not sell are refused here and
    again at dispatch (the price table may change in between).
    """
    at = at or timezone.now()
    if not holds(user, ORDER_FILERS) or not user.agency_id:
        raise ValidationError("Só o gestor do órgão e os servidores das unidades abrem OS.")
    if unit is not None and not orderable_units(user=user).filter(pk=unit.pk).exists():
        # Refused, never replaced: the unit chosen is the unit saved (issue 23).
        raise ValidationError({"unit": "Você não pode abrir OS para esta unidade."})
    if unit is None and _files_for_own_unit_only(user):
        unit = user.unit
    values: dict[str, Any] = {"site_contact": site_contact, "notes": notes}
    if order_type in (OrderType.SPEED_CHANGE, OrderType.CANCELLATION, OrderType.ADDRESS_CHANGE):
        link = _link_for_change(user, link)
        unit = unit or link.unit
        values |= {
            "municipality": link.municipality,
            "address": link.address,
            "speed_mbps": link.speed_mbps,
            "access_type": link.access_type,
        }
    if order_type in (OrderType.ACTIVATION, OrderType.ADDRESS_CHANGE):
        if municipality is None or not address or not speed_mbps or not access_type:
            raise ValidationError("Informe município, endereço, velocidade e tipo de acesso.")
        values |= {
            "municipality": municipality,
            "address": address,
            "speed_mbps": speed_mbps,
            "access_type": access_type,
        }
    elif order_type == OrderType.SPEED_CHANGE:
        if not speed_mbps or speed_mbps == link.speed_mbps:
            raise ValidationError({"speed_mbps": "Informe a nova velocidade."})
        values["speed_mbps"] = speed_mbps
    if order_type in (OrderType.CANCELLATION, OrderType.ADDRESS_CHANGE) and not requested_date:
        raise ValidationError({"requested_date": "Informe a data do cancelamento."})
    contract, lot = contract_for_municipality(
        municipality=values["municipality"], day=timezone.localdate(at)
    )
    order = Order(
        number=_order_number(timezone.localdate(at).year),
        order_type=order_type,
        contract=contract,
        lot=lot,
        agency_id=user.agency_id,
        unit=unit,
        link=link if order_type != OrderType.ADDRESS_CHANGE else None,
        replaced_link=link if order_type == OrderType.ADDRESS_CHANGE else None,
        requested_date=requested_date if order_type == OrderType.CANCELLATION else None,
        created_by=user,
        created_at=at,
        **values,
    )
    if order_type != OrderType.CANCELLATION:
        _sold_check(order, timezone.localdate(at))
    order.full_clean()
    order.save()
    _record(order, source="", user=user, at=at)
    if order_type == OrderType.ADDRESS_CHANGE:
        _linked_cancellation_create(order, link, requested_date, user, at)
    return order


def _linked_cancellation_create(
    change: Order, old_link: Link, requested_date: date, user: User, at: datetime
) -> Order:
    contract, lot = contract_for_municipality(
        municipality=old_link.municipality, day=timezone.localdate(at)
    )
    cancellation = Order(
        number=_order_number(timezone.localdate(at).year),
        order_type=OrderType.CANCELLATION,
        contract=contract,
        lot=lot,
        agency_id=change.agency_id,
        unit=old_link.unit,
        municipality=old_link.municipality,
        address=old_link.address,
        speed_mbps=old_link.speed_mbps,
        access_type=old_link.access_type,
        link=old_link,
        requested_date=requested_date,
        linked_to=change,
        notes=f"Cancelamento vinculado à mudança de endereço {change.number}.",
        created_by=user,
        created_at=at,
    )
    cancellation.full_clean()
    cancellation.save()
    _record(cancellation, source="", user=user, at=at)
    return cancellation


def _dispatch(order: Order, at: datetime, calendar: BusinessCalendar) -> None:
    """The clock starts: the lot's carrier (its leader) receives the order."""
    if order.order_type != OrderType.CANCELLATION:
        _sold_check(order, timezone.localdate(at))
    days, business = order_deadline_for(
        contract=order.contract, order_type=order.order_type, region=order.municipality.region
    )
    order.carrier = lot_leader(order.lot)
    order.dispatched_at = at
    order.deadline_days = days
    order.deadline_business_days = business
    order.due_date = due_date_for(at, days, business, calendar)
    order.base_due_at = order.due_at = due_instant(order.due_date, calendar)


def _pause_end(order: Order, at: datetime, calendar: BusinessCalendar) -> None:
    pause = order.pauses.select_for_update().get(ended_at__isnull=True)
    counted = counted_pause(pause.started_at, at, order.deadline_business_days, calendar)
    pause.ended_at = at
    pause.counted_seconds = int(counted.total_seconds())
    pause.save(update_fields=["ended_at", "counted_seconds"])
    order.due_at = due_after_pause(order.due_at, counted, calendar)


def _complete(order: Order, at: datetime, completion: dict[str, str] | None) -> None:
    """The carrier's completion stops the clock (if verification then succeeds). An activation
    or address change gives the circuit id and management address: the link is created then,
    as `ordered`, and polled."""
    order.completed_at = at
    if order.order_type not in (OrderType.ACTIVATION, OrderType.ADDRESS_CHANGE):
        return
    completion = completion or {}
    circuit_id = (completion.get("circuit_id") or "").strip()
    if not circuit_id or not completion.get("mgmt_ip"):
        raise ValidationError("Informe a designação e o IP de gerência do acesso instalado.")
    if order.link is not None and order.link.circuit_id != circuit_id:
        raise ValidationError(
            {"circuit_id": f"Esta OS já instalou o acesso {order.link}; use a mesma designação."}
        )
    _completion_check_free(order, circuit_id, completion)
    order.link = link_upsert(
        circuit_id=circuit_id,
        contract=order.contract,
        agency=order.agency,
        unit=order.unit,
        municipality=order.municipality,
        address=order.address,
        speed_mbps=order.speed_mbps,
        access_type=order.access_type,
        activated_at=None,
        cancelled_at=None,
        mgmt_ip=completion["mgmt_ip"],
        mgmt_ip_secondary=completion.get("mgmt_ip_secondary") or None,
    )


def _completion_check_free(order: Order, circuit_id: str, completion: dict[str, str]) -> None:
    """A completion creates its own link, never takes over another: a circuit id already used
    by any other link, or a management address used by another live link, is refused with the
    field named (and without naming the other link, which may be another tenant's)."""
    others = Link.objects.exclude(pk=order.link_id) if order.link_id else Link.objects.all()
    if others.filter(circuit_id__iexact=circuit_id).exists():
        raise ValidationError(
            {"circuit_id": f"A designação {circuit_id} já pertence a outro acesso."}
        )
    live = others.exclude(status=LinkStatus.CANCELLED)
    for field in ("mgmt_ip", "mgmt_ip_secondary"):
        address = completion.get(field)
        if address:
            try:
                validate_ipv46_address(address)
            except ValidationError as exc:
                raise ValidationError({field: f"{address} não é um endereço IP."}) from exc
        if address and live.filter(Q(mgmt_ip=address) | Q(mgmt_ip_secondary=address)).exists():
            raise ValidationError(
                {field: f"O IP de gerência {address} já é usado por outro acesso ativo."}
            )


def _link_save(link: Link, **changes: Any) -> Link:
    """The link through the inventory's service, with some of its values changed."""
    values = {
        "contract": link.contract,
        "agency": link.agency,
        "unit": link.unit,
        "municipality": link.municipality,
        "address": link.address,
        "speed_mbps": link.speed_mbps,
        "access_type": link.access_type,
        "activated_at": link.activated_at,
        "cancelled_at": link.cancelled_at,
        "mgmt_ip": link.mgmt_ip,
        "mgmt_ip_secondary": link.mgmt_ip_secondary,
        "snmp_community": link.snmp_community,
    }
    return link_upsert(circuit_id=link.circuit_id, **(values | changes))


def _cancellation_instant(order: Order, at: datetime) -> datetime | None:
    """When a verified cancellation ends the link: 00:00 of the requested date, or the
    verification instant when that comes first. A cancellation linked to an address change ends
    the old link at the new link's activation instead (None while that is not active)."""
    if order.linked_to_id is not None:
        new_link = order.linked_to.link
        if new_link is None or new_link.activated_at is None:
            return None
        return new_link.activated_at
    return min(local_midnight(order.requested_date), truncate_minute(at))


def _verify(order: Order, at: datetime) -> None:
    """The effects of verification on the inventory (docs/domain.md section 3)."""
    order.verified_at = at
    instant = truncate_minute(at)
    if order.order_type in (OrderType.ACTIVATION, OrderType.ADDRESS_CHANGE):
        order.link = _link_save(order.link, activated_at=instant)
        old = order.replaced_link
        if old is not None and old.cancelled_at is None:
            _link_save(old, cancelled_at=instant)
    elif order.order_type == OrderType.SPEED_CHANGE:
        link_revision_upsert(link=order.link, effective_at=instant, speed_mbps=order.speed_mbps)
    elif order.order_type == OrderType.CANCELLATION:
        ends = _cancellation_instant(order, at)
        link = order.link
        if ends is not None and link.cancelled_at is None:
            if link.activated_at and ends <= link.activated_at:
                raise ValidationError(
                    "O cancelamento terminaria o acesso antes da sua ativação "
                    f"({link.activated_at:%d/%m/%Y %H:%M})."
                )
            _link_save(link, cancelled_at=ends)


@transaction.atomic
def order_transition(
    *,
    order: Order,
    to: str,
    user: User | None,
    reason: str = "",
    attachment: UploadedFile | CheckedUpload | None = None,
    completion: dict[str, str] | None = None,
    at: datetime | None = None,
) -> Order:
    """Move an order to `to` as `user` (None: the portal itself), with its effects and event.

    Does nothing when the order is already in `to` (a repeated click or task). Refuses a move the
    table (`orders.choices.ALLOWED_TRANSITIONS`) does not allow, or that the user may not make
    on this order. `at` defaults to now (the demo passes past instants).
    """
    at = at or timezone.now()
    order = Order.objects.select_for_update().select_related("municipality", "lot").get(pk=order.pk)
    if order.status == to:
        return order
    source = order.status
    if order_actor_role(user, order, to) is None:
        nexts = ALLOWED_TRANSITIONS.get(source, {})
        allowed = ", ".join(OrderStatus(t).label for t in nexts) or "nenhuma"
        raise ValidationError(
            f"A OS {order} está {order.get_status_display().lower()}: não pode passar a "
            f"“{OrderStatus(to).label}” por este usuário (próximas situações: {allowed})."
        )
    if attachment is not None:  # checked before anything is written
        attachment = uploads_check(raw_uploads([attachment]), ORDER_ATTACHMENT)[0].upload
    reason = reason.strip()
    if ((source, to) in REASON_REQUIRED or (to == S.VERIFIED and user is not None)) and not reason:
        raise ValidationError({"reason": "Informe o motivo."})
    calendar = BusinessCalendar()
    if to == S.DISPATCHED:
        _dispatch(order, at, calendar)
    elif to == S.PENDING_AGENCY:
        OrderPause.objects.create(order=order, started_at=at, reason=reason)
    elif source == S.PENDING_AGENCY:
        _pause_end(order, at, calendar)
    elif to == S.COMPLETED:
        _complete(order, at, completion)
    elif source == S.COMPLETED and to == S.IN_EXECUTION:
        order.completed_at = None  # verification failed: the clock never stopped
    elif to == S.VERIFIED:
        _verify(order, at)
    order.status = to
    order.full_clean()
    order.save()
    _record(order, source=source, user=user, at=at, reason=reason, attachment=attachment)
    return order


def order_verify_if_answering(*, order_id: int, at: datetime | None = None) -> bool:
    """Verify a completed activation or address change whose link answered ICMP after the
    completion. False when there is nothing to do (already verified, or not answering)."""
    if order_id not in order_answering_ids():
        return False
    order = Order.objects.get(pk=order_id)
    order_transition(
        order=order,
        to=S.VERIFIED,
        user=None,
        reason=f"O acesso respondeu ao ICMP em {local_dt(order_answered_at(order))}.",
        at=at,
    )
    return True


def _event_notify(order: Order, event: OrderEvent) -> None:
    """E-mail whoever acts next on the order, through the outbox, in the transaction that
    records the event (nothing when nobody is to be told)."""
    subject = f"[Rede Governo] {order.number}: {event.get_to_status_display()}"
    lines = [
        f"Ordem de serviço {order.number} ({order.get_order_type_display()})",
        f"Órgão: {order.agency}",
        f"Município: {order.municipality} · Endereço: {order.address}",
        f"Situação: {event.get_to_status_display()}",
    ]
    if order.due_at:
        lines.append(f"Prazo: {local_dt(order.due_at)}")
    if event.reason:
        lines.append(f"Motivo: {event.reason}")
    message_email(
        kind=MessageKind.ORDER_EVENT,
        ref=ref_of(event),
        to=order_recipients(order, event.to_status),
        subject=subject,
        body="\n".join(lines),
    )
