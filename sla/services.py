"""Writes of the IMR: indicator definitions (the defaults stored for a contract, a change from a
month on), the final results of a closed month, the repeated-breach flags raised from them and
billing staff's decision on each flag."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from core.bulk import copy_insert
from core.exceptions import DomainError
from inventory.models import Contract
from redegov.access import BILLING_STAFF, require
from sla.adjustments import adjustments_for
from sla.choices import (
    ALLOWED_FLAG_TRANSITIONS,
    BASE_OF_SCOPE,
    SCOPE_OF_FORMULA,
    FlagStatus,
    Formula,
    Scope,
)
from sla.defaults import DEFAULT_RULES
from sla.definitions import rules_in_force
from sla.measurement import MeasuredAccesses, MonthResults, measure
from sla.models import (
    BreachFlag,
    ImrMonth,
    IndicatorBand,
    IndicatorDefinition,
    IndicatorResult,
    LotMonth,
)
from sla.rules import LineBase, Rule, breaches, decimal_text, month_label, pct_text, percent


def _require_staff(user) -> None:
    """BILLING_STAFF change definitions and decide on flags (None: the portal itself)."""
    if user is not None:
        require(user, BILLING_STAFF, "Só o faturamento altera indicadores e decide reincidências.")


def _store_version(
    contract: Contract, rule: Rule, *, valid_from: date, user, now: datetime, reason: str
) -> IndicatorDefinition:
    """Write (or rewrite) the contract's version of `rule.code` from `valid_from`."""
    definition = IndicatorDefinition.objects.filter(
        contract=contract, code=rule.code, valid_from=valid_from
    ).first() or IndicatorDefinition(contract=contract, code=rule.code, valid_from=valid_from)
    for name in ("name", "purpose", "how_measured", "formula", "scope", "target"):
        setattr(definition, name, getattr(rule, name))
    definition.order_types = list(rule.order_types)
    definition.target_redundant = rule.target_redundant
    definition.breach_run = rule.breach_run
    definition.breach_count = rule.breach_count
    definition.breach_months = rule.breach_months
    definition.reason = reason
    definition.created_by = user
    definition.created_at = now
    definition.full_clean()
    definition.save()
    definition.bands.all().delete()
    IndicatorBand.objects.bulk_create(
        IndicatorBand(
            definition=definition,
            measure=band.measure,
            lower=band.lower,
            upper=band.upper,
            percentage=band.percentage,
            base=band.base,
        )
        for band in rule.bands
    )
    return definition


def definitions_install_defaults(
    *, contract: Contract, now: datetime, user=None
) -> list[IndicatorDefinition]:
    """Store the default I1-I4 (`sla.defaults`) from the month of the contract's start for each
    code without a version in force then, so that every month of the contract has a stored
    version to edit and to name in its results. Running it twice changes nothing."""
    first_month = contract.start_date.replace(day=1)
    present = set(
        IndicatorDefinition.objects.filter(
            contract=contract, valid_from__lte=first_month
        ).values_list("code", flat=True)
    )
    return [
        _store_version(
            contract,
            rule,
            valid_from=first_month,
            user=user,
            now=now,
            reason="Definição padrão do contrato (docs/domain.md, seção 6).",
        )
        for rule in DEFAULT_RULES
        if rule.code not in present
    ]


def _check_rule(rule: Rule) -> None:
    errors = []
    if rule.scope != SCOPE_OF_FORMULA[rule.formula]:
        errors.append("A abrangência não corresponde à fórmula do indicador.")
    if rule.formula == Formula.ORDERS_ON_TIME and not rule.order_types:
        errors.append("Escolha os tipos de OS contados.")
    if not rule.bands:
        errors.append("Informe ao menos uma faixa de ajuste.")
    if any(band.base != BASE_OF_SCOPE[rule.scope] for band in rule.bands):
        errors.append("A base das faixas não corresponde à abrangência do indicador.")
    if rule.formula != Formula.AVAILABILITY and rule.target_redundant is not None:
        errors.append("Só a disponibilidade tem meta para acesso redundante.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def definition_change(
    *, contract: Contract, rule: Rule, valid_from: date, user, now: datetime, reason: str
) -> IndicatorDefinition:
    """Change an indicator from the month of `valid_from` (its first day) on: a new version, or
    the rewrite of the version from that same month. The months it would govern (up to the next
    version) must all be open: a closed month's results are final."""
    _require_staff(user)
    Contract.objects.select_for_update().get(pk=contract.pk)  # one change or closing at a time
    if valid_from.day != 1:
        raise ValidationError("A alteração vale a partir do primeiro dia de um mês.")
    if not reason.strip():
        raise ValidationError("Informe o motivo da alteração.")
    _check_rule(rule)
    following = (
        IndicatorDefinition.objects.filter(
            contract=contract, code=rule.code, valid_from__gt=valid_from
        )
        .order_by("valid_from")
        .values_list("valid_from", flat=True)
        .first()
    )
    for final in ImrMonth.objects.order_by("year", "month"):
        first_day = date(final.year, final.month, 1)
        if first_day >= valid_from and (following is None or first_day < following):
            raise ValidationError(
                f"A competência {final} já está fechada e seus indicadores são finais: "
                f"a alteração deve valer a partir de um mês posterior."
            )
    return _store_version(contract, rule, valid_from=valid_from, user=user, now=now, reason=reason)


