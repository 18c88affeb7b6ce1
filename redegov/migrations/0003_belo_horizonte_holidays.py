"""Belo Horizonte's municipal holidays for 2024-2030 (Corpus Christi, 15/08 Assunção de Nossa
Senhora, 08/12 Imaculada Conceição). The state's pontos facultativos are decreed each year and
added by staff. Safe to re-run: a date already in the table is left as it is.

The dates come from `redegov.calendar.belo_horizonte_holidays`, a pure function (no models), so
the list lives in one place; it must stay pure for this migration to keep working."""

from django.db import migrations

from redegov.calendar import belo_horizonte_holidays

YEARS = range(2024, 2031)


def load(apps, schema_editor):
    Holiday = apps.get_model("redegov", "Holiday")
    for year in YEARS:
        for day, name in belo_horizonte_holidays(year):
            Holiday.objects.get_or_create(date=day, defaults={"name": name, "kind": "municipal"})


class Migration(migrations.Migration):
    dependencies = [("redegov", "0002_role_groups")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
