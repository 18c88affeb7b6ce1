"""Reads of the IMR for the command, the pages, the PDF and the fine proceedings to come.
Permissions are decided once, here (`visibility_for`): the network-wide roles see every
result; a carrier the results of the lots where it is the contractor or a consortium member; an
agency manager the availability (I1) of its agency's accesses; anybody else nothing (404)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from inventory.models import Contract, Lot
from redegov.access import (
    AGENCY_MANAGERS,
    IMR_READERS,
    SUMMARY_READERS,
    get_for_user,
    holds,
    lot_rows,
    require,
    sees_whole_network,
)
from sla.choices import FlagStatus, Scope
from sla.definitions import definitions_with_bands, rules_in_force
from sla.measurement import LotSummary, MonthResults, Result, month_results
from sla.models import BreachFlag, ImrMonth, IndicatorDefinition, IndicatorResult, LotMonth
from sla.rules import Rule, decimal_text, pct_text, percent


def imr_document(*, year: int, month: int, now: datetime, user=None) -> dict:
    """The JSON of `manage.py imr` (and of the API): {"period", "results": [...]}, every
    percentage a string with four decimals (None when not applicable). With `user`, only the
    results the user may see (`visibility_for`: 403 for roles that see none)."""
    sees = visibility_for(user).sees if user is not None else None
    results = month_results(year=year, month=month, now=now)
    return {
        "period": results.label,
        "results": [
            {
                "indicator": r.code,
                "scope": r.scope,
                "circuit_id": r.circuit_id or None,
                "carrier": r.lot.carrier_code,
                "contract": r.lot.contract_number,
                "lot_id": r.lot.lot_id,
                "lot": r.lot.number,
                "value": pct_text(r.outcome.value),
                "target": decimal_text(r.outcome.target),
                "met": r.outcome.met,
                "band": decimal_text(r.outcome.band),
                "inputs": r.inputs,
            }
            for r in results.results
            if sees is None or sees(r)
        ],
    }


@dataclass(frozen=True)
class Visibility:
    """Which results a user sees: all, those of some lots (carrier), or the accesses of an
    agency (agency manager)."""

    everything: bool = False
    lot_ids: frozenset[int] = frozenset()
    agency_id: int | None = None

    def sees(self, result: Result) -> bool:
        if self.everything or result.lot.lot_id in self.lot_ids:
            return True
        own_access = self.agency_id is not None and result.agency_id == self.agency_id
        return result.scope == Scope.ACCESS and own_access

    def sees_lot(self, lot_id: int) -> bool:
        return self.everything or lot_id in self.lot_ids


def visibility_for(user) -> Visibility:
    """The user's view of the IMR; PermissionDenied (403) for roles that have none."""
    require(user, IMR_READERS)
    if sees_whole_network(user):
        return Visibility(everything=True)
    if holds(user, AGENCY_MANAGERS):
        return Visibility(agency_id=user.agency_id)
    lots = Lot.objects.filter(lot_rows(user)).values_list("pk", flat=True)
    return Visibility(lot_ids=frozenset(lots))


@dataclass
class MonthView:
    """A month's results as one user may see them, filtered for a page."""

    results: MonthResults
    lot_results: list[Result]
    access_results: list[Result]
    lots: list[LotSummary]
    worst: list[Result]
    flags: list[BreachFlag] = field(default_factory=list)


WORST = 10


def month_view(
    *,
    user,
    year: int,
    month: int,
    now: datetime,
    lot: Lot | None = None,
    code: str = "",
    missed_only: bool = False,
) -> MonthView:
    visibility = visibility_for(user)
    results = month_results(year=year, month=month, now=now)

    def wanted(r: Result) -> bool:
        return (
            visibility.sees(r)
            and (lot is None or r.lot.lot_id == lot.pk)
            and (not code or r.code == code)
            and (not missed_only or r.outcome.met is False)
        )

    chosen = [r for r in results.results if wanted(r)]
    access = [r for r in chosen if r.scope == Scope.ACCESS]
    summaries = [
        s
        for s in results.lots
        if visibility.sees_lot(s.lot.lot_id) and (lot is None or s.lot.lot_id == lot.pk)
    ]
    flags = []
    if results.final and holds(user, SUMMARY_READERS):
        flags = list(flag_list().filter(last_month__year=year, last_month__month=month))
    return MonthView(
        results=results,
        lot_results=[r for r in chosen if r.scope == Scope.LOT],
        access_results=access,
        lots=summaries,
        worst=worst_accesses(access),
        flags=flags,
    )


