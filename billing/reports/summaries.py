"""Reads of the summaries for billing staff and the committee: a contract's billing per month
and over its life, by carrier, lot and agency, with discounts, IMR adjustments (glosas) and
fines as percentages of billing, month over month, and the charts of it.

"Billing" is the amount due; percentages are exact fractions written with four decimals,
rounded half-up (docs/domain.md section 6), shown by `pct_br`. Totals are sums of the rounded
lines, as everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, QuerySet

from billing.models import BillingPeriod, StatementLine
from billing.selectors import SUMS, member_sums, sums_by, totals
from core.charts import AMBER, BRL, GREEN, NAVY, PCT, PURPLE, RED, Chart, Series, category_chart
from inventory.models import Contract
from sla.rules import pct_text

DEDUCTIONS = ("discount", "imr_adjustment", "fines")


def _pct(part: Decimal, whole: Decimal) -> str | None:
    """`part` as a percentage of `whole` ("1.2345"); None when there is no whole."""
    return pct_text(Fraction(part) * 100 / Fraction(whole)) if whole else None


def _with_shares(sums: dict[str, object]) -> dict[str, object]:
    """The sums with each deduction, and all of them together, as a % of the amount due."""
    due = sums["amount_due"]
    deductions = sum((sums[name] for name in DEDUCTIONS), Decimal("0.00"))
    return {
        **sums,
        "deductions": deductions,
        "pct": {name: _pct(sums[name], due) for name in DEDUCTIONS}
        | {"deductions": _pct(deductions, due)},
    }


@dataclass(frozen=True)
class MonthSums:
    """A month of the contract: its sums (with % of billing) and the change of its amount due
    from the month before (a % string; None for the first month or after an empty one)."""

    period: BillingPeriod
    sums: dict[str, object]
    change: str | None


@dataclass(frozen=True)
class Summary:
    contract: Contract
    period: BillingPeriod | None  # None: the contract's whole life
    months: list[MonthSums]
    totals: dict[str, object]
    by_carrier: list[dict[str, object]]
    by_lot: list[dict[str, object]]
    by_agency: list[dict[str, object]]
    charts: list[Chart]

    @property
    def scope(self) -> str:
        return f"Competência {self.period}" if self.period else "Toda a vigência"


def _months(lines: QuerySet[StatementLine]) -> list[MonthSums]:
    sums = {
        row.pop("period_id"): row
        for row in lines.order_by().values("period_id").annotate(lines=Count("pk"), **SUMS)
    }
    periods = BillingPeriod.objects.filter(pk__in=sums).order_by("year", "month")
    months, previous = [], None
    for period in periods:
        due = sums[period.pk]["amount_due"]
        change = _pct(due - previous, previous) if previous else None
        months.append(MonthSums(period, _with_shares(sums[period.pk]), change))
        previous = due
    return months


def _charts(months: list[MonthSums], by_carrier: list[dict[str, object]]) -> list[Chart]:
    labels = [str(month.period) for month in months]

    def pct(name: str) -> list[Decimal | None]:
        return [
            None if m.sums["pct"][name] is None else Decimal(m.sums["pct"][name]) for m in months
        ]

    return [
        category_chart(
            title="Faturamento mês a mês",
            unit=BRL,
            categories=labels,
            series=[
                Series("Valor devido", NAVY, [m.sums["amount_due"] for m in months]),
                Series("Valor líquido", GREEN, [m.sums["net"] for m in months]),
            ],
        ),
        category_chart(
            title="Descontos, glosas e multas em % do faturamento",
            unit=PCT,
            categories=labels,
            series=[
                Series("Desconto por indisponibilidade", AMBER, pct("discount")),
                Series("Glosa (IMR)", RED, pct("imr_adjustment")),
                Series("Multas", PURPLE, pct("fines")),
            ],
        ),
        category_chart(
            title="Por operadora (com a divisão dos consórcios)",
            unit=BRL,
            categories=[row["label"] for row in by_carrier],
            series=[
                Series("Valor devido", NAVY, [row["amount_due"] for row in by_carrier]),
                Series("Valor líquido", GREEN, [row["net"] for row in by_carrier]),
            ],
        ),
    ]


def summary(*, contract: Contract, period: BillingPeriod | None = None) -> Summary:
    """The contract's months (always all of them, month over month) and its totals by
    carrier, lot and agency over `period`, or over its whole life when `period` is None."""
    lines = StatementLine.objects.filter(lot__contract=contract)
    scope = lines.filter(period=period) if period else lines
    months = _months(lines)
    by_carrier = [_with_shares(row) for row in member_sums(scope)]
    return Summary(
        contract=contract,
        period=period,
        months=months,
        totals=_with_shares({"lines": scope.count(), **totals(scope)}),
        by_carrier=by_carrier,
        by_lot=[_with_shares(row) for row in sums_by(scope, "lot", "lot__number")],
        by_agency=[_with_shares(row) for row in sums_by(scope, "agency", "agency__code")],
        charts=_charts(months, by_carrier),
    )


def summary_contracts() -> QuerySet[Contract]:
    """The contracts a summary can be of, the latest first."""
    return Contract.objects.order_by("-start_date")
