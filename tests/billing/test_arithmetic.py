"""The consortium split on its own (billing.arithmetic.split): pure arithmetic, no database."""

from decimal import Decimal

from billing.arithmetic import SPLIT_FIELDS, LineAmounts, split

D = Decimal


def amounts(due: str, discount: str, imr: str) -> LineAmounts:
    net = D(due) - D(discount) - D(imr)
    return LineAmounts(amount_due=D(due), discount=D(discount), imr_adjustment=D(imr), net=net)


def test_each_amount_is_split_half_up_and_the_last_member_takes_the_remainder():
    parts = split(amounts("905.52", "3.04", "0.00"), [D("33.3333"), D("33.3333"), D("33.3334")])
    # 905.52 x 33.3333% = 301.839698... -> 301.84 twice; the last 905.52 - 603.68
    assert [p[0] for p in parts] == [D("301.84"), D("301.84"), D("301.84")]
    assert [p[1] for p in parts] == [D("1.01"), D("1.01"), D("1.02")]
    assert [p[-1] for p in parts] == [D("300.83"), D("300.83"), D("300.82")]


def test_a_centavo_that_would_make_a_net_negative_moves_on_even_past_the_last_member():
    # A line left with nothing (net 0.00): the member whose deductions round up past its
    # amount_due hands the centavo to the next; the last member's next is the first, which then
    # hands it on in turn, until no member's net is negative.
    line = amounts("176.12", "20.67", "155.45")
    parts = split(line, [D("45.5"), D("30.25"), D("24.25")])
    assert [p[-1] for p in parts] == [D("0.00")] * 3
    for index, name in enumerate((*SPLIT_FIELDS, "net")):
        assert sum(p[index] for p in parts) == getattr(line, name)
    for part in parts:
        assert part[0] - sum(part[1:5]) == part[5]