def worst_accesses(results: list[Result]) -> list[Result]:
    """The accesses with the lowest availability of the month (ties: most counted minutes)."""
    measured = [r for r in results if r.outcome.value is not None and r.outcome.met is False]
    return sorted(measured, key=lambda r: (r.outcome.value, r.circuit_id))[:WORST]


def lot_choices(user) -> QuerySet[Lot]:
    """The lots a user may pick in filters."""
    visibility = visibility_for(user)
    lots = Lot.objects.select_related("contract").order_by("contract__number", "number")
    return lots if visibility.everything else lots.filter(pk__in=visibility.lot_ids)


def latest_final_month() -> tuple[int, int] | None:
    row = ImrMonth.objects.order_by("-year", "-month").values_list("year", "month").first()
    return (row[0], row[1]) if row else None


# Dashboards: final months only (an open month's results still change).


@dataclass(frozen=True)
class SeriesPoint:
    year: int
    month: int
    value: Fraction | None
    target: Decimal
    met: bool | None

    @property
    def label(self) -> str:
        return f"{self.month:02d}/{self.year}"


@dataclass
class IndicatorSeries:
    code: str
    name: str
    points: list[SeriesPoint]


@dataclass(frozen=True)
class MoneyPoint:
    year: int
    month: int
    amount_due: Decimal
    discount: Decimal
    imr_adjustment: Decimal
    availability: Fraction | None

    @property
    def label(self) -> str:
        return f"{self.month:02d}/{self.year}"

    @property
    def imr_share(self) -> Fraction | None:
        return _share(self.imr_adjustment, self.amount_due)

    @property
    def texts(self) -> dict[str, str | None]:
        """Shares in percent for the screen (pct_br)."""
        return {
            "availability": pct_text(self.availability),
            "imr": pct_text(self.imr_share),
            "discount": pct_text(_share(self.discount, self.amount_due)),
        }


def _share(part: Decimal, whole: Decimal) -> Fraction | None:
    return Fraction(part) * 100 / Fraction(whole) if whole else None


def _judge(rule: IndicatorDefinition, numerator: int, denominator: int) -> tuple:
    value = percent(numerator, denominator)
    met = None if value is None else value >= Fraction(rule.target)
    return value, met


def indicator_series(lot_ids: set[int]) -> list[IndicatorSeries]:
    """Each indicator month by month over the final months, for a set of lots together: the
    availability as the sum of available over active minutes (I1), the others as the sum on
    time over the sum counted; each month against its target then."""
    sums: dict[str, dict[tuple[int, int], list]] = defaultdict(dict)
    names: dict[str, str] = {}
    for row in LotMonth.objects.filter(lot_id__in=lot_ids).select_related("month", "definition"):
        entry = sums[row.definition.code].setdefault(
            (row.month.year, row.month.month), [0, 0, row.definition]
        )
        entry[0] += row.available_minutes
        entry[1] += row.active_minutes
        names[row.definition.code] = row.definition.name
    lot_rows = IndicatorResult.objects.filter(lot_id__in=lot_ids, scope=Scope.LOT).select_related(
        "month", "definition"
    )
    for result in lot_rows:
        entry = sums[result.code].setdefault(
            (result.month.year, result.month.month), [0, 0, result.definition]
        )
        entry[0] += result.numerator
        entry[1] += result.denominator
        names[result.code] = result.definition.name
    series = []
    for code in sorted(sums):
        points = []
        for (year, month), (numerator, denominator, rule) in sorted(sums[code].items()):
            value, met = _judge(rule, numerator, denominator)
            points.append(SeriesPoint(year, month, value, rule.target, met))
        series.append(IndicatorSeries(code, names[code], points))
    return series


