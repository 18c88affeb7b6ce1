"""The reference data the portal ships: Minas Gerais' 853 municipalities (their perimeters,
in the GeoJSON beside them, are drawn by monitoring/maps.py; inventory/data/SOURCE.md says
where both come from and under which license).

Pure functions over the shipped files, so the data migration and the test fixtures load the
same rows the same way."""

import csv
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
MUNICIPALITY_COUNT = 853


@cache
def municipality_records() -> tuple[dict[str, Any], ...]:
    with (DATA_DIR / "municipios_mg.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(
            {
                "ibge_code": int(row["ibge_code"]),
                "name": row["name"],
                "latitude": Decimal(row["latitude"]),
                "longitude": Decimal(row["longitude"]),
                "capital": row["capital"] == "1",
                "rmbh": row["rmbh"] == "1",
            }
            for row in csv.DictReader(fh)
        )


def municipalities_load(model) -> None:
    """Upsert every municipality into `model` (the real or a migration's historical model)."""
    if model.objects.count() == MUNICIPALITY_COUNT:
        return
    fields = ["name", "latitude", "longitude", "capital", "rmbh"]
    model.objects.bulk_create(
        [model(**record) for record in municipality_records()],
        update_conflicts=True,
        unique_fields=["ibge_code"],
        update_fields=fields,
        batch_size=200,
    )
