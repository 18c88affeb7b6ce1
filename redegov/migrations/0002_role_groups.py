"""One group per role (redegov.roles.Role). Safe to re-run."""

from django.db import migrations

ROLE_CODES = [
    "agency_unit",
    "agency_manager",
    "noc",
    "billing",
    "carrier",
    "committee",
    "legal",
    "authority",
    "admin",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for code in ROLE_CODES:
        Group.objects.get_or_create(name=code)


class Migration(migrations.Migration):
    dependencies = [("redegov", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
