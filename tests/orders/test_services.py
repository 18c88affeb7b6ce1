"""Lifecycle, permissions, visibility, verification effects (exactly once) and compliance."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from inventory.choices import LinkStatus
from inventory.models import Link, LinkRevision
from monitoring.services.evidence import EchoRow, poll_windows_add_echoes
from orders.choices import ALLOWED_TRANSITIONS, OrderStatus, OrderType
from orders.models import Order, OrderEvent
from orders.selectors import order_actor_role, order_list
from orders.services import order_create, order_verify_if_answering
from orders.tasks import order_verify_task
from outbox.models import Message
from tests.support.orders import T0, activation, cancellation, dispatched, in_execution, move
from tests.support.outbox import deliver_pending
from tests.support.time import local

S = OrderStatus
pytestmark = pytest.mark.django_db


def answered(link, instant) -> None:
    """The link's first path answered a cycle's 5 echoes at `instant` (the poller's write)."""
    poll_windows_add_echoes(
        rows=[EchoRow(link.pk, 0, 5, 5, 50_000, 9_000, 11_000)],
        instant=instant,
        length=timedelta(seconds=60),
    )


def completed_activation(personas, when=T0):
    order = in_execution(activation(personas, when), personas, when)
    completion = {"circuit_id": "BHZ-0900", "mgmt_ip": "127.99.0.9"}
    return move(
        order, S.COMPLETED, personas.carrier_a, when + timedelta(days=3), completion=completion
    )


def test_numbers_are_per_year(priced_catalog, personas):
    first = activation(personas, T0)
    second = activation(personas, T0)
    assert (first.number, second.number) == ("OS-2026-000001", "OS-2026-000002")
    assert activation(personas, local(2027, 1, 4, 9)).number == "OS-2027-000001"


def test_unsold_speed_is_refused_with_the_speeds_on_sale(priced_catalog, personas):
    with pytest.raises(ValidationError, match=r"não vende acesso Simples de 6 Mbps.*4, 10"):
        activation(personas, T0, speed=6)


def test_every_move_follows_the_table_per_role(priced_catalog, personas):
    """Walk an order along the happy path; at each status, only the roles of the table may
    make each move, and moves outside the table are refused for everyone."""
    order = activation(personas, T0)
    people = {
        "manager_x": personas.manager_x,
        "unit_x": personas.unit_x,
        "manager_y": personas.manager_y,
        "carrier_a": personas.carrier_a,
        "carrier_b": personas.carrier_b,
        "noc": personas.noc,
        "billing": personas.billing,
        "outsider": personas.outsider,
    }
    expected = {
        (S.DRAFT, S.SUBMITTED): {"manager_x"},
        (S.DRAFT, S.CANCELLED): {"manager_x"},  # the draft has no unit: unit staff may not
        (S.SUBMITTED, S.DISPATCHED): {"noc"},
        (S.SUBMITTED, S.RETURNED): {"noc"},
        (S.SUBMITTED, S.REJECTED): {"noc"},
        (S.SUBMITTED, S.CANCELLED): {"manager_x"},
        (S.DISPATCHED, S.ACCEPTED): {"carrier_a"},
        (S.DISPATCHED, S.REJECTED): {"carrier_a"},
        (S.DISPATCHED, S.CANCELLED): {"manager_x"},
        (S.ACCEPTED, S.IN_EXECUTION): {"carrier_a"},
        (S.ACCEPTED, S.PENDING_AGENCY): {"carrier_a"},
        (S.ACCEPTED, S.CANCELLED): {"manager_x"},
        (S.IN_EXECUTION, S.COMPLETED): {"carrier_a"},
        (S.IN_EXECUTION, S.PENDING_AGENCY): {"carrier_a"},
    }
    path = [S.SUBMITTED, S.DISPATCHED, S.ACCEPTED, S.IN_EXECUTION]
    actor = {S.SUBMITTED: "manager_x", S.DISPATCHED: "noc"} | dict.fromkeys(
        [S.ACCEPTED, S.IN_EXECUTION], "carrier_a"
    )
    for step in [None, *path]:
        if step is not None:
            order = move(order, step, people[actor[step]], T0)
        for target in S.values:
            for name, user in people.items():
                allowed = name in expected.get((order.status, target), set())
                assert (order_actor_role(user, order, target) is not None) == allowed, (
                    order.status,
                    target,
                    name,
                )
    with pytest.raises(ValidationError, match="não pode passar"):
        move(order, S.VERIFIED, personas.carrier_a, T0)
    assert set(ALLOWED_TRANSITIONS[S.IN_EXECUTION]) == {S.COMPLETED, S.PENDING_AGENCY}


def test_same_status_is_a_noop_and_each_move_is_one_event(priced_catalog, personas):
    order = activation(personas, T0)
    move(order, S.SUBMITTED, personas.manager_x, T0)
    move(order, S.SUBMITTED, personas.manager_x, T0)
    assert list(order.events.values_list("from_status", "to_status")) == [
        ("", S.DRAFT),
        (S.DRAFT, S.SUBMITTED),
    ]


def test_return_needs_a_reason(priced_catalog, personas):
    order = activation(personas, T0)
    move(order, S.SUBMITTED, personas.manager_x, T0)
    with pytest.raises(ValidationError, match="motivo"):
        move(order, S.RETURNED, personas.noc, T0)
    order = move(order, S.RETURNED, personas.noc, T0, reason="Endereço incompleto")
    assert order.events.last().reason == "Endereço incompleto"


def test_dispatch_goes_to_the_consortium_leader(priced_catalog, personas):
    from inventory.models import Municipality
    from tests.inventory.factories import UBERLANDIA

    order = order_create(
        user=personas.manager_x,
        order_type=OrderType.ACTIVATION,
        municipality=Municipality.objects.get(pk=UBERLANDIA),
        address="Rua X, 1",
        speed_mbps=4,
        access_type="simple",
    )
    order = dispatched(order, personas, T0)
    assert order.carrier == priced_catalog.carrier_b
    assert order.due_date == date(2026, 4, 16)  # 45 calendar days, interior


@pytest.mark.parametrize(
    ("persona", "numbers"),
    [
        ("manager_x", 2),
        ("unit_x", 1),
        ("manager_y", 0),
        ("carrier_a", 1),
        ("carrier_b", 0),
        ("noc", 2),
        ("outsider", 0),
    ],
)
def test_each_role_sees_only_its_orders(priced_catalog, personas, persona, numbers):
    dispatched(activation(personas, T0), personas, T0)  # lot 1, carrier A
    Link.objects.filter(pk=priced_catalog.link_x_metro.pk).update(unit=personas.unit_x.unit)
    order_create(
        user=personas.unit_x,
        order_type=OrderType.CANCELLATION,
        link=Link.objects.get(pk=priced_catalog.link_x_metro.pk),
        requested_date=date(2026, 3, 20),
    )
    assert order_list(user=getattr(personas, persona)).count() == numbers


def test_activation_link_is_created_ordered_at_completion_and_activated_at_verification(
    priced_catalog, personas
):
    order = completed_activation(personas)
    link = order.link
    assert (link.circuit_id, link.status, link.agency) == (
        "BHZ-0900",
        LinkStatus.ORDERED,
        priced_catalog.agency_x,
    )
    answered(link, order.completed_at + timedelta(minutes=2))
    verified_at = order.completed_at + timedelta(minutes=3, seconds=30)
    with time_machine.travel(verified_at, tick=False):
        order_verify_task(order.pk)
        order_verify_task(order.pk)  # a second run finds it verified
    order.refresh_from_db()
    link.refresh_from_db()
    assert order.status == S.VERIFIED and order.verified_at == verified_at
    assert link.status == LinkStatus.ACTIVE
    assert link.activated_at == verified_at.replace(second=0)
    assert order.events.filter(to_status=S.VERIFIED, actor=None).count() == 1


def test_a_reply_before_the_completion_does_not_verify(priced_catalog, personas):
    order = completed_activation(personas)
    answered(order.link, order.completed_at - timedelta(minutes=1))
    assert order_verify_if_answering(order_id=order.pk) is False


def test_failed_verification_returns_to_execution_and_the_clock_never_stopped(
    priced_catalog, personas
):
    order = completed_activation(personas)
    order = move(order, S.IN_EXECUTION, personas.noc, T0 + timedelta(days=4), reason="Sem ping")
    assert order.completed_at is None and order.link.status == LinkStatus.ORDERED
    order = move(
        order,
        S.COMPLETED,
        personas.carrier_a,
        T0 + timedelta(days=5),
        completion={"circuit_id": "BHZ-0900", "mgmt_ip": "127.99.0.9"},
    )
    assert Link.objects.filter(circuit_id="BHZ-0900").count() == 1
    assert order.completed_at == T0 + timedelta(days=5)


def test_speed_change_becomes_one_revision_at_verification(priced_catalog, personas):
    order = order_create(
        user=personas.manager_x,
        order_type=OrderType.SPEED_CHANGE,
        link=priced_catalog.link_x_metro,
        speed_mbps=10,
    )
    order = in_execution(order, personas, T0)
    move(order, S.COMPLETED, personas.carrier_a, T0 + timedelta(days=1))
    when = T0 + timedelta(days=2)
    move(order, S.VERIFIED, personas.noc, when, reason="ICMP e ifHighSpeed 10 Mbps")
    move(order, S.VERIFIED, personas.noc, when, reason="de novo")
    assert list(LinkRevision.objects.values_list("effective_at", "speed_mbps")) == [(when, 10)]


@pytest.mark.parametrize(
    ("verified", "ends"),
    [
        (
            local(2026, 3, 5, 15, 30),
            local(2026, 3, 5, 15, 30),
        ),  # verified before the requested date
        (local(2026, 3, 12, 9), local(2026, 3, 10, 0, 0)),  # never later than the requested date
    ],
)
def test_cancellation_ends_billing_at_the_earlier_of_date_and_verification(
    priced_catalog, personas, verified, ends
):
    order = cancellation(personas, priced_catalog.link_x_metro, T0, date(2026, 3, 10))
    order = in_execution(order, personas, T0)
    move(order, S.COMPLETED, personas.carrier_a, T0 + timedelta(days=1))
    move(order, S.VERIFIED, personas.noc, verified, reason="Retirada confirmada")
    link = Link.objects.get(pk=priced_catalog.link_x_metro.pk)
    assert (link.status, link.cancelled_at) == (LinkStatus.CANCELLED, ends)


def test_address_change_ends_the_old_link_at_the_new_links_activation(priced_catalog, personas):
    from inventory.models import Municipality
    from tests.inventory.factories import BELO_HORIZONTE

    change = order_create(
        user=personas.manager_x,
        order_type=OrderType.ADDRESS_CHANGE,
        link=priced_catalog.link_x_metro,
        municipality=Municipality.objects.get(pk=BELO_HORIZONTE),
        address="Rua Nova, 10",
        speed_mbps=4,
        access_type="simple",
        requested_date=date(2026, 3, 3),
    )
    linked = change.linked_cancellation
    assert (linked.order_type, linked.link) == (OrderType.CANCELLATION, priced_catalog.link_x_metro)
    # The linked cancellation is verified first: the old link stays until the new one is active.
    linked = in_execution(linked, personas, T0)
    move(linked, S.COMPLETED, personas.carrier_a, T0)
    move(linked, S.VERIFIED, personas.noc, T0 + timedelta(days=2), reason="Retirado")
    assert Link.objects.get(pk=priced_catalog.link_x_metro.pk).cancelled_at is None
    change = in_execution(change, personas, T0)
    change = move(
        change,
        S.COMPLETED,
        personas.carrier_a,
        T0 + timedelta(days=5),
        completion={"circuit_id": "BHZ-0777", "mgmt_ip": "127.99.0.7"},
    )
    when = local(2026, 3, 9, 11, 20)
    move(change, S.VERIFIED, personas.noc, when, reason="Responde")
    old = Link.objects.get(pk=priced_catalog.link_x_metro.pk)
    new = Link.objects.get(circuit_id="BHZ-0777")
    assert new.activated_at == when and old.cancelled_at == when


def test_notify_sends_one_mail_to_the_next_actor(priced_catalog, personas, mailoutbox):
    personas.noc.email = "noc@prodemge.example"
    personas.noc.save()
    order = activation(personas, T0)
    move(order, S.SUBMITTED, personas.manager_x, T0)
    event = OrderEvent.objects.get(to_status=S.SUBMITTED)
    [message] = Message.objects.filter(ref=f"orders.orderevent:{event.pk}")
    assert message.to == ["noc@prodemge.example"]
    assert deliver_pending() == 1
    assert deliver_pending() == 0  # run twice: one e-mail
    assert [m.to for m in mailoutbox] == [["noc@prodemge.example"]]
    assert "OS-2026-000001" in mailoutbox[0].subject


def test_compliance_json_counts_each_order_once_in_its_month(priced_catalog, personas):
    on_time = completed_activation(personas)
    move(on_time, S.VERIFIED, personas.noc, T0 + timedelta(days=4), reason="ok")
    late = in_execution(activation(personas, T0), personas, T0)  # due 01/04, still open
    cancelled = activation(personas, T0)
    move(cancelled, S.CANCELLED, personas.manager_x, T0, reason="Unidade desativada.")
    out = StringIO()
    with time_machine.travel(local(2026, 4, 10), tick=False):
        call_command("orders_compliance", "2026-03", "--format", "json", stdout=out)
        march = json.loads(out.getvalue())
        out = StringIO()
        call_command("orders_compliance", "2026-04", "--format", "json", stdout=out)
        april = json.loads(out.getvalue())
    assert march == {
        "period": "2026-03",
        "rows": [
            {
                "carrier": "alfa",
                "contract": priced_catalog.contract.number,
                "lot_id": priced_catalog.lot_metro.pk,
                "lot": 1,
                "order_type": "activation",
                "counted": 1,
                "on_time": 1,
                "late": 0,
                "on_time_pct": "100.0000",
            }
        ],
    }
    assert april["rows"][0] == {
        "carrier": "alfa",
        "contract": priced_catalog.contract.number,
        "lot_id": priced_catalog.lot_metro.pk,
        "lot": 1,
        "order_type": "activation",
        "counted": 1,
        "on_time": 0,
        "late": 1,
        "on_time_pct": "0.0000",
    }
    assert Order.objects.get(pk=late.pk).status == S.IN_EXECUTION
