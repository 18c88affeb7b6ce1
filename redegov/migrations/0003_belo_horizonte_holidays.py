"""Belo Horizonte's municipal holidays for 2024-2030 (Corpus Christi, 15/08 Assunção de Nossa
Senhora, 08/12 Imaculada Conceição). The state's pontos facultativos are decreed each year and
added by staff. Safe to re-run."""

from datetime import date, timedelta

from dateutil.easter import easter
from django.db import migrations


def bh_holidays(year: int) -> list[tuple[date, str]]:
    return [
        (easter(year) + timedelta(days=60), "Corpus Christi"),
        (date(year, 8, 15), "Assunção de Nossa Senhora"),
        (date(year, 12, 8), "Imaculada Conceição"),
    ]


def load(apps, schema_editor):
    Holiday = apps.get_model("redegov", "Holiday")
    for year in range(2024, 2031):
        for day, name in bh_holidays(year):
            Holiday.objects.get_or_create(date=day, defaults={"name": name, "kind": "municipal"})


class Migration(migrations.Migration):
    dependencies = [("redegov", "0002_role_groups")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
