"""The demo's IMR history: months closed with final results, adjustments and a flagged carrier,
written once."""

from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Sum

from billing.models import StatementLine
from sla.demo import BAD_LOT, demo_months
from sla.models import BreachFlag, ImrMonth, IndicatorDefinition
from tests.support.time import local


@pytest.mark.django_db
@time_machine.travel(local(2026, 11, 25, 10, 0), tick=False)
def test_the_demo_closes_months_with_adjustments_and_a_flagged_carrier(municipalities):
    out = StringIO()
    call_command("seed_demo", links=300, seed=1, stdout=out)
    assert "6 competências fechadas" in out.getvalue()
    assert demo_months() == [(2026, m) for m in range(4, 10)]
    assert sorted(ImrMonth.objects.values_list("month", flat=True)) == list(range(4, 10))
    assert set(IndicatorDefinition.objects.values_list("code", flat=True)) == {
        "I1",
        "I2",
        "I3",
        "I4",
    }
    assert StatementLine.objects.aggregate(total=Sum("imr_adjustment"))["total"] > 0
    flags = BreachFlag.objects.count()
    assert (BAD_LOT, "I1") in set(BreachFlag.objects.values_list("lot__number", "code"))
    call_command("seed_demo", links=300, seed=1, stdout=StringIO())
    assert (ImrMonth.objects.count(), BreachFlag.objects.count()) == (6, flags)
