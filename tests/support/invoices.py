"""Invoices: October 2026 computed over the network priced as for billing (`priced_simple`):
carrier Alfa is owed R$ 905,52 on BHZ-0001 and CTG-0001 (metro lot, alone) and its 40% of
UDI-0001 (R$ 493,83); Beta, the interior consortium's leader, its 60% (R$ 740,74). A link
cancelled in September (BHZ-0900) has no line. Alfa's invoice with every kind of difference,
and its import."""

import pytest

from billing.invoices import services
from billing.invoices.models import CarrierInvoice
from inventory.choices import LinkStatus
from tests.inventory.factories import LinkFactory
from tests.invoices.factories import InvoiceLayoutFactory
from tests.support.billing import compute
from tests.support.time import NOVEMBER_START, local


@pytest.fixture
def october_invoiced(priced_simple):
    """October 2026 computed on 1 November, beside a link cancelled in September (BHZ-0900)."""
    LinkFactory(
        lot=priced_simple.lot_metro,
        agency=priced_simple.agency_x,
        circuit_id="BHZ-0900",
        status=LinkStatus.CANCELLED,
        cancelled_at=local(2026, 9, 20, 12, 0),
    )
    return compute(2026, 10, NOVEMBER_START)


@pytest.fixture
def comma_layout(priced_simple):
    """Alfa: UTF-8, comma-separated, decimal point, one header line."""
    return InvoiceLayoutFactory(
        carrier=priced_simple.carrier_a,
        encoding="utf-8-sig",
        delimiter=",",
        decimal_comma=False,
        header_rows=1,
        circuit_column=1,
        amount_column=2,
    )


ALFA_WITH_EVERY_DIFFERENCE = (
    "circuito,valor\n"
    "BHZ-0001,905.52\n"  # right
    "CTG-0001,950.00\n"  # more than owed
    "ZZZ-0001,10.00\n"  # no such circuit
    "BHZ-0900,905.52\n"  # cancelled in September
    "BHZ-0001,905.52\n"  # billed twice
)  # UDI-0001 (Alfa's 40% of the consortium) is missing


def import_invoice(period, carrier, text: str, user, number="F-1") -> CarrierInvoice:
    return services.invoice_import(
        period=period,
        carrier=carrier,
        number=number,
        filename="fatura.csv",
        data=text.encode(),
        user=user,
        now=NOVEMBER_START,
    )
