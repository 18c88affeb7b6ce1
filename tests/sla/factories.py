"""Factories for the IMR. Results, lot months and indicator versions are written by the
services (`sla.services`, billing's closing); what a test writes itself is a final month and a
repeated breach flagged on it: by default I1 missed by the lot's leader in the three months up
to that month, each month's evidence at 99,1% against a 99,5% target."""

import factory

from core.instants import month_bounds
from sla.choices import BreachRule
from sla.models import BreachFlag, ImrMonth


class ImrMonthFactory(factory.django.DjangoModelFactory):
    """A month made final as the next one began."""

    class Meta:
        model = ImrMonth

    year = 2026
    month = 9
    finalized_at = factory.LazyAttribute(lambda o: month_bounds(o.year, o.month)[1])
    computed_at = factory.LazyAttribute(lambda o: o.finalized_at)


def months_up_to(month: ImrMonth, count: int) -> list[str]:
    """The labels ("AAAA-MM") of the `count` months ending with `month`, in order."""
    n = month.year * 12 + month.month - 1
    return [f"{m // 12}-{m % 12 + 1:02d}" for m in range(n - count + 1, n + 1)]


class BreachFlagFactory(factory.django.DjangoModelFactory):
    """Pass the `lot`."""

    class Meta:
        model = BreachFlag

    carrier = factory.LazyAttribute(lambda o: o.lot.members.get(position=0).carrier)
    code = "I1"
    rule = BreachRule.RUN
    last_month = factory.SubFactory(ImrMonthFactory)
    months = factory.LazyAttribute(lambda o: months_up_to(o.last_month, 3))
    evidence = factory.LazyAttribute(
        lambda o: [
            {"month": m, "value": "99.1000", "target": "99.5000", "inputs": {}} for m in o.months
        ]
    )
    created_at = factory.LazyAttribute(lambda o: o.last_month.finalized_at)
