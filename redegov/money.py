"""Money: every amount is a Decimal in reais, rounded here and nowhere else."""

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

CENTAVO = Decimal("0.01")
# With a decimal comma a point may only group thousands: "226.38" there is a mistake, not
# 22638, and must be refused rather than read silently wrong.
_GROUPED_THOUSANDS = re.compile(r"[-+]?\d{1,3}(\.\d{3})+(,\d*)?")


def round_brl(value: Decimal | Fraction | int) -> Decimal:
    """Round half-up (ties away from zero) to the centavo: THE rounding rule (DOMAIN.md
    section 5: amounts are rounded once per link and month). Exact for a Fraction too, so a
    sum of price x minutes / month minutes is rounded once, never after a lossy division."""
    exact = value if isinstance(value, Fraction) else Fraction(value)
    numerator, denominator = abs(exact.numerator) * 100, exact.denominator
    cents = (2 * numerator + denominator) // (2 * denominator)  # floor(x + 1/2), in integers
    return Decimal(cents if exact >= 0 else -cents).scaleb(-2)


def parse_decimal(text: str, *, decimal_comma: bool) -> Decimal:
    """Read a decimal written with a point ("1234.56") or, in pt-BR, a comma ("1.234,56").

    Raises ValueError naming the text when it is not a number.
    """
    cleaned = text.strip().removeprefix("R$").strip()
    if decimal_comma and "." in cleaned and not _GROUPED_THOUSANDS.fullmatch(cleaned):
        raise ValueError(f"'{text}' não é um número com vírgula decimal (ex.: 1.234,56)")
    if decimal_comma:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif "," in cleaned:
        raise ValueError(f"'{text}' não é um número com ponto decimal")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"'{text}' não é um número") from exc
    if not value.is_finite():
        raise ValueError(f"'{text}' não é um número")
    return value
