"""Billing staff's months to close (billing.selectors.period_todo): every open month that has
ended, last month even before it is computed, gone once closed; nobody else's."""

import pytest
from django.urls import reverse

from billing.choices import PeriodStatus
from billing.selectors import period_todo
from tests.billing.factories import BillingPeriodFactory
from tests.support.time import local

pytestmark = pytest.mark.django_db


def titles(user, now) -> list[str]:
    return [item.title for item in period_todo(user=user, now=now)]


def test_months_to_close_until_closed(personas):
    now = local(2026, 11, 5, 9, 0)
    assert titles(personas.billing, now) == ["Competência 10/2026: calcular e fechar"]
    october = BillingPeriodFactory(year=2026, month=10)
    BillingPeriodFactory(year=2026, month=11)  # not ended yet: not to close
    [item] = period_todo(user=personas.billing, now=now)
    assert item.title == "Competência 10/2026: fechar"
    assert item.url == reverse("billing:period-overview", args=["2026-10"])
    assert item.since == local(2026, 11, 1, 0, 0)
    assert titles(personas.billing, local(2026, 12, 1, 0, 0)) == [
        "Competência 10/2026: fechar",
        "Competência 11/2026: fechar",
    ]
    october.status, october.closed_at = PeriodStatus.CLOSED, now
    october.save()
    assert titles(personas.billing, now) == []
    for persona in ("noc", "carrier_a", "manager_x", "legal"):
        assert period_todo(user=getattr(personas, persona), now=now) == []
