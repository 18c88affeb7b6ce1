"""The demo's proceedings: several steps, and a fine collected over the closed months."""

import pytest
from django.utils import timezone

from billing.services import period_close, period_get_or_create
from inventory.demo.build import seed_demo
from penalties.choices import ProceedingStatus as S
from penalties.demo import seed_demo_penalties
from penalties.models import Collection, Proceeding, ProceedingEvent
from redegov.models import User
from sla.demo import demo_months


@pytest.mark.django_db
def test_demo_proceedings_in_several_steps_and_a_fine_collected_over_months(municipalities):
    contract = seed_demo(links=40, seed=1).contract
    assert seed_demo_penalties(contract=contract) == 8
    statuses = set(Proceeding.objects.values_list("status", flat=True))
    assert statuses == {
        S.COLLECTING,
        S.OPENED,
        S.NOTIFIED,
        S.OPINION,
        S.DECIDED,
        S.APPEALED,
        S.FINAL,
    }
    # No carrier deadline both running and ended: the expired ones moved on, as the portal
    # (the fine being collected, too, long ago).
    today = timezone.localdate()
    for p in Proceeding.objects.filter(status__in=[S.NOTIFIED, S.DECIDED]):
        assert p.due_date >= today
    moved = ProceedingEvent.objects.filter(actor=None, label__startswith="Prazo de")
    assert sorted(moved.values_list("to_status", flat=True)) == [S.FINAL, S.FINAL, S.OPINION]
    staff = User.objects.get(username="ugs")
    for year, month in demo_months()[:2]:
        period = period_close(
            period=period_get_or_create(year=year, month=month), user=staff, now=timezone.now()
        )
        assert sum(line.fines for line in period.lines.all()) > 0
    fine = Proceeding.objects.get(status=S.COLLECTING)
    assert [c.collected for c in Collection.objects.order_by("year", "month")] == [
        fine.amount / 10
    ] * 2
    assert seed_demo_penalties(contract=contract) == 0
