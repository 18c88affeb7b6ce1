"""A closed month's indicators are final: the database refuses to update or delete its stored
results, its lots' figures and the month itself (rows are only ever inserted, at closing)."""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION sla_refuse_final_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'integrity_constraint_violation',
        MESSAGE = 'indicadores de competência fechada são finais';
END;
$$ LANGUAGE plpgsql;
"""
TABLES = ["sla_imrmonth", "sla_indicatorresult", "sla_lotmonth"]


class Migration(migrations.Migration):
    dependencies = [("sla", "0002_default_indicators")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION sla_refuse_final_change()"),
        *[
            migrations.RunSQL(
                f"CREATE TRIGGER {table}_final BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION sla_refuse_final_change()",
                f"DROP TRIGGER {table}_final ON {table}",
            )
            for table in TABLES
        ],
    ]
