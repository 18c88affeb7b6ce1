"""The only place where numbers and instants are formatted for the screen (pt-BR)."""

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone

from core.instants import month_parse
from core.money import round_brl

register = template.Library()


def _group_thousands(integer_digits: str) -> str:
    groups = []
    while len(integer_digits) > 3:
        groups.insert(0, integer_digits[-3:])
        integer_digits = integer_digits[:-3]
    groups.insert(0, integer_digits)
    return ".".join(groups)


def format_decimal_br(value: Decimal, places: int) -> str:
    """1234.5 -> '1.234,50' (places decimals, half-up)."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{abs(value.quantize(quantum, rounding=ROUND_HALF_UP)):f}"
    integer, _, fraction = text.partition(".")
    sign = "-" if value < 0 and Decimal(text) != 0 else ""
    return f"{sign}{_group_thousands(integer)}" + (f",{fraction}" if places else "")


@register.filter
def brl(value: Decimal | int | None) -> str:
    """R$ 1.234,56."""
    if value is None or value == "":
        return ""
    return f"R$ {format_decimal_br(round_brl(Decimal(value)), 2)}"


@register.filter
def number_br(value: Decimal | int | None, places: int = 0) -> str:
    if value is None or value == "":
        return ""
    return format_decimal_br(Decimal(value), int(places))


@register.filter
def plural_br(count: int | Decimal | None, forms: str) -> str:
    """The word for `count`, from "singular,plural": 1 irregularidade, 2 irregularidades.
    As in pt-BR (CLDR and Django's pt_BR catalogue), 0 and 1 take the singular."""
    singular, _, plural = forms.partition(",")
    return singular if count is not None and abs(count) <= 1 else plural


@register.filter
def count_br(count: int | Decimal | None, forms: str) -> str:
    """A count and its word: "1 acesso", "1.234 acessos"."""
    return f"{number_br(count or 0)} {plural_br(count or 0, forms)}"


@register.filter
def local_dt(value: datetime | None) -> str:
    """25/11/2026 14:05 in America/Sao_Paulo."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


@register.filter
def months_br(labels: list[str] | None) -> str:
    """Months stored as "2026-09" written as on screen: "09/2026, 10/2026" (docs/ui.md, "Meses")."""
    return ", ".join(f"{month:02d}/{year}" for year, month in map(month_parse, labels or []))


@register.filter
def local_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y")


@register.filter
def duration_br(value: timedelta | None) -> str:
    """2 d 3 h 05 min; 2 h 30 min; 0 min (whole minutes, rounded down)."""
    if value is None:
        return ""
    minutes = max(0, int(value.total_seconds()) // 60)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h {minutes:02d} min"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


@register.simple_tag
def interval_br(start: datetime, end: datetime | None, now: datetime | None = None) -> str:
    """An outage's span: "de 01/12/2026 16:58 a 01/12/2026 18:00 (1 h 02 min)", or, still
    open, "desde 01/12/2026 16:58 (em aberto há 2 h 10 min)"."""
    if end is None:
        age = duration_br((now or timezone.now()) - start)
        return f"desde {local_dt(start)} (em aberto há {age})"
    return f"de {local_dt(start)} a {local_dt(end)} ({duration_br(end - start)})"


@register.filter
def seconds_br(value: int | None) -> str:
    return "" if value is None else duration_br(timedelta(seconds=value))


@register.filter
def pct_br(value: str | None) -> str:
    """'91.6667' -> '91,67%'; None (nothing counted) -> 'não se aplica'."""
    if value is None:
        return "não se aplica"
    return f"{format_decimal_br(Decimal(value), 2)}%"
