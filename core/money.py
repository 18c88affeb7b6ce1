"""Money: every amount is a Decimal in reais, rounded here and nowhere else."""

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TypedDict

CENTAVO = Decimal("0.01")


class DecimalDigits(TypedDict):
    """A DecimalField's size, spread into it as `**MONEY` (typed, so mypy checks the spread)."""

    max_digits: int
    decimal_places: int


# With a decimal comma a point may only group thousands: "226.38" there is a mistake, not
# 22638, and must be refused rather than read silently wrong.
_GROUPED_THOUSANDS = re.compile(r"[-+]?\d{1,3}(\.\d{3})+(,\d*)?")


def round_brl(value: Decimal | Fraction | int) -> Decimal:
    """Round half-up (ties away from zero) to the centavo: THE rounding rule (docs/domain.md
    section 5: amounts are rounded once per link and month). Exact for a Fraction too, so a
    sum of price x minutes / month minutes is rounded once, never after a lossy division."""
    exact = value if isinstance(value, Fraction) else Fraction(value)
    return round_cents(exact.numerator * 100, exact.denominator)


def round_cents(numerator: int, denominator: int) -> Decimal:
    """`round_brl` of numerator / denominator centavos, in integers only (the month's hot path
    rounds hundreds of thousands of these; denominator > 0)."""
    return Decimal(whole_cents(numerator, denominator)).scaleb(-2)


def whole_cents(numerator: int, denominator: int) -> int:
    """numerator / denominator centavos rounded half-up (ties away from zero) to a whole
    centavo: the one rounding rule, for callers that keep counting in centavos."""
    cents = (2 * abs(numerator) + denominator) // (2 * denominator)  # floor(x + 1/2)
    return cents if numerator >= 0 else -cents


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


def spread(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`total` (>= 0, in reais) split in proportion to `weights` (amounts >= 0) to the centavo
    by largest remainder: each part is floored to the centavo, and the centavos left go one each
    to the largest remainders, the earlier position first on a tie (the caller orders the
    weights by its tie rule, e.g. circuit id). The parts add up to `total` exactly; all are zero
    when the weights are."""
    cents = [int(weight.scaleb(2)) for weight in weights]
    whole = sum(cents)
    if not whole:
        return [Decimal("0.00")] * len(cents)
    total_cents = int(total.scaleb(2))
    floors = [total_cents * c // whole for c in cents]
    left = total_cents - sum(floors)
    by_remainder = sorted(range(len(cents)), key=lambda i: (-(total_cents * cents[i] % whole), i))
    for index in by_remainder[:left]:
        floors[index] += 1
    return [Decimal(part).scaleb(-2) for part in floors]
