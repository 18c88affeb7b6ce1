"""The default indicators I1-I4 (docs/domain.md section 6) stored for every contract that exists,
from the month of its start, so that staff see and edit them in the portal. Contracts created
later get them from `sla.services.definitions_install_defaults` (the demo and the first closing
of a month call it); until then the same defaults apply from `sla.defaults`. Re-runnable: a
contract that has a version of a code from its first month keeps it."""

from django.db import migrations
from django.utils import timezone

from sla.defaults import DEFAULT_RULES


def install(apps, schema_editor):
    Contract = apps.get_model("inventory", "Contract")
    Definition = apps.get_model("sla", "IndicatorDefinition")
    Band = apps.get_model("sla", "IndicatorBand")
    now = timezone.now()
    for contract in Contract.objects.all():
        first_month = contract.start_date.replace(day=1)
        present = set(
            Definition.objects.filter(contract=contract, valid_from__lte=first_month).values_list(
                "code", flat=True
            )
        )
        for rule in DEFAULT_RULES:
            if rule.code in present:
                continue
            definition = Definition.objects.create(
                contract=contract,
                code=rule.code,
                name=rule.name,
                purpose=rule.purpose,
                how_measured=rule.how_measured,
                formula=rule.formula,
                order_types=list(rule.order_types),
                scope=rule.scope,
                target=rule.target,
                target_redundant=rule.target_redundant,
                breach_run=rule.breach_run,
                breach_count=rule.breach_count,
                breach_months=rule.breach_months,
                valid_from=first_month,
                reason="Definição padrão do contrato (docs/domain.md, seção 6).",
                created_at=now,
            )
            Band.objects.bulk_create(
                Band(
                    definition=definition,
                    measure=band.measure,
                    lower=band.lower,
                    upper=band.upper,
                    percentage=band.percentage,
                    base=band.base,
                )
                for band in rule.bands
            )


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0001_definitions_results_flags"),
        ("inventory", "0005_lot_shares_sum_to_100"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