@dataclass(frozen=True)
class LineFigures(LineBase):
    """A closed month's statement line as billing froze it."""

    discount: Decimal
    imr_adjustment: Decimal


@transaction.atomic
def imr_month_finalize(
    *,
    year: int,
    month: int,
    now: datetime,
    lines: Sequence[LineFigures],
    accesses: MeasuredAccesses | None = None,
) -> ImrMonth:
    """Make a month's results final: measured as of `now` (the instant billing closes the month,
    in its transaction, after computing its lines; with billing's counts of the I1 accesses when
    given), stored with the reais billing applied, and the repeated breaches they complete
    flagged. Finalizing twice does nothing."""
    existing = ImrMonth.objects.filter(year=year, month=month).first()
    if existing is not None:
        return existing
    measured = measure(year=year, month=month, now=now, accesses=accesses)
    contract_ids = {s.lot.contract_id for s in measured.lots} | {
        r.lot.contract_id for r in measured.results
    }
    for contract in Contract.objects.select_for_update().filter(pk__in=contract_ids).order_by("pk"):
        definitions_install_defaults(contract=contract, now=now)
    stored = rules_in_force(contract_ids, date(year, month, 1))
    final = ImrMonth.objects.create(year=year, month=month, finalized_at=now, computed_at=now)
    _store_results(final, measured, stored, lines)
    breach_flags_raise(final=final, now=now)
    return final


RESULT_FIELDS = (
    "month_id",
    "definition_id",
    "code",
    "scope",
    "lot_id",
    "carrier_id",
    "link_id",
    "access_type",
    "numerator",
    "denominator",
    "target",
    "met",
    "band",
    "base",
    "amount",
    "inputs",
)


def _store_results(
    final: ImrMonth,
    measured: MonthResults,
    stored: dict[int, dict[str, Rule]],
    lines: Sequence[LineFigures],
) -> None:
    amounts = adjustments_for(measured, lines).by_result
    rows = []
    for r in measured.results:
        base, amount = amounts.get((r.code, r.link_id or r.lot.lot_id), (None, None))
        rows.append(
            (
                final.pk,
                stored[r.lot.contract_id][r.code].definition_id,
                r.code,
                r.scope,
                r.lot.lot_id,
                r.lot.carrier_id,
                r.link_id,
                r.access_type,
                r.numerator,
                r.denominator,
                r.outcome.target,
                r.outcome.met,
                r.outcome.band,
                base,
                amount,
                r.inputs,
            )
        )
    # 10^5 results in a month of 10^5 accesses
    copy_insert(IndicatorResult, RESULT_FIELDS, rows)
    sums: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal("0.00")] * 3)
    for line in lines:
        total = sums[line.lot_id]
        total[0] += line.amount_due
        total[1] += line.discount
        total[2] += line.imr_adjustment
    LotMonth.objects.bulk_create(
        LotMonth(
            month=final,
            # stored rules have their definition's id (the defaults were installed above)
            definition_id=stored[s.lot.contract_id][s.rule.code].definition_id,  # type: ignore[misc]
            lot_id=s.lot.lot_id,
            carrier_id=s.lot.carrier_id,
            accesses=s.accesses,
            available_minutes=s.available_minutes,
            active_minutes=s.active_minutes,
            target=s.outcome.target,
            met=s.outcome.met,
            amount_due=sums[s.lot.lot_id][0],
            discount=sums[s.lot.lot_id][1],
            imr_adjustment=sums[s.lot.lot_id][2],
        )
        for s in measured.lots
    )