def _lot_months(lot_ids: set[int] | None) -> QuerySet[LotMonth]:
    rows = LotMonth.objects.all()
    return rows if lot_ids is None else rows.filter(lot_id__in=lot_ids)


def money_series(lot_ids: set[int] | None) -> list[MoneyPoint]:
    """Billing and adjustments per final month over a set of lots (None: the whole network),
    and the availability of their accesses."""
    rows = _lot_months(lot_ids)
    months: dict[tuple[int, int], list] = {}
    for row in rows.select_related("month"):
        entry = months.setdefault((row.month.year, row.month.month), [Decimal("0.00")] * 3 + [0, 0])
        entry[0] += row.amount_due
        entry[1] += row.discount
        entry[2] += row.imr_adjustment
        entry[3] += row.available_minutes
        entry[4] += row.active_minutes
    return [
        MoneyPoint(year, month, due, discount, imr, percent(available, active))
        for (year, month), (due, discount, imr, available, active) in sorted(months.items())
    ]


@dataclass(frozen=True)
class LotTotals:
    """A lot over the final months: billing, adjustments and availability together."""

    lot: Lot
    carriers: str
    months: int
    amount_due: Decimal
    discount: Decimal
    imr_adjustment: Decimal
    availability: Fraction | None
    flags: int

    @property
    def texts(self) -> dict[str, str | None]:
        return {
            "availability": pct_text(self.availability),
            "imr": pct_text(_share(self.imr_adjustment, self.amount_due)),
            "discount": pct_text(_share(self.discount, self.amount_due)),
        }


def lot_totals(lot_ids: set[int] | None) -> list[LotTotals]:
    """Per lot, the sums over every final month (the committee's view of the contract's life)."""
    rows = _lot_months(lot_ids)
    sums: dict[int, list] = {}
    for row in rows:
        entry = sums.setdefault(row.lot_id, [0, Decimal("0.00"), Decimal("0.00"), Decimal("0.00")])
        entry[0] += 1
        entry[1] += row.amount_due
        entry[2] += row.discount
        entry[3] += row.imr_adjustment
    minutes: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        minutes[row.lot_id][0] += row.available_minutes
        minutes[row.lot_id][1] += row.active_minutes
    flags: dict[int, int] = defaultdict(int)
    for lot_id in BreachFlag.objects.filter(lot_id__in=sums).values_list("lot_id", flat=True):
        flags[lot_id] += 1
    lots = (
        Lot.objects.filter(pk__in=sums)
        .select_related("contract")
        .prefetch_related("members__carrier")
    )
    return [
        LotTotals(
            lot=lot,
            carriers=" / ".join(m.carrier.name for m in lot.members.all()),
            months=sums[lot.pk][0],
            amount_due=sums[lot.pk][1],
            discount=sums[lot.pk][2],
            imr_adjustment=sums[lot.pk][3],
            availability=percent(*minutes[lot.pk]),
            flags=flags[lot.pk],
        )
        for lot in sorted(lots, key=lambda lot: (lot.contract.number, lot.number))
    ]


def dashboard_lots(*, user, contract: Contract | None, carrier_id: int | None, lot: Lot | None):
    """The lots a dashboard speaks of: the user's visible lots narrowed by contract, carrier (a
    member of the lot) and lot."""
    lots = lot_choices(user)
    if contract is not None:
        lots = lots.filter(contract=contract)
    if carrier_id is not None:
        lots = lots.filter(members__carrier_id=carrier_id)
    if lot is not None:
        lots = lots.filter(pk=lot.pk)
    return set(lots.values_list("pk", flat=True))


# Repeated breaches and the ready-made fine proceeding.


def flag_list() -> QuerySet[BreachFlag]:
    return BreachFlag.objects.select_related(
        "lot__contract", "carrier", "last_month", "decided_by"
    ).order_by("-last_month__year", "-last_month__month", "lot__number", "code")


def flag_get_for_user(*, user, pk: int) -> BreachFlag:
    """Flags are billing's business (and the committee's, read-only); 404 for the others."""
    return get_for_user(flag_list(), user, "Reincidência não encontrada", pk=pk)


