"""Factories for penalties. A fine type needs its contract."""

from decimal import Decimal

import factory

from penalties.models import FineType


class FineTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FineType

    name = "Multa por inexecução parcial"
    legal_basis = "Cláusula 12.1"
    amount = Decimal("1000.00")
