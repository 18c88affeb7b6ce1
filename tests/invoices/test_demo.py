"""The demo's invoices: every demo carrier has a layout, and the two files written for last month
import in their carriers' layouts with the differences they were written with."""

from datetime import datetime

import pytest
import time_machine

from billing.invoices import services
from billing.invoices.choices import DifferenceKind as K
from billing.invoices.demo import seed_demo_invoices
from billing.invoices.models import InvoiceLayout
from billing.services import period_get_or_create
from inventory.demo.build import seed_demo
from inventory.models import Carrier
from redegov.models import User
from tests.support.time import SP


@pytest.mark.django_db
def test_demo_invoice_files_import_with_their_differences(municipalities, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=SP), tick=False):
        seed_demo(links=300, seed=1)
        period = period_get_or_create(year=2026, month=10)
        mgtel_file, alterosa_file = seed_demo_invoices(period)
    assert InvoiceLayout.objects.count() == Carrier.objects.count()
    kinds = {}
    for path, code in ((mgtel_file, "mgtel"), (alterosa_file, "alterosa")):
        invoice = services.invoice_import(
            period=period,
            carrier=Carrier.objects.get(code=code),
            number=code,
            filename=path.name,
            data=path.read_bytes(),
            user=User.objects.get(username="ugs"),
            now=datetime(2026, 11, 25, 11, 0, tzinfo=SP),
        )
        kinds[code] = sorted(invoice.differences.values_list("kind", flat=True))
    assert kinds == {
        "mgtel": sorted([K.AMOUNT, K.MISSING_CIRCUIT, K.UNKNOWN_CIRCUIT, K.DUPLICATE]),
        "alterosa": [K.AMOUNT],
    }
