"""The business calendar on real dates (docs/domain.md section 3)."""

import importlib
from datetime import date

import pytest
from django.apps import apps

from redegov.calendar import (
    BusinessCalendar,
    add_business_days,
    belo_horizonte_holidays,
    is_business_day,
)
from redegov.models import Holiday
from tests.redegov.factories import CARNAVAL_2026, HolidayFactory, carnaval_2026

pytestmark = pytest.mark.django_db

shipping = importlib.import_module("redegov.migrations.0003_belo_horizonte_holidays")


@pytest.fixture
def shipped_holidays() -> None:
    """The table as the data migration leaves it (a transactional test elsewhere may flush it)."""
    shipping.load(apps, None)


@pytest.mark.parametrize("day", list(CARNAVAL_2026))
def test_carnaval_is_a_business_day_until_staff_add_it(day):
    assert is_business_day(day)
    carnaval_2026()
    assert not is_business_day(day)


def test_counting_over_carnaval_with_and_without_table_entries():
    friday_before = date(2026, 2, 13)
    assert add_business_days(friday_before, 1) == date(2026, 2, 16)
    carnaval_2026()
    assert add_business_days(friday_before, 1) == date(2026, 2, 19)
    assert add_business_days(friday_before, 5) == date(2026, 2, 25)


def test_tiradentes_is_a_holiday_without_table_entries():
    assert not Holiday.objects.filter(date=date(2026, 4, 21)).exists()
    assert not is_business_day(date(2026, 4, 21))  # a Tuesday
    assert is_business_day(date(2026, 4, 20))
    assert is_business_day(date(2026, 4, 22))


def test_belo_horizonte_holidays_follow_easter():
    assert belo_horizonte_holidays(2026) == [
        (date(2026, 6, 4), "Corpus Christi"),
        (date(2026, 8, 15), "Assunção de Nossa Senhora"),
        (date(2026, 12, 8), "Imaculada Conceição"),
    ]
    assert belo_horizonte_holidays(2025)[0] == (date(2025, 6, 19), "Corpus Christi")


def test_corpus_christi_counts_only_while_its_row_is_in_the_table(shipped_holidays):
    corpus_christi = date(2026, 6, 4)  # a Thursday
    assert not is_business_day(corpus_christi)
    assert add_business_days(date(2026, 6, 3), 1) == date(2026, 6, 5)
    Holiday.objects.filter(date=corpus_christi).delete()
    assert is_business_day(corpus_christi)
    assert add_business_days(date(2026, 6, 3), 1) == corpus_christi


def test_shipped_table_covers_2024_to_2030(shipped_holidays):
    municipal = Holiday.objects.filter(kind=Holiday.Kind.MUNICIPAL)
    assert set(municipal.values_list("date__year", flat=True)) == set(range(2024, 2031))
    assert municipal.count() == 21
    assert not is_business_day(date(2030, 6, 20))  # Corpus Christi 2030, a Thursday
    assert is_business_day(date(2031, 6, 12))  # Corpus Christi 2031: not shipped yet


def test_shipping_migration_can_rerun_and_keeps_staff_edits(shipped_holidays):
    Holiday.objects.filter(date=date(2026, 8, 15)).update(name="Assunção (editado)")
    shipping.load(apps, None)
    assert Holiday.objects.filter(kind=Holiday.Kind.MUNICIPAL).count() == 21
    assert Holiday.objects.get(date=date(2026, 8, 15)).name == "Assunção (editado)"


def test_black_consciousness_day_is_national_since_2024():
    assert is_business_day(date(2023, 11, 20))  # a Monday, before Lei 14.759/2023 took effect
    assert not is_business_day(date(2024, 11, 20))  # a Wednesday
    assert not is_business_day(date(2026, 11, 20))  # a Friday


def test_weekends_are_not_business_days():
    assert not is_business_day(date(2026, 2, 14))
    assert not is_business_day(date(2026, 2, 15))
    assert is_business_day(date(2026, 2, 13))


def test_counting_skips_a_holiday_and_a_weekend():
    # Good Friday 03/04/2026, then the weekend: Thursday + 1 business day is Monday.
    assert add_business_days(date(2026, 4, 2), 1) == date(2026, 4, 6)
    # Friday 17/04 + 2: Monday 20/04, Tiradentes on Tuesday, then Wednesday 22/04.
    assert add_business_days(date(2026, 4, 17), 2) == date(2026, 4, 22)
    # The start day is never counted, even when it is a business day.
    assert add_business_days(date(2026, 4, 20), 1) == date(2026, 4, 22)


def test_counting_crosses_the_year_end():
    # 31/12/2026 is a Thursday and a business day until the state decrees it a ponto facultativo.
    assert add_business_days(date(2026, 12, 30), 1) == date(2026, 12, 31)
    assert add_business_days(date(2026, 12, 30), 2) == date(2027, 1, 4)
    HolidayFactory(date=date(2026, 12, 31), name="Ponto facultativo de fim de ano")
    assert add_business_days(date(2026, 12, 30), 1) == date(2027, 1, 4)
    assert not is_business_day(date(2027, 1, 1))


def test_zero_days_is_the_start_day_even_when_it_is_not_a_business_day():
    assert add_business_days(date(2026, 4, 21), 0) == date(2026, 4, 21)
    assert add_business_days(date(2026, 2, 14), 0) == date(2026, 2, 14)


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="zero or positive"):
        add_business_days(date(2026, 4, 20), -1)


def test_the_table_is_read_once_per_calendar_year(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert add_business_days(date(2026, 3, 2), 30) == date(2026, 4, 14)
    with django_assert_num_queries(2):
        assert add_business_days(date(2026, 12, 28), 5) == date(2027, 1, 5)
    calendar = BusinessCalendar()
    with django_assert_num_queries(1):
        for day in CARNAVAL_2026:
            calendar.is_business_day(day)
        calendar.add_business_days(date(2026, 6, 1), 20)


def test_a_calendar_keeps_its_snapshot_and_a_new_one_sees_edits():
    calendar = BusinessCalendar()
    assert calendar.is_business_day(date(2026, 10, 28))
    HolidayFactory(date=date(2026, 10, 28), name="Dia do Servidor Público")
    assert calendar.is_business_day(date(2026, 10, 28))
    assert not BusinessCalendar().is_business_day(date(2026, 10, 28))
