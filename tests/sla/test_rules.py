"""The IMR's arithmetic on exact cases (pure functions, no database)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from core.money import spread
from sla.choices import BreachRule
from sla.defaults import DEFAULT_RULES
from sla.rules import LineBase, breaches, evaluate, lot_spread, pct_text, percent_of

D = Decimal
I1, I2, I3, I4 = DEFAULT_RULES
NOVEMBER = 43_200  # 30 days


@pytest.mark.parametrize(
    ("counted", "met", "band"),
    [
        (0, True, None),
        (216, True, None),  # exactly 99,5%: at target
        (217, False, D("5")),  # just below
        (432, False, D("5")),  # exactly 0,5 pp short
        (433, False, D("10")),
        (648, False, D("10")),  # exactly 1 pp short
        (649, False, D("20")),
        (1440, False, D("20")),
        (1441, False, D("30")),  # more than 1 440 counted minutes replaces the band
    ],
)
def test_availability_bands_at_their_edges(counted, met, band):
    outcome = evaluate(
        I1, NOVEMBER - counted, NOVEMBER, access_type="simple", counted_minutes=counted
    )
    assert (outcome.met, outcome.band) == (met, band)


@pytest.mark.parametrize(("counted", "met"), [(129, True), (130, False)])
def test_a_redundant_access_has_its_own_target(counted, met):
    # 99,7% of 43 200 minutes leaves 129,6 minutes
    outcome = evaluate(
        I1, NOVEMBER - counted, NOVEMBER, access_type="redundant", counted_minutes=counted
    )
    assert (outcome.target, outcome.met) == (D("99.7"), met)
    assert outcome.band == (None if met else D("5"))


@pytest.mark.parametrize(
    ("on_time", "counted", "met", "band"),
    [
        (9, 10, True, None),  # exactly 90%
        (899, 1000, False, D("10")),  # just below
        (8, 10, False, D("10")),  # exactly 80%: [80, 90)
        (799, 1000, False, D("20")),
        (7, 10, False, D("20")),  # exactly 70%
        (699, 1000, False, D("30")),
        (0, 3, False, D("30")),
    ],
)
def test_lot_bands_at_their_edges(on_time, counted, met, band):
    for rule in (I2, I3, I4):
        outcome = evaluate(rule, on_time, counted)
        assert (outcome.met, outcome.band) == (met, band)


def test_nothing_counted_is_not_applicable():
    outcome = evaluate(I2, 0, 0)
    assert (outcome.value, outcome.met, outcome.band) == (None, None, None)
    assert pct_text(outcome.value) is None


def test_percentages_are_strings_with_four_decimals_rounded_half_up():
    assert pct_text(Fraction(43_200 - 217, 43_200) * 100) == "99.4977"
    assert pct_text(Fraction(2, 3) * 100) == "66.6667"
    assert pct_text(Fraction(1, 8) / 100) == "0.0013"  # 0,00125 rounds up
    assert pct_text(Fraction(100)) == "100.0000"
    assert pct_text(Fraction(0)) == "0.0000"


def test_a_percentage_of_an_amount_is_rounded_once():
    assert percent_of(D("905.52"), D("5")) == D("45.28")  # 45,276
    assert percent_of(D("0.10"), D("5")) == D("0.01")  # 0,005 rounds half-up


def test_the_spread_adds_up_to_the_centavo_by_largest_remainder():
    assert spread(D("100.00"), [D("1"), D("1"), D("1")]) == [D("33.34"), D("33.33"), D("33.33")]
    parts = spread(D("181.11"), [D("905.52"), D("905.52"), D("1234.57")])
    assert sum(parts) == D("181.11")
    # 53,8476 + 53,8476 + 73,4148: the two largest remainders take the two centavos left
    assert parts == [D("53.85"), D("53.85"), D("73.41")]
    assert spread(D("5.00"), [D("0"), D("0")]) == [D("0.00"), D("0.00")]


def test_spread_ties_go_to_the_first_circuit_id():
    lines = [
        LineBase(link_id=2, circuit_id="MG-B", lot_id=1, amount_due=D("10.00")),
        LineBase(link_id=1, circuit_id="MG-A", lot_id=1, amount_due=D("10.00")),
    ]
    assert lot_spread(D("0.01"), lines) == {1: D("0.01"), 2: D("0.00")}


def months(*numbers):
    return [(2026, n) for n in numbers]


def scan(missed: list[bool | None], start=1, consumed=()):
    outcomes = list(zip(months(*range(start, start + len(missed))), missed, strict=True))
    return breaches(
        outcomes, consumed=set(consumed), run_length=3, window_count=5, window_months=12
    )


def test_three_misses_in_a_row_is_a_breach():
    (found,) = scan([True, True, True])
    assert (found.rule, found.months) == (BreachRule.RUN, tuple(months(1, 2, 3)))


def test_a_month_met_breaks_the_run():
    assert scan([True, True, False, True, True]) == []


def test_not_applicable_months_neither_make_nor_break_a_run():
    (found,) = scan([True, None, True, None, None, True])
    assert found.months == tuple(months(1, 3, 6))
    assert scan([None, None, None]) == []


def test_five_misses_in_twelve_months_is_a_breach():
    pattern = [True, True, False, True, False, True, False, False, False, False, False, True]
    (found,) = scan(pattern)
    assert (found.rule, found.months) == (BreachRule.WINDOW, tuple(months(1, 2, 4, 6, 12)))


def test_five_misses_spread_over_more_than_twelve_months_are_not():
    pattern = [True, True, False, True, False, True] + [False] * 7 + [True]
    assert scan(pattern) == []


def test_a_month_is_evidence_of_one_breach_only():
    first, second = scan([True] * 6)
    assert (first.months, second.months) == (tuple(months(1, 2, 3)), tuple(months(4, 5, 6)))
    assert scan([True] * 4, consumed=months(1, 2, 3)) == []


def test_a_month_without_final_results_breaks_a_run():
    outcomes = [((2026, 1), True), ((2026, 2), True), ((2026, 4), True)]
    assert breaches(outcomes, consumed=set(), run_length=3, window_count=5, window_months=12) == []
