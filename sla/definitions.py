"""Reads of indicator definitions: which version of each indicator a contract has in force in a
month (the latest stored version valid from the month's first day or before, or the default of
`sla.defaults` where none is stored)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Prefetch

from sla.defaults import DEFAULT_RULES
from sla.models import IndicatorBand, IndicatorDefinition
from sla.rules import Band, Rule


def rule_from_definition(definition: IndicatorDefinition) -> Rule:
    """The rule of a stored version (its bands prefetched)."""
    return Rule(
        code=definition.code,
        name=definition.name,
        purpose=definition.purpose,
        how_measured=definition.how_measured,
        formula=definition.formula,
        order_types=tuple(definition.order_types),
        scope=definition.scope,
        target=definition.target,
        target_redundant=definition.target_redundant,
        bands=tuple(
            Band(band.measure, band.lower, band.upper, band.percentage, band.base)
            for band in definition.bands.all()
        ),
        breach_run=definition.breach_run,
        breach_count=definition.breach_count,
        breach_months=definition.breach_months,
        valid_from=definition.valid_from,
        definition_id=definition.pk,
    )


def definitions_with_bands():
    return IndicatorDefinition.objects.prefetch_related(
        Prefetch("bands", queryset=IndicatorBand.objects.order_by("measure", "lower"))
    ).select_related("contract", "created_by")


def rules_in_force(contract_ids: Iterable[int], day: date) -> dict[int, dict[str, Rule]]:
    """{contract id: {code: rule}} in force on `day` (a month's first day), defaults included,
    in code order (one query for the versions, one for their bands)."""
    contract_ids = set(contract_ids)
    stored: dict[int, dict[str, Rule]] = {cid: {} for cid in contract_ids}
    versions = definitions_with_bands().filter(contract_id__in=contract_ids, valid_from__lte=day)
    for definition in versions.order_by("contract_id", "code", "valid_from"):
        stored[definition.contract_id][definition.code] = rule_from_definition(definition)
    result = {}
    for contract_id, rules in stored.items():
        merged = {rule.code: rule for rule in DEFAULT_RULES} | rules
        result[contract_id] = dict(sorted(merged.items()))
    return result
