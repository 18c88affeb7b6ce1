"""The IMR on the bill: adjustments per line within the caps, the lot spread to the centavo,
final results at closing, definition changes from a month on, and repeated-breach flags."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from billing import services as billing
from billing.models import BillingPeriod
from sla.choices import BreachRule, FlagStatus
from sla.definitions import rules_in_force
from sla.models import BreachFlag, ImrMonth, IndicatorDefinition, IndicatorResult, LotMonth
from sla.services import breach_flag_transition, definition_change, definitions_install_defaults
from tests.inventory.factories import LinkFactory
from tests.support.sla import imr_json, interruption, order, result_of
from tests.support.time import local

pytestmark = pytest.mark.django_db
D = Decimal
OCTOBER = 44_640


def compute(year: int, month: int, now=None):
    period = billing.period_get_or_create(year=year, month=month)
    return billing.period_compute(period=period, now=now or local(2026, 11, 25, 10))


def close(year: int, month: int, user, now=None):
    period = billing.period_get_or_create(year=year, month=month)
    return billing.period_close(period=period, user=user, now=now or local(2026, 11, 25, 10))


def line(period, link):
    return period.lines.get(link=link)


def test_an_access_below_target_loses_its_band_of_its_amount_due(priced_with_redundant):
    interruption(priced_with_redundant.link_x_metro, local(2026, 10, 15, 8), 300)
    row = line(compute(2026, 10), priced_with_redundant.link_x_metro)
    # 44 340 / 44 640 = 99,3280%: 0,17 pp short -> 5% of 905,52 = 45,276
    assert (row.amount_due, row.discount, row.imr_adjustment, row.net) == (
        D("905.52"),
        D("6.09"),
        D("45.28"),
        D("854.15"),
    )
    assert row.inputs["imr"] == {"I1": {"band": "5.0000", "amount": "45.28"}, "final": False}
    assert line(compute(2026, 10), priced_with_redundant.link_y_metro).imr_adjustment == D("0.00")


def test_the_adjustment_is_capped_by_what_the_discount_left(priced_with_redundant):
    interruption(priced_with_redundant.link_x_metro, local(2026, 10, 2), 35_000)
    row = line(compute(2026, 10), priced_with_redundant.link_x_metro)
    # discount 905,52 x 35 000 / 44 640 = 709,97; 30% would be 271,66 but 195,55 is left
    assert (row.discount, row.imr_adjustment, row.net) == (D("709.97"), D("195.55"), D("0.00"))


def test_nothing_is_left_for_the_adjustment_of_an_access_down_all_month(priced_with_redundant):
    interruption(priced_with_redundant.link_x_metro, local(2026, 10, 1), OCTOBER)
    row = line(compute(2026, 10), priced_with_redundant.link_x_metro)
    assert (row.discount, row.imr_adjustment, row.net) == (D("905.52"), D("0.00"), D("0.00"))


def late_repairs(link, on_time: int, late: int, first_day=2):
    """Tickets of short on-time repairs and of 241-minute late ones, one a day."""
    for day in range(on_time + late):
        start = local(2026, 10, first_day + day, 8)
        interruption(link, start, 10 if day < on_time else 241, ticket=True)


def test_a_lot_adjustment_is_spread_over_the_carriers_lines_to_the_centavo(priced_with_redundant):
    third = LinkFactory(
        lot=priced_with_redundant.lot_metro,
        circuit_id="BHZ-0002",
        access_type="redundant",
        mgmt_ip_secondary="127.30.0.2",
    )
    late_repairs(priced_with_redundant.link_y_metro, on_time=8, late=2)
    period = compute(2026, 10)
    i2 = result_of(imr_json("2026-10"), "I2", lot=1)
    assert (i2["value"], i2["band"]) == ("80.0000", "10.0000")
    # 10% of 905,52 + 905,52 + 1 500,00 = 331,104 -> 331,10, spread by amount due
    parts = {
        link.circuit_id: line(period, link).inputs["imr"]["I2"]["amount"]
        for link in (priced_with_redundant.link_x_metro, third, priced_with_redundant.link_y_metro)
    }
    assert parts == {"BHZ-0001": "90.55", "BHZ-0002": "150.00", "CTG-0001": "90.55"}
    assert sum(D(p) for p in parts.values()) == D("331.10")
    assert line(period, third).imr_adjustment == D("150.00")
    # CTG-0001 also missed I1 (562 minutes counted: 10% of 905,52) before its part of I2
    assert line(period, priced_with_redundant.link_y_metro).imr_adjustment == D("90.55") + D(
        "90.55"
    )


def test_a_consortium_line_splits_its_adjustment_by_share(priced_with_redundant, personas):
    for completed in (local(2026, 10, 5), local(2026, 10, 25)):  # one on time, one late
        order(
            priced_with_redundant,
            "activation",
            dispatched=local(2026, 9, 1),
            due=local(2026, 10, 20, 23, 59, 59),
            completed=completed,
            lot=priced_with_redundant.lot_interior,
        )
    period = compute(2026, 10)
    row = line(period, priced_with_redundant.link_x_interior)
    assert row.imr_adjustment == D("370.37")  # 30% of 1 234,57 (I3 at 50%)
    shares = {s.carrier.code: s.imr_adjustment for s in row.shares.all()}
    assert shares == {"beta": D("222.22"), "alfa": D("148.15")}


def test_closing_makes_the_results_final(priced_with_redundant, personas):
    interruption(priced_with_redundant.link_x_metro, local(2026, 10, 15, 8), 300)
    before = imr_json("2026-10")
    close(2026, 10, personas.billing)
    final = ImrMonth.objects.get(year=2026, month=10)
    assert imr_json("2026-10") == before
    stored = IndicatorResult.objects.get(
        month=final, code="I1", link=priced_with_redundant.link_x_metro
    )
    assert (stored.band, stored.base, stored.amount) == (D("5"), D("905.52"), D("45.28"))
    lot = LotMonth.objects.get(month=final, lot=priced_with_redundant.lot_metro)
    assert (lot.amount_due, lot.discount, lot.imr_adjustment) == (
        D("1811.04"),
        D("6.09"),
        D("45.28"),
    )
    # An outage imported late changes neither the final results nor the frozen line's IMR.
    interruption(priced_with_redundant.link_y_metro, local(2026, 10, 20, 8), 2000)
    assert imr_json("2026-10") == before
    november = compute(2026, 11, local(2026, 12, 2))
    correction = november.corrections.get(link=priced_with_redundant.link_y_metro)
    assert correction.amount == D("40.57")  # the discount of 2 000 minutes only
    with pytest.raises(IntegrityError), transaction.atomic():
        stored.delete()


def test_closing_twice_finalizes_once(priced_with_redundant, personas):
    close(2026, 10, personas.billing)
    close(2026, 10, personas.billing)
    assert ImrMonth.objects.count() == 1


def test_a_definition_changed_mid_contract_applies_from_its_month(priced_with_redundant, personas):
    interruption(priced_with_redundant.link_x_metro, local(2026, 10, 15, 8), 300)
    interruption(priced_with_redundant.link_x_metro, local(2026, 11, 15, 8), 300)
    rule = rules_in_force({priced_with_redundant.contract.pk}, date(2026, 11, 1))[
        priced_with_redundant.contract.pk
    ]["I1"]
    changed = rule.__class__(**{**rule.__dict__, "target": D("99.0"), "definition_id": None})
    definition_change(
        contract=priced_with_redundant.contract,
        rule=changed,
        valid_from=date(2026, 11, 1),
        user=personas.billing,
        now=local(2026, 11, 20),
        reason="Termo aditivo nº 3",
    )
    with_nov = imr_json("2026-11")
    assert result_of(with_nov, "I1", circuit_id="BHZ-0001")["target"] == "99.0000"
    assert result_of(with_nov, "I1", circuit_id="BHZ-0001")["met"] is True
    october = result_of(imr_json("2026-10"), "I1", circuit_id="BHZ-0001")
    assert (october["target"], october["met"]) == ("99.5000", False)


def test_a_change_never_reaches_a_closed_month(priced_with_redundant, personas):
    close(2026, 10, personas.billing)
    rule = rules_in_force({priced_with_redundant.contract.pk}, date(2026, 10, 1))[
        priced_with_redundant.contract.pk
    ]["I2"]
    with pytest.raises(ValidationError, match="10/2026 já está fechada"):
        definition_change(
            contract=priced_with_redundant.contract,
            rule=rule,
            valid_from=date(2026, 9, 1),
            user=personas.billing,
            now=local(2026, 11, 25),
            reason="retroativo",
        )
    with pytest.raises(ValidationError, match="primeiro dia"):
        definition_change(
            contract=priced_with_redundant.contract,
            rule=rule,
            valid_from=date(2026, 11, 15),
            user=personas.billing,
            now=local(2026, 11, 25),
            reason="x",
        )


def test_only_billing_staff_change_definitions(priced_with_redundant, personas):
    rule = rules_in_force({priced_with_redundant.contract.pk}, date(2026, 12, 1))[
        priced_with_redundant.contract.pk
    ]["I2"]
    with pytest.raises(Exception, match="faturamento"):
        definition_change(
            contract=priced_with_redundant.contract,
            rule=rule,
            valid_from=date(2026, 12, 1),
            user=personas.carrier_a,
            now=local(2026, 11, 25),
            reason="x",
        )


def test_defaults_are_installed_once(priced_with_redundant):
    definitions_install_defaults(contract=priced_with_redundant.contract, now=local(2026, 11, 25))
    definitions_install_defaults(contract=priced_with_redundant.contract, now=local(2026, 11, 25))
    assert sorted(IndicatorDefinition.objects.values_list("code", "valid_from")) == [
        (code, date(2020, 1, 1)) for code in ("I1", "I2", "I3", "I4")
    ]


def lot_down(network, year: int, month: int):
    """The metro lot's availability below 99,5%: 500 counted minutes on each access."""
    for link in (network.link_x_metro, network.link_y_metro):
        interruption(link, local(year, month, 10, 8), 500)


