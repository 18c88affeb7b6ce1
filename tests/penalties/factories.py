"""Factories for penalties. A fine type needs its contract; so does a contract's own table of
deadlines, by default Lei 8.666/93's five business days at every step and no guarantee.
Proceedings are opened and moved by `penalties.services` (tests/support/penalties.py's
`open_proceeding` and `Walk`)."""

from decimal import Decimal

import factory

from penalties.models import FineType, PenaltySettings


class FineTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FineType

    name = "Multa por inexecução parcial"
    legal_basis = "Cláusula 12.1"
    amount = Decimal("1000.00")


class PenaltySettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PenaltySettings

    defense_days = 5
    appeal_days = 5
    reconsideration_days = 5
    superior_days = 5
