"""The demo's carrier invoices: a layout for every demo carrier (each writes its file its own
way), and last month's invoice files of two carriers, written from the month's statement with
a few deliberate differences, for billing staff to preview, import and contest
(`manage.py seed_demo` prints where they are)."""

from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from billing.invoices.choices import Delimiter, Encoding
from billing.invoices.models import InvoiceLayout
from billing.invoices.selectors import amounts_owed
from billing.models import BillingPeriod
from billing.services import period_compute
from inventory.demo.catalog import CARRIERS
from inventory.models import Carrier

# code -> layout fields: three families of files, as carriers send them.
LAYOUTS = {
    "mgtel": {"delimiter": Delimiter.COMMA, "decimal_comma": False, "encoding": Encoding.UTF8},
    "alterosa": {
        "delimiter": Delimiter.SEMICOLON,
        "decimal_comma": True,
        "encoding": Encoding.CP1252,
        "header_rows": 3,
        "footer_rows": 1,
        "circuit_column": 2,
        "amount_column": 4,
        "circuit_pattern": r"Circuito\s+(\S+)",
    },
}
DEFAULT_LAYOUT = {"delimiter": Delimiter.SEMICOLON, "decimal_comma": True}


def demo_invoice_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "demo" / "faturas"


def seed_demo_invoices(period: BillingPeriod) -> list[Path]:
    """Layouts for the demo carriers and two invoice files for `period` (computed first when it
    is open, so the files match its current statement). Returns the files written."""
    for spec in CARRIERS:
        InvoiceLayout.objects.update_or_create(
            carrier=Carrier.objects.get(code=spec.code),
            defaults=LAYOUTS.get(spec.code, DEFAULT_LAYOUT),
        )
    if not period.is_closed:
        period_compute(period=period, now=timezone.now())
    folder = demo_invoice_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return [_mgtel(period, folder), _alterosa(period, folder)]


def _owed(period: BillingPeriod, code: str) -> list[tuple[str, Decimal]]:
    carrier = Carrier.objects.get(code=code)
    owed = amounts_owed(period=period, carrier_id=carrier.pk)
    return sorted((circuit, amount) for circuit, (_, amount) in owed.items() if amount > 0)


def _mgtel(period: BillingPeriod, folder: Path) -> Path:
    """Comma-separated, UTF-8: one amount billed too high, one circuit missing, one unknown, one
    line billed twice."""
    owed = _owed(period, "mgtel")
    rows = [(circuit, amount) for circuit, amount in owed[1:]]  # the first one is missing
    rows[0] = (rows[0][0], rows[0][1] + Decimal("37.90"))
    rows += [("MGT-99999", Decimal("412.00")), rows[1]]
    text = "circuito,valor\n" + "".join(f"{circuit},{amount}\n" for circuit, amount in rows)
    path = folder / f"mgtel-{period.label}.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _alterosa(period: BillingPeriod, folder: Path) -> Path:
    """Semicolons and Windows-1252, a three-line header, a totals footer, the circuit inside a
    description, amounts as 1.234,56: everything right but one amount."""
    rows = _owed(period, "alterosa")
    rows[-1] = (rows[-1][0], rows[-1][1] - Decimal("0.01"))
    lines = [
        "Alterosa Fibra Ltda. - Nota Fiscal de Serviços de Telecomunicação",
        f"Competência: {period};;;",
        "Item;Descrição;Referência;Valor (R$)",
        *(
            f"{n};Circuito {circuit} - link de dados;Rede Governo;{_brl(amount)}"
            for n, (circuit, amount) in enumerate(rows, start=1)
        ),
        f"TOTAL;;;{_brl(sum((amount for _, amount in rows), Decimal(0)))}",
    ]
    path = folder / f"alterosa-{period.label}.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def _brl(amount: Decimal) -> str:
    """1234.56 -> 1.234,56, as the carrier's file writes it."""
    return f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
