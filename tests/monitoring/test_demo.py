"""The demo's outage history: last months' imported outages, written once."""

import pytest
import time_machine

from inventory.demo.build import seed_demo
from monitoring.demo import REFERENCE_PREFIX, seed_demo_outage_history
from monitoring.models import Outage
from tests.support.time import local


@pytest.mark.django_db
@time_machine.travel(local(2026, 11, 25, 10, 0), tick=False)
def test_history_fills_the_two_previous_months_once(municipalities):
    seed_demo(links=200, seed=1)
    written = seed_demo_outage_history()
    assert written > 0
    assert seed_demo_outage_history() == 0
    outages = Outage.objects.filter(reference__startswith=REFERENCE_PREFIX)
    assert outages.count() == written
    months = {(o.start.astimezone(local(2026, 1, 1).tzinfo).month) for o in outages}
    assert months <= {9, 10}
    assert len({o.responsibility for o in outages}) > 1
    assert all(o.end > o.start and o.link.activated_at < o.start for o in outages)
