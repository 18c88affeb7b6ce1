"""The monthly bill to the centavo (docs/domain.md section 5), on exact cases."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from billing import services
from billing.models import BillingSettings, Correction
from core.exceptions import DomainError
from inventory.models import LinkRevision
from monitoring.choices import OutageKind, Responsibility
from tests.billing.factories import CorrectionFactory
from tests.support.billing import compute, line_of, outage, price, worked_example_outage
from tests.support.time import NOVEMBER_END, local

D = Decimal


@pytest.mark.django_db
def test_the_worked_example_of_the_domain(priced_simple):
    link = priced_simple.link_x_metro
    outage(link, local(2026, 10, 15, 8, 0), local(2026, 10, 15, 10, 30))
    line = line_of(compute(2026, 10, NOVEMBER_END), link)
    assert (line.amount_due, line.outage_minutes, line.discount, line.net) == (
        D("905.52"),
        150,
        D("3.04"),
        D("902.48"),
    )
    assert line.active_minutes == 44640


@pytest.mark.django_db
def test_the_worked_example_cancelled_before_the_outage(priced_simple):
    link = priced_simple.link_x_metro
    link.cancelled_at, link.status = local(2026, 10, 10, 18, 0), "cancelled"
    link.save()
    outage(link, local(2026, 10, 15, 8, 0), local(2026, 10, 15, 10, 30))
    line = line_of(compute(2026, 10, NOVEMBER_END), link)
    assert (line.active_minutes, line.amount_due, line.discount) == (14040, D("284.80"), D("0"))


@pytest.mark.django_db
def test_activation_and_cancellation_mid_month_are_truncated_to_the_minute(priced_simple):
    link = priced_simple.link_x_metro
    link.activated_at = local(2026, 10, 5, 12, 34, 56)
    link.cancelled_at, link.status = local(2026, 10, 20, 8, 15, 30), "cancelled"
    link.save()
    line = line_of(compute(2026, 10, NOVEMBER_END), link)
    assert (line.active_minutes, line.amount_due) == (21341, D("432.90"))


@pytest.mark.django_db
def test_a_speed_change_mid_month_cuts_the_price(priced_simple):
    link = priced_simple.link_x_metro
    price(priced_simple.lot_metro, 8, "metro", "1200.00", date(2020, 1, 1))
    LinkRevision.objects.create(link=link, effective_at=local(2026, 10, 16), speed_mbps=8)
    line = line_of(compute(2026, 10, NOVEMBER_END), link)
    assert line.amount_due == D("1057.51")
    assert [s["price"] for s in line.inputs["segments"]] == ["905.52", "1200.00"]


@pytest.mark.django_db
def test_outages_are_counted_per_segment_and_one_crossing_the_cut_is_named_once(priced_simple):
    link = priced_simple.link_x_metro
    price(priced_simple.lot_metro, 8, "metro", "1200.00", date(2020, 1, 1))
    LinkRevision.objects.create(link=link, effective_at=local(2026, 10, 16), speed_mbps=8)
    before = outage(link, local(2026, 10, 10, 10, 0), local(2026, 10, 10, 11, 0))
    crossing = outage(link, local(2026, 10, 15, 23, 30), local(2026, 10, 16, 0, 30))
    after = outage(link, local(2026, 10, 20, 8, 0), local(2026, 10, 20, 10, 0))
    line = line_of(compute(2026, 10, NOVEMBER_END), link)
    assert [s["counted_minutes"] for s in line.inputs["segments"]] == [60 + 30, 30 + 120]
    assert line.outage_minutes == 240
    # (905,52 x 90 + 1 200,00 x 150) / 44 640 = 5,8579... -> 5,86
    assert line.discount == D("5.86")
    assert line.inputs["outages"] == [before.pk, crossing.pk, after.pk]


@pytest.mark.django_db
def test_a_price_amendment_mid_month(priced_simple):
    link = priced_simple.link_x_metro
    price(priced_simple.lot_metro, 4, "metro", "850.00", date(2026, 10, 20))
    assert line_of(compute(2026, 10, NOVEMBER_END), link).amount_due == D("884.03")


@pytest.mark.django_db
def test_a_missing_price_is_an_error_never_a_zero(priced_simple):
    LinkRevision.objects.create(
        link=priced_simple.link_x_metro, effective_at=local(2026, 10, 16), speed_mbps=16
    )
    with pytest.raises(DomainError, match="BHZ-0001"):
        compute(2026, 10, NOVEMBER_END)


@pytest.mark.django_db
def test_an_outage_crossing_the_month_end_counts_in_each_month(priced_simple):
    link = priced_simple.link_x_metro
    outage(link, local(2026, 10, 31, 23, 0), local(2026, 11, 1, 1, 30))
    assert line_of(compute(2026, 10, NOVEMBER_END), link).outage_minutes == 60
    assert line_of(compute(2026, 11, NOVEMBER_END), link).outage_minutes == 90


@pytest.mark.django_db
def test_outages_are_clipped_to_the_active_window(priced_simple):
    link = priced_simple.link_x_metro
    link.activated_at = local(2026, 10, 10, 12, 0)
    link.cancelled_at, link.status = local(2026, 10, 20, 12, 0), "cancelled"
    link.save()
    outage(link, local(2026, 10, 10, 11, 0), local(2026, 10, 10, 12, 40))
    outage(link, local(2026, 10, 20, 11, 50), local(2026, 10, 20, 13, 0))
    assert line_of(compute(2026, 10, NOVEMBER_END), link).outage_minutes == 40 + 10


@pytest.mark.django_db
def test_only_carrier_and_pending_outages_are_discounted(priced_simple):
    link = priced_simple.link_x_metro
    day = 1
    for responsibility in Responsibility.values:
        outage(link, local(2026, 10, day, 8), local(2026, 10, day, 9), responsibility)
        day += 1
    line = line_of(compute(2026, 10, NOVEMBER_END), link)
    assert line.outage_minutes == 120  # pending and carrier; agency, maintenance, force majeure


@pytest.mark.django_db
def test_a_degraded_window_counts_five_minutes(priced_simple):
    link = priced_simple.link_x_metro
    outage(
        link,
        local(2026, 10, 3, 9, 5),
        local(2026, 10, 3, 9, 10),
        Responsibility.PENDING,
        kind=OutageKind.DEGRADATION,
    )
    assert line_of(compute(2026, 10, NOVEMBER_END), link).outage_minutes == 5


@pytest.mark.django_db
def test_an_open_outage_counts_up_to_the_moment_of_computation(priced_simple):
    link = priced_simple.link_x_metro
    outage(link, local(2026, 11, 20, 8, 0), None)
    now = local(2026, 11, 20, 9, 30, 45)
    assert line_of(compute(2026, 11, now), link).outage_minutes == 90


@pytest.mark.django_db
def test_a_redundant_access_is_priced_as_one_redundant_item(priced_simple):
    link = priced_simple.link_x_metro
    link.access_type, link.mgmt_ip_secondary = "redundant", "127.10.99.2"
    link.save()
    price(priced_simple.lot_metro, 4, "metro", "1629.94", date(2020, 1, 1), access="redundant")
    outage(link, local(2026, 10, 2, 10), local(2026, 10, 2, 15))
    line = line_of(compute(2026, 10, NOVEMBER_END), link)
    assert (line.amount_due, line.discount) == (D("1629.94"), D("10.95"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "minutes", "discount"), [(2027, 40320, "1.35"), (2028, 41760, "1.30")]
)
def test_february_with_and_without_a_leap_day(priced_simple, year, minutes, discount):
    link = priced_simple.link_x_metro
    outage(link, local(year, 2, 10, 8), local(year, 2, 10, 9))
    line = line_of(compute(year, 2, local(year, 3, 1)), link)
    assert (line.active_minutes, line.amount_due, line.discount) == (
        minutes,
        D("905.52"),
        D(discount),
    )


@pytest.mark.django_db
def test_the_anatel_divisor_with_a_full_month_outage_is_capped_by_the_amount_due(priced_simple):
    link = priced_simple.link_x_metro
    BillingSettings.objects.create(contract=priced_simple.contract, fixed_divisor=True)
    outage(link, local(2026, 9, 30), local(2026, 11, 2))
    line = line_of(compute(2026, 10, NOVEMBER_END), link)
    # 905,52 x 44 640 / 43 200 = 935,70, more than is due: the discount stops at 905,52.
    assert (line.amount_due, line.discount, line.net) == (D("905.52"), D("905.52"), D("0.00"))


@pytest.mark.django_db
def test_half_a_centavo_rounds_up(priced_simple):
    link = priced_simple.link_x_metro
    price(priced_simple.lot_metro, 2, "metro", "100.00", date(2020, 1, 1))
    link.speed_mbps = 2
    link.save()
    outage(link, local(2026, 10, 7, 0, 0), local(2026, 10, 7, 4, 39))  # 279 minutes
    assert line_of(compute(2026, 10, NOVEMBER_END), link).discount == D("0.63")  # 0,625


@pytest.mark.django_db
def test_a_consortium_line_is_split_by_share_and_the_parts_add_up(priced_simple):
    link = priced_simple.link_x_interior
    outage(link, local(2026, 10, 15, 8, 0), local(2026, 10, 15, 10, 30))
    line = line_of(compute(2026, 10, NOVEMBER_END), link)
    assert line.carrier == priced_simple.carrier_b  # the leader
    beta, alfa = line.shares.order_by("position")
    assert (beta.carrier, beta.share, alfa.carrier, alfa.share) == (
        priced_simple.carrier_b,
        D("60"),
        priced_simple.carrier_a,
        D("40"),
    )
    assert (beta.amount_due, alfa.amount_due) == (D("740.74"), D("493.83"))
    for name in ("amount_due", "discount", "imr_adjustment", "fines", "corrections", "net"):
        assert getattr(beta, name) + getattr(alfa, name) == getattr(line, name)
    assert beta.net == beta.amount_due - beta.discount
    assert not line_of(compute(2026, 10, NOVEMBER_END), priced_simple.link_x_metro).shares.exists()


@pytest.mark.django_db
def test_closing_freezes_the_month_and_closing_twice_does_nothing(priced_simple, personas):
    link = priced_simple.link_x_metro
    outage(link, local(2026, 10, 15, 8, 0), local(2026, 10, 15, 10, 30))
    period = compute(2026, 10, NOVEMBER_END)
    with pytest.raises(DomainError, match="depois de terminar"):
        services.period_close(period=period, user=personas.billing, now=local(2026, 10, 31, 23))
    period = services.period_close(period=period, user=personas.billing, now=NOVEMBER_END)
    frozen = list(period.lines.values_list("pk", "discount", "net"))
    closed_at = period.closed_at
    period = services.period_close(period=period, user=personas.billing, now=NOVEMBER_END)
    assert period.closed_at == closed_at
    # Recomputing a closed month changes nothing, and the database refuses edits.
    outage(link, local(2026, 10, 20, 8, 0), local(2026, 10, 20, 9, 0))
    services.period_compute(period=period, now=NOVEMBER_END + timedelta(days=1))
    assert list(period.lines.values_list("pk", "discount", "net")) == frozen
    with pytest.raises(IntegrityError, match="fechada"), transaction.atomic():
        period.lines.update(net=0)


@pytest.mark.django_db
def test_a_change_after_closing_becomes_a_correction_in_the_next_open_month(
    priced_simple, personas
):
    link = priced_simple.link_x_metro
    decided_later = outage(
        link, local(2026, 10, 15, 8, 0), local(2026, 10, 15, 10, 30), Responsibility.PENDING
    )
    october = compute(2026, 10, NOVEMBER_END)
    services.period_close(period=october, user=personas.billing, now=NOVEMBER_END)
    # The NOC decides the outage was the agency's: 3,04 is owed back to the carrier.
    decided_later.responsibility = Responsibility.AGENCY
    decided_later.save()
    # An outage imported late: 905,52 x 60 / 44 640 = 1,22 more to deduct.
    late = outage(link, local(2026, 10, 25, 14, 0), local(2026, 10, 25, 15, 0))
    november = compute(2026, 11, NOVEMBER_END)
    [correction] = Correction.objects.filter(period=november)
    assert (correction.corrects, correction.amount) == (october, D("-1.82"))
    assert f"#{late.pk}" in correction.reason and f"#{decided_later.pk}" in correction.reason
    line = line_of(november, link)
    assert (line.corrections, line.net) == (D("-1.82"), D("905.52") + D("1.82"))
    # Computing again posts nothing new.
    compute(2026, 11, NOVEMBER_END)
    assert Correction.objects.filter(period=november).count() == 1
    # The frozen October line is untouched.
    assert line_of(october, link).discount == D("3.04")


@pytest.mark.django_db
def test_a_positive_correction_is_capped_and_its_rest_carries_to_the_next_month(
    priced_simple, personas
):
    link = priced_simple.link_x_metro
    october = compute(2026, 10, NOVEMBER_END)
    services.period_close(period=october, user=personas.billing, now=NOVEMBER_END)
    november = services.period_get_or_create(year=2026, month=11)
    CorrectionFactory(
        period=november, link=link, corrects=october, kind="carry", amount=D("1000.00")
    )
    november = compute(2026, 11, local(2026, 12, 1))
    line = line_of(november, link)
    assert (line.corrections, line.net) == (D("905.52"), D("0.00"))
    services.period_close(period=november, user=personas.billing, now=local(2026, 12, 1))
    carry = Correction.objects.get(kind="carry", period__month=12)
    assert (carry.period.label, carry.amount) == ("2026-12", D("94.48"))


@pytest.mark.django_db
def test_the_agency_lot_and_carrier_a_line_names_cannot_be_deleted(priced_simple):
    # The database does not check these copies row by row; deleting what they name is refused.
    link = priced_simple.link_x_interior
    line = line_of(compute(2026, 10, NOVEMBER_END), link)
    for named in (line.agency, line.lot, line.carrier):
        with pytest.raises(ProtectedError) as refused, transaction.atomic():
            named.delete()
        assert line in refused.value.protected_objects


@pytest.mark.django_db
def test_the_database_refuses_every_change_to_a_closed_months_rows(priced_simple, personas):
    october = compute(2026, 10, NOVEMBER_END)
    services.period_close(period=october, user=personas.billing, now=NOVEMBER_END)
    line = line_of(october, priced_simple.link_x_interior)
    share = line.shares.first()
    changes = [
        lambda: october.lines.filter(pk=line.pk).delete(),
        lambda: line.shares.update(net=0),
        lambda: share.delete(),
        lambda: CorrectionFactory(period=october, link=line.link, corrects=october),
    ]
    for change in changes:
        with pytest.raises(IntegrityError, match="fechada"), transaction.atomic():
            change()
    # An open month's rows stay free to change.
    november = compute(2026, 11, NOVEMBER_END + timedelta(days=30))
    line_of(november, priced_simple.link_x_interior).shares.update(net=0)


@pytest.mark.django_db
def test_lines_made_by_the_helper_process_are_the_lines_made_here(priced_simple, monkeypatch):
    # A month of many chunks has every other chunk made by a forked helper process: one line
    # per chunk here, so that the helper makes half of them, a consortium line among them.
    worked_example_outage(priced_simple)
    outage(priced_simple.link_x_interior, local(2026, 10, 3, 1, 0), local(2026, 10, 3, 2, 0))

    def written(period):
        return {
            line.link_id: (
                line.amount_due,
                line.discount,
                line.net,
                line.inputs["outages"],
                [(s.carrier_id, s.amount_due, s.discount, s.net) for s in line.shares.all()],
            )
            for line in period.lines.all()
        }

    alone = written(compute(2026, 10, NOVEMBER_END))
    monkeypatch.setattr(services, "STORE_CHUNK", 1)
    helped = written(compute(2026, 10, NOVEMBER_END))
    assert helped == alone
    assert len(helped) >= 3 and any(shares for *_, shares in helped.values())


def _close(year: int, month: int, personas):
    period = services.period_get_or_create(year=year, month=month)
    after = local(year + month // 12, month % 12 + 1, 1, 0, 5)
    return services.period_close(period=period, user=personas.billing, now=after)


@pytest.mark.django_db
@pytest.mark.parametrize("order", [(10, 11), (11, 10)], ids=["oct-then-nov", "nov-then-oct"])
def test_a_correction_goes_to_the_earliest_open_month_after_the_corrected_one(
    priced_simple, personas, order
):
    """September (30 days, 43 200 minutes) closed; an outage of 10/09 14:00-15:00 imported late
    owes 905,52 x 60 / 43 200 = 1,2577 -> R$ 1,26 more to deduct. It is posted once, on
    October, the earliest month after September still open when it is computed, whichever of
    October and November closes first: never on November (October is open, and a correction
    flows forward only to the first open month)."""
    link = priced_simple.link_x_metro
    _close(2026, 9, personas)
    outage(link, local(2026, 9, 10, 14, 0), local(2026, 9, 10, 15, 0))
    closed = {month: _close(2026, month, personas) for month in order}
    [correction] = Correction.objects.all()
    assert (correction.period, correction.corrects.month, correction.amount) == (
        closed[10],
        9,
        D("1.26"),
    )
    assert line_of(closed[10], link).corrections == D("1.26")
    assert line_of(closed[11], link).corrections == D("0.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("order", "carried_to"),
    [((10, 11), (2026, 11)), ((11, 10), (2026, 12))],
    ids=["oct-then-nov", "nov-then-oct"],
)
def test_a_corrections_rest_carries_forward_to_the_next_open_month(
    priced_simple, personas, order, carried_to
):
    """A correction of R$ 1.000,00 more to deduct posted on October (for September) on a line of
    905,52: October absorbs 905,52 and 94,48 carries forward. Closed October then November, the
    rest goes to November; closed November then October, November is frozen, so the rest goes
    to December, the next month after October still open, never back into a closed month."""
    link = priced_simple.link_x_metro
    september = _close(2026, 9, personas)
    october = services.period_get_or_create(year=2026, month=10)
    CorrectionFactory(
        period=october, link=link, corrects=september, kind="carry", amount=D("1000.00")
    )
    closed = {month: _close(2026, month, personas) for month in order}
    assert (line_of(closed[10], link).corrections, line_of(closed[10], link).net) == (
        D("905.52"),
        D("0.00"),
    )
    assert line_of(closed[11], link).corrections == (
        D("94.48") if carried_to == (2026, 11) else D("0.00")
    )
    carry = Correction.objects.get(corrects=closed[10])
    assert ((carry.period.year, carry.period.month), carry.amount) == (carried_to, D("94.48"))
