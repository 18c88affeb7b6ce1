"""Collection of final fines from the statements: installments over months adding up to the
centavo, spread over the lot's lines by what is left after discount and IMR (largest
remainder), carried over when a month cannot absorb them, split in a consortium, suspended by
an appeal, stopped by cancelling, and left over at the contract's end."""

from datetime import date
from decimal import Decimal

import pytest

from billing import services as billing
from penalties.choices import Outcome
from penalties.choices import ProceedingStatus as S
from penalties.collection import installment_amounts
from penalties.models import Collection
from penalties.services import proceeding_transition
from tests.penalties.factories import PenaltySettingsFactory
from tests.support.billing import compute, line_of, outage
from tests.support.penalties import fined
from tests.support.time import local

pytestmark = pytest.mark.django_db

D = Decimal


def close(year: int, month: int, personas):
    period = billing.period_get_or_create(year=year, month=month)
    _, end = (None, local(year + month // 12, month % 12 + 1, 1, 0, 5))
    return billing.period_close(period=period, user=personas.billing, now=end)


def contract_ending(contract, end: date, *, guarantee: str) -> None:
    """The contract ends on `end`, with a guarantee of `guarantee` for leftover fines."""
    contract.end_date = end
    contract.save(update_fields=["end_date"])
    PenaltySettingsFactory(contract=contract, guarantee=D(guarantee))


def fines_of(period, *links) -> list[Decimal]:
    return [line_of(period, link).fines for link in links]


def test_installments_are_equal_and_the_last_absorbs_the_centavos():
    assert installment_amounts(D("1000.00"), 3) == [D("333.33"), D("333.33"), D("333.34")]
    assert installment_amounts(D("200.00"), 3) == [D("66.67"), D("66.67"), D("66.66")]
    assert installment_amounts(D("0.05"), 1) == [D("0.05")]


def test_three_installments_over_three_months_add_up_to_the_centavo(
    priced_simple, personas, open_proceeding
):
    walk = fined(open_proceeding, amount="1000.00", installments=3)
    assert walk.proceeding.first_month == date(2026, 10, 1)  # final in September
    assert line_of(compute(2026, 9, local(2026, 9, 25)), priced_simple.link_x_metro).fines == 0
    x, y = (
        priced_simple.link_x_metro,
        priced_simple.link_y_metro,
    )  # BHZ-0001, CTG-0001: R$ 905,52 each
    october = close(2026, 10, personas)
    assert fines_of(october, x, y) == [D("166.67"), D("166.66")]  # tie: BHZ-0001 first
    line = line_of(october, x)
    assert line.net == D("905.52") - D("166.67")
    assert line.inputs["fines"]["proceedings"] == [
        {"number": walk.proceeding.number, "due": "333.33", "collected": "333.33"}
    ]
    november = close(2026, 11, personas)
    december = close(2026, 12, personas)
    assert fines_of(november, x, y) == [D("166.67"), D("166.66")]
    assert fines_of(december, x, y) == [D("166.67"), D("166.67")]
    january = compute(2027, 1, local(2027, 1, 10))
    assert fines_of(january, x, y) == [D("0.00"), D("0.00")]
    total = sum(sum(fines_of(p, x, y)) for p in (october, november, december))
    assert total == D("1000.00")
    walk.proceeding.refresh_from_db()
    assert walk.proceeding.status == S.PAID
    assert [c.collected for c in Collection.objects.order_by("year", "month")] == [
        D("333.33"),
        D("333.33"),
        D("333.34"),
    ]


def test_spread_follows_what_is_left_after_discount_and_imr(
    priced_simple, personas, open_proceeding
):
    fined(open_proceeding, amount="100.00", installments=1)
    # BHZ-0001 loses a whole day: discount 905,52 x 1440 / 44640 = 29,21, and I1 misses its
    # target by more than 1 p.p. (20% glosa: 181,10), so 695,21 is left on it.
    outage(priced_simple.link_x_metro, local(2026, 10, 5, 0, 0), local(2026, 10, 6, 0, 0))
    october = compute(2026, 10, local(2026, 11, 1, 0, 5))
    x, y = (
        line_of(october, priced_simple.link_x_metro),
        line_of(october, priced_simple.link_y_metro),
    )
    assert (x.discount, x.imr_adjustment) == (D("29.21"), D("181.10"))
    # 100,00 x 695,21 / 1600,73 = 43,430... and 100,00 x 905,52 / 1600,73 = 56,569...: the
    # centavo left goes to the larger remainder.
    assert (x.fines, y.fines) == (D("43.43"), D("56.57"))
    assert x.inputs["fines"]["lot_left"] == "1600.73"


def test_a_month_that_cannot_absorb_the_installment_carries_the_rest(
    priced_simple, personas, open_proceeding
):
    walk = fined(open_proceeding, amount="2000.00", installments=1)
    x, y = priced_simple.link_x_metro, priced_simple.link_y_metro
    october = close(2026, 10, personas)
    assert fines_of(october, x, y) == [D("905.52"), D("905.52")]
    assert [line_of(october, link).net for link in (x, y)] == [D("0.00"), D("0.00")]
    [record] = Collection.objects.all()
    assert (record.due, record.collected, record.carried) == (
        D("2000.00"),
        D("1811.04"),
        D("188.96"),
    )
    november = close(2026, 11, personas)
    assert fines_of(november, x, y) == [D("94.48"), D("94.48")]
    walk.proceeding.refresh_from_db()
    assert walk.proceeding.status == S.PAID


def test_a_carry_joins_the_next_installment(priced_simple, personas, open_proceeding):
    fined(open_proceeding, amount="4000.00", installments=2)  # 2 000,00 each
    october = close(2026, 10, personas)
    x, y = priced_simple.link_x_metro, priced_simple.link_y_metro
    assert sum(fines_of(october, x, y)) == D("1811.04")  # 188,96 carried
    november = close(2026, 11, personas)
    assert sum(fines_of(november, x, y)) == D("1811.04")  # 2 188,96 due: 377,92 carried
    december = close(2026, 12, personas)
    assert sum(fines_of(december, x, y)) == D("377.92")
    assert sum(c.collected for c in Collection.objects.all()) == D("4000.00")


def test_a_consortium_pays_through_its_members_shares(priced_simple, personas, open_proceeding):
    fined(open_proceeding, amount="500.00", installments=1, lot=priced_simple.lot_interior)
    october = compute(2026, 10, local(2026, 10, 20))
    line = line_of(october, priced_simple.link_x_interior)
    assert line.fines == D("500.00")
    shares = {s.carrier.code: s for s in line.shares.select_related("carrier")}
    assert (shares["beta"].fines, shares["alfa"].fines) == (D("300.00"), D("200.00"))
    assert shares["beta"].net + shares["alfa"].net == line.net == D("734.57")
    assert fines_of(october, priced_simple.link_x_metro) == [D("0.00")]  # another lot


def test_an_appeal_suspends_collection_until_the_final_decision(
    priced_simple, personas, authority, open_proceeding
):
    walk = open_proceeding(amount="300.00")
    walk.notify(local(2026, 9, 1, 10, 0))
    walk.defend(local(2026, 9, 2, 10, 0))
    walk.opinions(local(2026, 9, 3, 10, 0))
    walk.decide(local(2026, 9, 4, 10, 0))
    walk.to(S.APPEALED, local(2026, 9, 8, 10, 0), personas.carrier_a, reason="Recorro.")
    october = compute(2026, 10, local(2026, 10, 20))
    assert (
        fines_of(october, priced_simple.link_x_metro, priced_simple.link_y_metro) == [D("0.00")] * 2
    )
    walk.to(S.FINAL, local(2026, 10, 21), authority, reason="Mantida.", outcome=Outcome.APPLIED)
    walk.to(S.REGISTERED, local(2026, 10, 21), personas.billing)
    walk.to(S.COLLECTING, local(2026, 10, 21), personas.billing)
    assert walk.proceeding.first_month == date(2026, 11, 1)
    november = compute(2026, 11, local(2026, 11, 20))
    assert fines_of(november, priced_simple.link_x_metro, priced_simple.link_y_metro) == [
        D("150.00"),
        D("150.00"),
    ]


def test_collection_starts_in_the_earliest_open_month_after_the_final_decision(
    priced_simple, personas, open_proceeding
):
    close(2026, 10, personas)  # October closed before the fine is registered
    walk = fined(open_proceeding, amount="100.00", installments=1, final_at=local(2026, 9, 21))
    assert walk.proceeding.first_month == date(2026, 11, 1)


def test_cancelling_stops_collection(priced_simple, personas, authority, open_proceeding):
    walk = fined(open_proceeding, amount="3000.00", installments=3)
    close(2026, 10, personas)
    walk.to(S.CANCELLED, local(2026, 11, 5), authority, reason="Anulado pela autoridade.")
    november = compute(2026, 11, local(2026, 11, 20))
    assert (
        fines_of(november, priced_simple.link_x_metro, priced_simple.link_y_metro)
        == [D("0.00")] * 2
    )


def test_the_leftover_at_the_contracts_end_goes_to_the_guarantee_then_to_court(
    priced_simple, personas, open_proceeding
):
    contract_ending(priced_simple.contract, date(2026, 10, 31), guarantee="1000.00")
    first = fined(open_proceeding, amount="2500.00", installments=1)
    second = fined(open_proceeding, amount="500.00", installments=1, final_at=local(2026, 9, 22))
    close(2026, 10, personas)  # 1 811,04 collected, all of it for the first fine
    first.proceeding.refresh_from_db()
    second.proceeding.refresh_from_db()
    assert (first.proceeding.status, first.proceeding.leftover_guarantee) == (
        S.GUARANTEE,
        D("688.96"),
    )
    assert (second.proceeding.status, second.proceeding.leftover_guarantee) == (
        S.JUDICIAL,
        D("311.04"),
    )
    assert second.proceeding.leftover_judicial == D("188.96")


def test_closing_twice_records_once(priced_simple, personas, open_proceeding):
    fined(open_proceeding, amount="100.00", installments=1)
    close(2026, 10, personas)
    close(2026, 10, personas)
    assert Collection.objects.count() == 1


def test_no_fine_is_collected_by_hand(priced_simple, personas, open_proceeding):
    walk = fined(open_proceeding, amount="100.00", installments=1)
    from core.exceptions import DomainError

    with pytest.raises(DomainError):
        proceeding_transition(
            proceeding=walk.proceeding, to=S.PAID, user=personas.billing, at=local(2026, 10, 1)
        )


def test_months_closed_in_order_collect_each_installment_and_carry_forward(
    priced_simple, personas, open_proceeding
):
    """R$ 4.000,00 in two installments of 2.000,00 (October, November). The lot's two lines
    leave 905,52 + 905,52 = 1.811,04 a month to collect.
    October closed first: due 2.000,00, collected 1.811,04, 188,96 carried to November.
    November: due 2.000,00 + 188,96 = 2.188,96, collected 1.811,04, 377,92 carried.
    December (open, computed): due 377,92."""
    fined(open_proceeding, amount="4000.00", installments=2)
    x, y = priced_simple.link_x_metro, priced_simple.link_y_metro
    close(2026, 10, personas)
    close(2026, 11, personas)
    records = [(c.month, c.due, c.collected, c.carried) for c in Collection.objects.all()]
    assert records == [
        (10, D("2000.00"), D("1811.04"), D("188.96")),
        (11, D("2188.96"), D("1811.04"), D("377.92")),
    ]
    assert sum(fines_of(compute(2026, 12, local(2026, 12, 10)), x, y)) == D("377.92")


def test_a_later_month_closed_first_collects_only_its_own_installment(
    priced_simple, personas, open_proceeding
):
    """The same fine (two installments of 2.000,00, October and November; 1.811,04 a month
    to collect), November closed before October.
    November: only its own installment is due, 2.000,00 (October's belongs to October, still
    open): collected 1.811,04, 188,96 carried forward (to December, the next open month).
    October, closed after: its own 2.000,00 is due (nothing closed before it collected any),
    collected 1.811,04, 188,96 carried forward (November is closed: to December too).
    December: 188,96 + 188,96 = 377,92 due, the same total as closing in order."""
    fined(open_proceeding, amount="4000.00", installments=2)
    x, y = priced_simple.link_x_metro, priced_simple.link_y_metro
    november = close(2026, 11, personas)
    assert sum(fines_of(november, x, y)) == D("1811.04")
    # October, open, still shows its own installment as due (capped by its lines).
    assert sum(fines_of(compute(2026, 10, local(2026, 10, 20)), x, y)) == D("1811.04")
    # December, while October is open, collects only what November carried.
    assert sum(fines_of(compute(2026, 12, local(2026, 12, 10)), x, y)) == D("188.96")
    october = close(2026, 10, personas)
    assert sum(fines_of(october, x, y)) == D("1811.04")
    records = [(c.month, c.due, c.collected, c.carried) for c in Collection.objects.all()]
    assert records == [
        (10, D("2000.00"), D("1811.04"), D("188.96")),
        (11, D("2000.00"), D("1811.04"), D("188.96")),
    ]
    assert sum(fines_of(compute(2026, 12, local(2026, 12, 10)), x, y)) == D("377.92")


def test_installments_closed_backwards_each_stay_in_their_month(
    priced_simple, personas, open_proceeding
):
    """R$ 1.000,00 in three installments: 333,33 (October), 333,33 (November), 333,34
    (December), each well within the 1.811,04 a month leaves. Closing December, then
    November, then October collects 333,34, then 333,33, then 333,33: each month its own,
    the fine paid when the last of the three closes, never more than 1.000,00 in all."""
    walk = fined(open_proceeding, amount="1000.00", installments=3)
    x, y = priced_simple.link_x_metro, priced_simple.link_y_metro
    december = close(2026, 12, personas)
    assert fines_of(december, x, y) == [D("166.67"), D("166.67")]
    november = close(2026, 11, personas)
    assert fines_of(november, x, y) == [D("166.67"), D("166.66")]
    walk.proceeding.refresh_from_db()
    assert walk.proceeding.status == S.COLLECTING
    october = close(2026, 10, personas)
    assert fines_of(october, x, y) == [D("166.67"), D("166.66")]
    walk.proceeding.refresh_from_db()
    assert walk.proceeding.status == S.PAID
    assert sum(c.collected for c in Collection.objects.all()) == D("1000.00")
    assert sum(fines_of(compute(2027, 1, local(2027, 1, 10)), x, y)) == D("0.00")


def test_the_leftover_waits_for_every_month_of_the_contract_to_close(
    priced_simple, personas, open_proceeding
):
    """The contract ends on 30/11/2026; R$ 4.000,00 in two installments (October, November),
    1.811,04 a month to collect, a guarantee of R$ 1.000,00. November closed first collects
    1.811,04 of its 2.000,00, and nothing is left over yet: October is open and still owes
    its installment. October closed then collects 1.811,04 of its own 2.000,00, and only now
    is the rest a leftover: 4.000,00 - 3.622,08 = 377,92, within the guarantee."""
    contract_ending(priced_simple.contract, date(2026, 11, 30), guarantee="1000.00")
    walk = fined(open_proceeding, amount="4000.00", installments=2)
    close(2026, 11, personas)
    walk.proceeding.refresh_from_db()
    assert walk.proceeding.status == S.COLLECTING
    close(2026, 10, personas)
    walk.proceeding.refresh_from_db()
    assert (walk.proceeding.status, walk.proceeding.leftover_guarantee) == (
        S.GUARANTEE,
        D("377.92"),
    )
