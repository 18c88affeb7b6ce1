"""The municipalities' perimeters leave the database: the map draws them from the GeoJSON shipped
in inventory/data (monitoring/maps.py), no page read the column, and decoding it cost every list
that names a municipality (docs/benchmarks.md, "Pages under load")."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0005_lot_shares_sum_to_100"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="municipality",
            name="perimeter",
        ),
    ]
