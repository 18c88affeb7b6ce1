"""Load the 853 municipalities of Minas Gerais (inventory/data/SOURCE.md).
Safe to re-run: rows are upserted by IBGE code."""

from django.db import migrations

from inventory.reference_data import municipalities_load


def load(apps, schema_editor):
    municipalities_load(apps.get_model("inventory", "Municipality"))


class Migration(migrations.Migration):
    dependencies = [("inventory", "0003_composite_foreign_keys")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
