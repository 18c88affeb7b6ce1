"""Invariants that span two columns, kept by composite foreign keys Django cannot declare:
a lot's coverage and a link stay in the lot's contract, a link's municipality is covered by its
lot, and a link's unit belongs to its agency."""

from django.db import migrations

FOREIGN_KEYS = [
    (
        "inventory_lotmunicipality",
        "lot_contract",
        "(lot_id, contract_id)",
        "inventory_lot (id, contract_id)",
    ),
    ("inventory_link", "lot_contract", "(lot_id, contract_id)", "inventory_lot (id, contract_id)"),
    (
        "inventory_link",
        "municipality_in_lot",
        "(lot_id, municipality_id)",
        "inventory_lotmunicipality (lot_id, municipality_id)",
    ),
    (
        "inventory_link",
        "unit_of_agency",
        "(unit_id, agency_id)",
        "inventory_agencyunit (id, agency_id)",
    ),
    (
        "inventory_linkrevision",
        "lot_contract",
        "(lot_id, contract_id)",
        "inventory_lot (id, contract_id)",
    ),
]


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_managers_history_constraints")]

    operations = [
        migrations.RunSQL(
            sql=f"ALTER TABLE {table} ADD CONSTRAINT {table}_{name} FOREIGN KEY {columns} "
            f"REFERENCES {target} DEFERRABLE INITIALLY DEFERRED",
            reverse_sql=f"ALTER TABLE {table} DROP CONSTRAINT {table}_{name}",
        )
        for table, name, columns, target in FOREIGN_KEYS
    ]
