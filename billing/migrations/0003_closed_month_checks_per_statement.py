"""The closed-month guard of 0002, checked once per statement instead of once per row (writing
or replacing a month of 100 000 lines must not run 100 000 look-ups): statement-level triggers
with transition tables."""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION billing_refuse_closed_month_rows() RETURNS trigger AS $$
DECLARE
    touched boolean := false;
BEGIN
    IF TG_TABLE_NAME = 'billing_lineshare' THEN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            SELECT EXISTS (SELECT 1 FROM new_rows r
                JOIN billing_statementline l ON l.id = r.line_id
                JOIN billing_billingperiod p ON p.id = l.period_id
                WHERE p.status = 'closed') INTO touched;
        END IF;
        IF NOT touched AND TG_OP IN ('UPDATE', 'DELETE') THEN
            SELECT EXISTS (SELECT 1 FROM old_rows r
                JOIN billing_statementline l ON l.id = r.line_id
                JOIN billing_billingperiod p ON p.id = l.period_id
                WHERE p.status = 'closed') INTO touched;
        END IF;
    ELSE
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            SELECT EXISTS (SELECT 1 FROM new_rows r
                JOIN billing_billingperiod p ON p.id = r.period_id
                WHERE p.status = 'closed') INTO touched;
        END IF;
        IF NOT touched AND TG_OP IN ('UPDATE', 'DELETE') THEN
            SELECT EXISTS (SELECT 1 FROM old_rows r
                JOIN billing_billingperiod p ON p.id = r.period_id
                WHERE p.status = 'closed') INTO touched;
        END IF;
    END IF;
    IF touched THEN
        RAISE EXCEPTION USING
            ERRCODE = 'integrity_constraint_violation',
            MESSAGE = 'competência fechada não pode ser alterada';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
TABLES = ["billing_statementline", "billing_lineshare", "billing_correction"]
EVENTS = {
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}


def _triggers() -> list[migrations.RunSQL]:
    operations = []
    for table in TABLES:
        operations.append(
            migrations.RunSQL(
                f"DROP TRIGGER {table}_closed_month ON {table}",
                f"CREATE TRIGGER {table}_closed_month BEFORE INSERT OR UPDATE OR DELETE ON "
                f"{table} FOR EACH ROW EXECUTE FUNCTION billing_refuse_closed_month()",
            )
        )
        for event, tables in EVENTS.items():
            operations.append(
                migrations.RunSQL(
                    f"CREATE TRIGGER {table}_closed_month_{event} AFTER {event.upper()} ON {table} "
                    f"REFERENCING {tables} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION billing_refuse_closed_month_rows()",
                    f"DROP TRIGGER {table}_closed_month_{event} ON {table}",
                )
            )
    return operations


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_closed_months_are_immutable")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION billing_refuse_closed_month_rows()"),
        *_triggers(),
        migrations.RunSQL(
            "DROP FUNCTION billing_refuse_closed_month()",
            "SELECT 1",  # 0002's function comes back with 0002 itself
        ),
    ]