def test_three_months_in_a_row_below_target_flag_the_carrier(priced_with_redundant, personas):
    for month in (7, 8, 9):
        lot_down(priced_with_redundant, 2026, month)
        close(2026, month, personas.billing)
    flag = BreachFlag.objects.get()
    assert (flag.lot, flag.carrier, flag.code, flag.rule) == (
        priced_with_redundant.lot_metro,
        priced_with_redundant.carrier_a,
        "I1",
        BreachRule.RUN,
    )
    assert flag.months == ["2026-07", "2026-08", "2026-09"]
    assert [item["value"] for item in flag.evidence] == ["98.8799", "98.8799", "98.8426"]
    lot_down(priced_with_redundant, 2026, 10)
    close(2026, 10, personas.billing)
    assert BreachFlag.objects.count() == 1  # October starts a new run


def test_a_run_completed_by_a_month_closed_last_is_flagged_once(priced_with_redundant, personas):
    """The metro lot misses I1 in July, August and September (500 counted minutes on each of
    its 2 accesses). Closed July, September, then August: after September the run is broken
    by August (not closed yet), no flag; closing August completes July-September: one flag,
    with the three months in calendar order."""
    for month in (7, 8, 9):
        lot_down(priced_with_redundant, 2026, month)
    for month in (7, 9):
        close(2026, month, personas.billing)
    assert not BreachFlag.objects.exists()
    close(2026, 8, personas.billing)
    flag = BreachFlag.objects.get()
    assert (flag.rule, flag.months) == (BreachRule.RUN, ["2026-07", "2026-08", "2026-09"])