@dataclass(frozen=True)
class EvidenceItem:
    month: str  # "2026-08"
    value: str | None
    target: str
    inputs: dict
    url: str  # the month's results of the lot and indicator


@dataclass(frozen=True)
class ProceedingDraft:
    """A fine proceeding ready to open from a flag (docs/domain.md section 7): against the lot's
    contractor (a consortium as a whole), with the facts written out and the evidence linked.
    Issue 11's proceedings open from this and then call
    `sla.services.breach_flag_transition(to=OPENED, proceeding_reference=...)`."""

    flag: BreachFlag
    contract: Contract
    lot: Lot
    contractor: list[tuple[str, Decimal]]  # (carrier name, share %), leader first
    regime: str
    indicator: str
    facts: str
    evidence: list[EvidenceItem]


def proceeding_draft(flag: BreachFlag) -> ProceedingDraft:
    lot = flag.lot
    members = list(lot.members.select_related("carrier").order_by("position"))
    definition = (
        IndicatorDefinition.objects.filter(contract=lot.contract, code=flag.code)
        .order_by("-valid_from")
        .first()
    )
    indicator = f"{flag.code} ({definition.name})" if definition else flag.code
    months = ", ".join(f"{m[5:]}/{m[:4]}" for m in flag.months)
    facts = (
        f"O contratado do lote {lot.number} ({lot.name}) do contrato {lot.contract.number} "
        f"descumpriu a meta do indicador {indicator} nas competências {months} "
        f"({flag.get_rule_display().lower()}), o que configura inexecução parcial por "
        f"descumprimento reiterado do Instrumento de Medição de Resultado."
    )
    base = reverse("sla:result-list")
    return ProceedingDraft(
        flag=flag,
        contract=lot.contract,
        lot=lot,
        contractor=[(m.carrier.name, m.share) for m in members],
        regime=lot.contract.get_regime_display(),
        indicator=indicator,
        facts=facts,
        evidence=[
            EvidenceItem(
                month=item["month"],
                value=item["value"],
                target=item["target"],
                inputs=item["inputs"],
                url=f"{base}?mes={item['month']}&lote={lot.pk}&indicador={flag.code}",
            )
            for item in flag.evidence
        ],
    )


# Definitions.


@dataclass
class DefinitionRow:
    """An indicator of a contract: the rule in force now and its stored versions."""

    rule: Rule
    versions: list[IndicatorDefinition]


def definition_rows(*, contract: Contract, today: date) -> list[DefinitionRow]:
    in_force = rules_in_force({contract.pk}, today.replace(day=1))[contract.pk]
    versions: dict[str, list[IndicatorDefinition]] = defaultdict(list)
    for definition in definitions_with_bands().filter(contract=contract).order_by("-valid_from"):
        versions[definition.code].append(definition)
    return [DefinitionRow(rule, versions[code]) for code, rule in in_force.items()]


def contract_choices() -> QuerySet[Contract]:
    return Contract.objects.order_by("-start_date")


def rule_in_force(*, contract: Contract, code: str, day: date) -> Rule:
    rules = rules_in_force({contract.pk}, day.replace(day=1))[contract.pk]
    if code not in rules:
        raise Http404("Indicador não encontrado")
    return rules[code]


@dataclass(frozen=True)
class HomeSummary:
    """Billing staff's home: the latest closed month's IMR and the flags awaiting a decision."""

    month: ImrMonth | None
    accesses_missed: int
    lots_missed: int
    flags_offered: int


def imr_home() -> HomeSummary:
    latest = ImrMonth.objects.order_by("-year", "-month").first()
    results = IndicatorResult.objects.filter(month=latest, met=False)
    return HomeSummary(
        month=latest,
        accesses_missed=results.filter(scope=Scope.ACCESS).count() if latest else 0,
        lots_missed=results.filter(scope=Scope.LOT).count() if latest else 0,
        flags_offered=BreachFlag.objects.filter(status=FlagStatus.OFFERED).count(),
    )
