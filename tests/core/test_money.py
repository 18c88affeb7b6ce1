from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models

from core.money import parse_decimal, round_brl
from core.templatetags.formatting import brl, number_br
from redegov.checks import check_no_float_fields


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3.0427", "3.04"),
        ("284.795", "284.80"),  # half-up, not banker's rounding
        ("0.005", "0.01"),
        ("0.0049", "0.00"),
        ("-1.005", "-1.01"),
    ],
)
def test_round_brl_is_half_up_to_the_centavo(value, expected):
    assert round_brl(Decimal(value)) == Decimal(expected)


def test_parse_decimal_reads_both_dialects():
    assert parse_decimal("1.234,56", decimal_comma=True) == Decimal("1234.56")
    assert parse_decimal("R$ 226,38", decimal_comma=True) == Decimal("226.38")
    assert parse_decimal("1234.56", decimal_comma=False) == Decimal("1234.56")
    with pytest.raises(ValueError, match="1,5"):
        parse_decimal("1,5", decimal_comma=False)
    with pytest.raises(ValueError, match=r"226\.38"):
        parse_decimal("226.38", decimal_comma=True)  # not 22638
    assert parse_decimal("1.234.567,8", decimal_comma=True) == Decimal("1234567.8")
    with pytest.raises(ValueError, match="abc"):
        parse_decimal("abc", decimal_comma=True)
    with pytest.raises(ValueError, match="NaN"):
        parse_decimal("NaN", decimal_comma=False)


def test_money_and_numbers_are_shown_in_ptbr():
    assert brl(Decimal("1234.56")) == "R$ 1.234,56"
    assert brl(Decimal("96055953")) == "R$ 96.055.953,00"
    assert brl(Decimal("0.005")) == "R$ 0,01"
    assert brl(Decimal("-3.04")) == "R$ -3,04"
    assert number_br(Decimal("99.5249"), 2) == "99,52"
    assert number_br(1234567) == "1.234.567"


def test_no_model_stores_money_or_anything_else_as_float():
    assert check_no_float_fields(None) == []
    floats = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FloatField)
    ]
    assert floats == []