def test_a_met_month_between_misses_raises_no_flag(priced_with_redundant, personas):
    for month, down in ((7, True), (8, True), (9, False), (10, True)):
        if down:
            lot_down(priced_with_redundant, 2026, month)
        close(2026, month, personas.billing, now=local(2026, 11, 25) + timedelta(minutes=month))
    assert not BreachFlag.objects.exists()


def test_billing_staff_open_or_dismiss_a_flag(priced_with_redundant, personas):
    for month in (7, 8, 9):
        lot_down(priced_with_redundant, 2026, month)
        close(2026, month, personas.billing)
    flag = BreachFlag.objects.get()
    with pytest.raises(Exception, match="faturamento"):
        breach_flag_transition(
            flag=flag, to=FlagStatus.DISMISSED, user=personas.carrier_a, now=local(2026, 11, 26)
        )
    with pytest.raises(ValidationError):
        breach_flag_transition(
            flag=flag, to=FlagStatus.OPENED, user=personas.billing, now=local(2026, 11, 26)
        )
    flag = breach_flag_transition(
        flag=flag,
        to=FlagStatus.OPENED,
        user=personas.billing,
        now=local(2026, 11, 26),
        proceeding_reference="1500.01.0001234/2026-11",
    )
    assert (flag.status, flag.decided_by) == (FlagStatus.OPENED, personas.billing)
    assert BillingPeriod.objects.filter(status="closed").count() == 3


def test_five_misses_in_twelve_months_flag_the_carrier(priced_with_redundant, personas):
    pattern = {1: True, 2: True, 3: False, 4: True, 5: False, 6: True, 7: None, 8: True}
    for month, down in pattern.items():
        if down:
            lot_down(priced_with_redundant, 2026, month)
        if down is None:  # July left open: a gap breaks a run, not the count in 12 months
            continue
        close(2026, month, personas.billing)
    flags = list(BreachFlag.objects.filter(code="I1").values_list("rule", "months"))
    assert flags == [(BreachRule.WINDOW, ["2026-01", "2026-02", "2026-04", "2026-06", "2026-08"])]