def _evidence(row, inputs: dict) -> dict:
    month = (row.month.year, row.month.month)
    numerator, denominator = (
        (row.numerator, row.denominator)
        if isinstance(row, IndicatorResult)
        else (row.available_minutes, row.active_minutes)
    )
    return {
        "month": month_label(month),
        "value": pct_text(percent(numerator, denominator)),
        "target": decimal_text(row.target),
        "inputs": inputs,
    }


def breach_flags_raise(*, final: ImrMonth, now: datetime) -> list[BreachFlag]:
    """Flag the repeated breaches that the final months complete for the lots of `final`: per
    lot and indicator, I1 missed when the lot's availability misses the simple-access target,
    I2-I4 when below target (docs/domain.md section 6). Months already evidence of a flag are never
    evidence again, so raising twice adds nothing. The caller holds the transaction."""
    lot_ids = set(LotMonth.objects.filter(month=final).values_list("lot_id", flat=True)) | set(
        IndicatorResult.objects.filter(month=final, scope=Scope.LOT).values_list(
            "lot_id", flat=True
        )
    )
    history: dict[tuple[int, str], list] = defaultdict(list)
    for row in LotMonth.objects.filter(lot_id__in=lot_ids).select_related("month", "definition"):
        inputs = {
            "accesses": row.accesses,
            "available_minutes": row.available_minutes,
            "active_minutes": row.active_minutes,
        }
        history[(row.lot_id, row.definition.code)].append((row, inputs))
    for result in IndicatorResult.objects.filter(
        lot_id__in=lot_ids, scope=Scope.LOT
    ).select_related("month", "definition"):
        history[(result.lot_id, result.code)].append((result, result.inputs))
    consumed: dict[tuple[int, str], set] = defaultdict(set)
    for flag in BreachFlag.objects.filter(lot_id__in=lot_ids):
        consumed[(flag.lot_id, flag.code)].update(
            (int(label[:4]), int(label[5:])) for label in flag.months
        )
    raised = []
    for (lot_id, code), items in sorted(history.items()):
        items.sort(key=lambda item: (item[0].month.year, item[0].month.month))
        by_month = {(row.month.year, row.month.month): (row, inputs) for row, inputs in items}
        last_rule = items[-1][0].definition
        found = breaches(
            [
                (month, None if row.met is None else not row.met)
                for month, (row, _) in by_month.items()
            ],
            consumed=consumed[(lot_id, code)],
            run_length=last_rule.breach_run,
            window_count=last_rule.breach_count,
            window_months=last_rule.breach_months,
        )
        for breach in found:
            last_row = by_month[breach.months[-1]][0]
            flag, created = BreachFlag.objects.get_or_create(
                lot_id=lot_id,
                code=code,
                last_month=last_row.month,
                defaults={
                    "carrier_id": last_row.carrier_id,
                    "rule": breach.rule,
                    "months": [month_label(m) for m in breach.months],
                    "evidence": [_evidence(*by_month[m]) for m in breach.months],
                    "created_at": now,
                },
            )
            if created:
                raised.append(flag)
    return raised


@transaction.atomic
def breach_flag_transition(
    *,
    flag: BreachFlag,
    to: str,
    user,
    now: datetime,
    reason: str = "",
    proceeding_reference: str = "",
) -> BreachFlag:
    """Billing staff's decision on a flag: the fine proceeding was opened (its reference is
    required: issue 11's proceedings will call this when they open one from the flag), or the
    flag is dismissed (a reason is required). Same to same does nothing."""
    _require_staff(user)
    flag = BreachFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.status == to:
        return flag
    if to not in ALLOWED_FLAG_TRANSITIONS[flag.status]:
        raise DomainError(f"A reincidência já está {flag.get_status_display().lower()}.")
    if to == FlagStatus.OPENED and not proceeding_reference.strip():
        raise ValidationError("Informe o número do processo aberto.")
    if to == FlagStatus.DISMISSED and not reason.strip():
        raise ValidationError("Informe o motivo do arquivamento.")
    flag.status = to
    flag.proceeding_reference = proceeding_reference.strip()
    flag.decision_reason = reason.strip()
    flag.decided_by = user
    flag.decided_at = now
    flag.full_clean()
    flag.save(
        update_fields=[
            "status",
            "proceeding_reference",
            "decision_reason",
            "decided_by",
            "decided_at",
        ]
    )
    return flag
