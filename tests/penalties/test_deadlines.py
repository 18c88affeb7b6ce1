"""Deadlines in business days of each regime, counted from the business day after the notice,
across national holidays and the state's pontos facultativos (the portal's holiday table)."""

from datetime import date

import pytest

from inventory.choices import Regime
from penalties.choices import DeadlineKind
from penalties.deadlines import business_days_left, deadline_days_for, deadline_from
from redegov.calendar import BusinessCalendar
from tests.inventory.factories import ContractFactory
from tests.penalties.factories import PenaltySettingsFactory
from tests.redegov.factories import HolidayFactory
from tests.support.time import local

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("regime", "kind", "days"),
    [
        (Regime.LEI_14133, DeadlineKind.DEFENSE, 15),
        (Regime.LEI_14133, DeadlineKind.APPEAL, 15),
        (Regime.LEI_14133, DeadlineKind.RECONSIDERATION, 5),
        (Regime.LEI_14133, DeadlineKind.SUPERIOR, 20),
        (Regime.LEI_13303, DeadlineKind.DEFENSE, 10),
        (Regime.LEI_13303, DeadlineKind.APPEAL, 10),
        (Regime.LEI_13303, DeadlineKind.RECONSIDERATION, 5),
        (Regime.LEI_13303, DeadlineKind.SUPERIOR, 10),
        (Regime.LEI_8666, DeadlineKind.DEFENSE, 5),
        (Regime.LEI_8666, DeadlineKind.APPEAL, 5),
        (Regime.LEI_8666, DeadlineKind.RECONSIDERATION, 5),
        (Regime.LEI_8666, DeadlineKind.SUPERIOR, 5),
    ],
)
def test_each_regime_has_its_table_of_business_days(regime, kind, days):
    assert deadline_days_for(ContractFactory(regime=regime), kind) == days


def test_a_contract_edits_its_own_table():
    contract = ContractFactory(regime=Regime.LEI_8666)
    PenaltySettingsFactory(
        contract=contract,
        defense_days=7,
        appeal_days=6,
        reconsideration_days=4,
        superior_days=9,
    )
    assert deadline_days_for(contract, DeadlineKind.DEFENSE) == 7
    assert deadline_days_for(contract, DeadlineKind.SUPERIOR) == 9


def test_lei_8666_defense_skips_a_ponto_facultativo_and_consciencia_negra():
    # Posted Thu 12/11/2026: counts from Fri 13; 19/11 ponto facultativo, 20/11 national holiday.
    HolidayFactory(date=date(2026, 11, 19))
    found = deadline_from(local(2026, 11, 12, 16, 0), 5, BusinessCalendar())
    assert found.starts == date(2026, 11, 13)
    assert found.last_day == date(2026, 11, 23)
    assert found.closes_at == local(2026, 11, 24, 0, 0)


def test_lei_8666_without_the_ponto_facultativo():
    found = deadline_from(local(2026, 11, 12, 16, 0), 5, BusinessCalendar())
    assert found.last_day == date(2026, 11, 19)


def test_lei_14133_defense_across_christmas_and_new_year():
    # 24/12 and 31/12 pontos facultativos; 25/12 and 01/01 national holidays.
    HolidayFactory(date=date(2026, 12, 24))
    HolidayFactory(date=date(2026, 12, 31))
    found = deadline_from(local(2026, 12, 15, 11, 0), 15, BusinessCalendar())
    assert found.starts == date(2026, 12, 16)
    assert found.last_day == date(2027, 1, 11)


def test_lei_13303_defense_across_carnaval():
    # Carnaval 2027 (8 and 9/02) is a state ponto facultativo, not a national holiday.
    HolidayFactory(date=date(2027, 2, 8))
    HolidayFactory(date=date(2027, 2, 9))
    found = deadline_from(local(2027, 2, 5, 18, 30), 10, BusinessCalendar())
    assert found.starts == date(2027, 2, 10)
    assert found.last_day == date(2027, 2, 23)


def test_a_notice_posted_on_a_saturday_counts_from_monday():
    found = deadline_from(local(2026, 11, 7, 10, 0), 5, BusinessCalendar())
    assert found.starts == date(2026, 11, 9)
    assert found.last_day == date(2026, 11, 13)


def test_a_notice_posted_late_at_night_is_of_its_local_day():
    # 23:30 local on Thu 12/11 is already Friday in UTC: still counts from Fri 13.
    found = deadline_from(local(2026, 11, 12, 23, 30), 1, BusinessCalendar())
    assert found.last_day == date(2026, 11, 13)


def test_business_days_left_counts_after_today():
    calendar = BusinessCalendar()
    assert business_days_left(date(2026, 11, 16), date(2026, 11, 19), calendar) == 3
    assert business_days_left(date(2026, 11, 19), date(2026, 11, 19), calendar) == 0
    assert business_days_left(date(2026, 11, 13), date(2026, 11, 16), calendar) == 1
