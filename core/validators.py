"""Validators for Brazilian identifiers, shared by forms, imports and models."""

import re

from django.core.exceptions import ValidationError

_CNPJ_WEIGHTS_1 = (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_CNPJ_WEIGHTS_2 = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


def _cnpj_digit(digits: str, weights: tuple[int, ...]) -> str:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return "0" if remainder < 2 else str(11 - remainder)


def normalize_cnpj(value: str) -> str:
    """Return the 14 digits of a CNPJ written with or without punctuation, checking its digits.

    Raises ValidationError saying what is wrong.
    """
    digits = re.sub(r"[.\-/\s]", "", value or "")
    if not re.fullmatch(r"\d{14}", digits):
        raise ValidationError(f"CNPJ '{value}' deve ter 14 dígitos", code="cnpj_length")
    if digits == digits[0] * 14:
        raise ValidationError(f"CNPJ '{value}' inválido", code="cnpj_invalid")
    expected = _cnpj_digit(digits[:12], _CNPJ_WEIGHTS_1)
    expected += _cnpj_digit(digits[:12] + expected, _CNPJ_WEIGHTS_2)
    if digits[12:] != expected:
        raise ValidationError(
            f"CNPJ '{value}' com dígitos verificadores errados", code="cnpj_check_digits"
        )
    return digits


def validate_cnpj(value: str) -> None:
    normalize_cnpj(value)


def format_cnpj(digits: str) -> str:
    """12345678000195 -> 12.345.678/0001-95."""
    return f"{digits[:2]}.{digits[2:5]}.{digits[5:8]}/{digits[8:12]}-{digits[12:]}"
