"""Factories for billing. A month is open unless told (months are computed and closed by the
services, `tests/support/billing.py`'s `compute` and `billing.services.period_close`); a job was
asked for by a user of its own; a correction names its link, the month it is posted on and the
closed month it corrects."""

from decimal import Decimal

import factory

from billing.choices import CorrectionKind
from billing.models import BillingPeriod, Correction, PeriodJob
from tests.people.factories import UserFactory


class BillingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BillingPeriod

    year = 2026
    month = 10


class PeriodJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeriodJob

    period = factory.SubFactory(BillingPeriodFactory)
    requested_by = factory.SubFactory(UserFactory)


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    kind = CorrectionKind.RECOMPUTATION
    amount = Decimal("1.00")
    reason = "correção de teste"
