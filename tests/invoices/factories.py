"""Factories for carrier invoices. A layout is the model's default one (UTF-8, semicolons,
decimal comma, a header line, circuit then amount) for a carrier of its own unless told;
invoices themselves are imported and matched by `billing.invoices.services` (tests/support/
invoices.py's `import_invoice`)."""

import factory

from billing.invoices.models import InvoiceLayout
from tests.inventory.factories import CarrierFactory


class InvoiceLayoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceLayout

    carrier = factory.SubFactory(CarrierFactory)
