"""October 2026 computed over the priced network (tests/billing/conftest.py): carrier Alfa is
owed R$ 905,52 on BHZ-0001 and CTG-0001 (metro lot, alone) and its 40% of UDI-0001 (R$ 493,83);
Beta, the interior consortium's leader, its 60% (R$ 740,74). A link cancelled in September
(BHZ-0900) has no line."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from inventory.choices import LinkStatus
from invoices.models import InvoiceLayout
from tests.billing.conftest import compute, priced  # noqa: F401 - fixture
from tests.inventory.factories import LinkFactory

SP = ZoneInfo("America/Sao_Paulo")
NOVEMBER = datetime(2026, 11, 1, tzinfo=SP)


@pytest.fixture
def october(priced):  # noqa: F811
    LinkFactory(
        lot=priced.lot_metro,
        agency=priced.agency_x,
        circuit_id="BHZ-0900",
        status=LinkStatus.CANCELLED,
        cancelled_at=datetime(2026, 9, 20, 12, 0, tzinfo=SP),
    )
    return compute(2026, 10, NOVEMBER)


@pytest.fixture
def comma_layout(priced):  # noqa: F811
    """Alfa: UTF-8, comma-separated, decimal point, one header line."""
    return InvoiceLayout.objects.create(
        carrier=priced.carrier_a,
        encoding="utf-8-sig",
        delimiter=",",
        decimal_comma=False,
        header_rows=1,
        circuit_column=1,
        amount_column=2,
    )
