"""A month's results as `manage.py imr` gives them: what counts, in which month, and the JSON."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError

from inventory.models import LinkRevision
from monitoring.choices import Responsibility
from monitoring.models import Outage
from orders.choices import OrderStatus, OrderType
from orders.compliance import compliance_report
from sla.measurement import measure
from tests.inventory.factories import LinkFactory
from tests.monitoring.factories import OutageFactory
from tests.orders.factories import OrderPauseFactory
from tests.support.sla import imr_json, interruption, open_outage_with_ticket, order, result_of
from tests.support.time import local

pytestmark = pytest.mark.django_db
AFTER_NOVEMBER = local(2026, 12, 2, 9)
AFTER_OCTOBER = local(2026, 11, 2, 9)


@pytest.fixture
def after_november():
    with time_machine.travel(AFTER_NOVEMBER, tick=False):
        yield


@pytest.mark.parametrize(
    ("counted", "value", "met", "band"),
    [
        (216, "99.5000", True, None),
        (217, "99.4977", False, "5.0000"),
        (432, "99.0000", False, "5.0000"),
        (648, "98.5000", False, "10.0000"),
        (1440, "96.6667", False, "20.0000"),
        (1441, "96.6644", False, "30.0000"),
    ],
)
def test_availability_of_an_access_in_the_json(network, after_november, counted, value, met, band):
    interruption(network.link_x_metro, local(2026, 11, 10, 8), counted)
    document = imr_json("2026-11")
    assert document["period"] == "2026-11"
    assert result_of(document, "I1", circuit_id="BHZ-0001") == {
        "indicator": "I1",
        "scope": "access",
        "circuit_id": "BHZ-0001",
        "carrier": "alfa",
        "contract": network.contract.number,
        "lot_id": network.lot_metro.pk,
        "lot": 1,
        "value": value,
        "target": "99.5000",
        "met": met,
        "band": band,
        "inputs": {
            "active_minutes": 43200,
            "counted_minutes": counted,
            "outages": list(Outage.objects.values_list("pk", flat=True)),
        },
    }


def test_only_carrier_and_pending_outages_count_and_only_in_the_active_window(
    network, after_november
):
    link = network.link_x_metro
    interruption(link, local(2026, 11, 3, 8), 300, Responsibility.AGENCY)
    interruption(link, local(2026, 11, 4, 8), 100, Responsibility.PENDING)
    interruption(link, local(2026, 11, 5, 8), 100, Responsibility.MAINTENANCE)
    interruption(link, local(2026, 11, 20, 8), 500)
    link.cancelled_at, link.status = local(2026, 11, 15, 12, 30, 40), "cancelled"
    link.save()
    result = result_of(imr_json("2026-11"), "I1", circuit_id="BHZ-0001")
    # active from 01/11 00:00 to 15/11 12:30 = 20 910 minutes; 100 counted
    assert result["inputs"]["active_minutes"] == 20910
    assert result["inputs"]["counted_minutes"] == 100
    assert result["value"] == "99.5218"
    assert result["met"] is True


def test_an_access_not_active_in_the_month_has_no_result(network, after_november):
    LinkFactory(
        lot=network.lot_metro,
        circuit_id="BHZ-0002",
        activated_at=local(2026, 12, 1),
    )
    document = imr_json("2026-11")
    assert sorted(r["circuit_id"] for r in document["results"] if r["indicator"] == "I1") == [
        "BHZ-0001",
        "CTG-0001",
        "UDI-0001",
    ]


def test_a_redundant_access_is_judged_against_its_own_target(network, after_november):
    link = LinkFactory(
        lot=network.lot_metro,
        circuit_id="BHZ-0009",
        access_type="redundant",
        mgmt_ip_secondary="127.20.0.2",
    )
    interruption(link, local(2026, 11, 10, 8), 130)
    result = result_of(imr_json("2026-11"), "I1", circuit_id="BHZ-0009")
    assert (result["target"], result["value"], result["met"], result["band"]) == (
        "99.7000",
        "99.6991",
        False,
        "5.0000",
    )


def test_lot_indicators_with_nothing_counted_are_not_applicable(network, after_november):
    document = imr_json("2026-11")
    for code in ("I2", "I3", "I4"):
        for lot, carrier in ((network.lot_metro, "alfa"), (network.lot_interior, "beta")):
            assert result_of(document, code, lot=lot.number) == {
                "indicator": code,
                "scope": "lot",
                "circuit_id": None,
                "carrier": carrier,  # the leader stands for the consortium
                "contract": network.contract.number,
                "lot_id": lot.pk,
                "lot": lot.number,
                "value": None,
                "target": "90.0000",
                "met": None,
                "band": None,
                "inputs": {"counted": 0, "on_time": 0, "late": 0},
            }


def repairs(network, on_time: int, late: int):
    """Closed tickets in the metro lot (deadline 240 minutes), one a day from 02/11."""
    start = local(2026, 11, 2, 8)
    for day in range(on_time + late):
        minutes = 240 if day < on_time else 241
        interruption(network.link_x_metro, start + timedelta(days=day), minutes, ticket=True)


@pytest.mark.parametrize(
    ("on_time", "late", "value", "met", "band"),
    [
        (9, 1, "90.0000", True, None),
        (8, 2, "80.0000", False, "10.0000"),
        (7, 3, "70.0000", False, "20.0000"),
        (6, 4, "60.0000", False, "30.0000"),
    ],
)
def test_repairs_on_time_per_carrier_and_lot(
    network, after_november, on_time, late, value, met, band
):
    repairs(network, on_time, late)
    result = result_of(imr_json("2026-11"), "I2", lot=1)
    assert (result["value"], result["met"], result["band"]) == (value, met, band)
    assert result["inputs"] == {"counted": on_time + late, "on_time": on_time, "late": late}


def test_tickets_of_outages_classified_otherwise_do_not_count(network, after_november):
    interruption(
        network.link_x_metro, local(2026, 11, 2, 8), 500, Responsibility.AGENCY, ticket=True
    )
    interruption(
        network.link_x_metro, local(2026, 11, 3, 8), 500, Responsibility.PENDING, ticket=True
    )
    assert result_of(imr_json("2026-11"), "I2", lot=1)["inputs"] == {
        "counted": 1,
        "on_time": 0,
        "late": 1,
    }


def test_a_ticket_counts_in_the_month_of_the_earlier_of_its_end_and_its_due_instant(
    network, after_november
):
    link = network.link_x_metro
    interruption(
        link, local(2026, 10, 31, 19), 300, ticket=True
    )  # due 23:00 on 31/10, late: October
    interruption(link, local(2026, 11, 30, 20), 120, ticket=True)  # ends 30/11 on time: November
    interruption(link, local(2026, 11, 30, 23), 300, ticket=True)  # due 01/12 03:00, late: December
    assert result_of(imr_json("2026-10"), "I2", lot=1)["inputs"]["late"] == 1
    assert result_of(imr_json("2026-11"), "I2", lot=1)["inputs"] == {
        "counted": 1,
        "on_time": 1,
        "late": 0,
    }
    assert result_of(imr_json("2026-12"), "I2", lot=1)["inputs"]["late"] == 1


def test_a_ticket_still_open_past_its_due_instant_counts_late_in_the_due_month(network):
    with time_machine.travel(local(2026, 11, 29, 9), tick=False):
        open_outage_with_ticket(network.link_x_metro, local(2026, 11, 29, 8))
        # due at 12:00: not counted yet (it may still be on time)
        assert result_of(imr_json("2026-11"), "I2", lot=1)["inputs"]["counted"] == 0
    with time_machine.travel(local(2026, 11, 29, 12, 1), tick=False):
        assert result_of(imr_json("2026-11"), "I2", lot=1)["inputs"]["late"] == 1


def test_a_split_outage_is_one_ticket(network, after_november):
    first = interruption(network.link_x_metro, local(2026, 11, 2, 8), 300, ticket=True)
    end = first.end
    first.end = first.start + timedelta(minutes=100)  # split at 09:40: the rest is the agency's
    first.save()
    OutageFactory(
        link=first.link,
        start=first.end,
        end=end,
        kind=first.kind,
        source=first.source,
        responsibility=Responsibility.AGENCY,
        split_from=first,
    )
    assert result_of(imr_json("2026-11"), "I2", lot=1)["inputs"] == {
        "counted": 1,
        "on_time": 0,
        "late": 1,
    }


def test_orders_on_time_by_type(network, after_november):
    due = local(2026, 11, 20, 23, 59, 59)
    dispatched = local(2026, 10, 21, 10)
    for completed in (local(2026, 11, 20, 23, 59, 59), local(2026, 11, 10)):
        order(network, OrderType.ACTIVATION, dispatched=dispatched, due=due, completed=completed)
    order(network, OrderType.ADDRESS_CHANGE, dispatched=dispatched, due=due)  # open, past due
    order(network, OrderType.SPEED_CHANGE, dispatched=dispatched, due=due, completed=due)
    order(
        network,
        OrderType.CANCELLATION,
        dispatched=dispatched,
        due=due,
        status=OrderStatus.CANCELLED,
    )
    order(network, OrderType.ACTIVATION, dispatched=dispatched, due=local(2026, 12, 20))
    document = imr_json("2026-11")
    i3 = result_of(document, "I3", lot=1)
    assert (i3["inputs"], i3["value"], i3["band"]) == (
        {"counted": 3, "on_time": 2, "late": 1},
        "66.6667",
        "30.0000",
    )
    i4 = result_of(document, "I4", lot=1)
    assert (i4["inputs"], i4["value"], i4["met"]) == (
        {"counted": 1, "on_time": 1, "late": 0},
        "100.0000",
        True,
    )


def test_a_contract_move_puts_the_access_in_its_new_lot_from_then_on(network, after_november):
    LinkRevision.objects.create(
        link=network.link_x_metro,
        effective_at=local(2026, 11, 10, 12),
        contract=network.contract,
        lot=network.lot_interior,
    )
    assert result_of(imr_json("2026-11"), "I1", circuit_id="BHZ-0001")["lot"] == 2
    assert result_of(imr_json("2026-10"), "I1", circuit_id="BHZ-0001")["lot"] == 1


def test_the_command_refuses_a_malformed_period(network):
    with pytest.raises(CommandError, match="AAAA-MM"):
        imr_json("2026-13")


def test_orders_paused_when_the_month_is_measured_count_by_their_moved_due_instant(
    network, after_november
):
    """Measured on 02/12 09:00, two activations of lot 1 still paused ("pendente órgão"):
    - due 20/11 23:59:59, paused since 15/11 10:00: the pause has run 17 d 23 h, so its due
      instant as moved is 08/12 22:59:59, ahead: not late, not counted in November;
    - due 10/11 23:59:59, paused since 12/11 10:00 (already late): counts late in November.
    I3 of November: 1 counted, 0 on time, 1 late (0,0000%). Judged against the due instants
    as stored before the pauses, both would count late (2 late)."""
    dispatched = local(2026, 10, 11, 10)
    for due, paused in (
        (local(2026, 11, 20, 23, 59, 59), local(2026, 11, 15, 10)),
        (local(2026, 11, 10, 23, 59, 59), local(2026, 11, 12, 10)),
    ):
        row = order(
            network,
            OrderType.ACTIVATION,
            dispatched=dispatched,
            due=due,
            status=OrderStatus.PENDING_AGENCY,
        )
        OrderPauseFactory(order=row, started_at=paused)
    i3 = result_of(imr_json("2026-11"), "I3", lot=1)
    assert (i3["inputs"], i3["value"]) == ({"counted": 1, "on_time": 0, "late": 1}, "0.0000")


def test_two_contracts_each_with_a_lot_1_of_the_same_carrier_are_measured_apart(
    network, after_november, second_phase_lot_1
):
    """A new phase starts while the old one ends: contract 2 has its own lot 1, won by Alfa,
    like lot 1 of contract 1. In November, contract 1's lot 1 has two activations on time
    (completed 10/11 and 15/11, due 20/11 23:59:59), contract 2's lot 1 one activation still
    open past its due instant (due 20/11 23:59:59): late. So I3 is 2/2 = 100,0000% for the
    first and 0/1 = 0,0000% for the second (30% band), never 3 orders merged into one lot nor
    one lot's figures given to the other."""
    lot_1_again = second_phase_lot_1
    due = local(2026, 11, 20, 23, 59, 59)
    dispatched = local(2026, 10, 21, 10)
    for completed in (local(2026, 11, 10), local(2026, 11, 15)):
        order(network, OrderType.ACTIVATION, dispatched=dispatched, due=due, completed=completed)
    order(network, OrderType.ACTIVATION, dispatched=dispatched, due=due, lot=lot_1_again)
    results = measure(year=2026, month=11, now=AFTER_NOVEMBER)
    i3 = {r.lot.lot_id: r for r in results.results if r.code == "I3"}
    first, second = i3[network.lot_metro.pk], i3[lot_1_again.pk]
    assert (first.numerator, first.denominator, first.value_text) == (2, 2, "100.0000")
    assert (second.numerator, second.denominator, second.value_text) == (0, 1, "0.0000")
    assert second.outcome.band == Decimal("30")
    rows = compliance_report(year=2026, month=11, now=AFTER_NOVEMBER)["rows"]
    assert [(r["contract"], r["lot_id"], r["lot"], r["counted"]) for r in rows] == [
        (network.contract.number, network.lot_metro.pk, 1, 2),
        ("CT-900/2026", lot_1_again.pk, 1, 1),
    ]
