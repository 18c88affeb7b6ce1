"""A closed month never changes: the database refuses to insert, update or delete its statement
lines, their members' shares and its corrections (a correction is posted in an open month)."""

from django.db import migrations

CREATE = """
CREATE FUNCTION billing_refuse_closed_month() RETURNS trigger AS $$
DECLARE
    periods bigint[];
BEGIN
    IF TG_TABLE_NAME = 'billing_lineshare' THEN
        IF TG_OP = 'DELETE' THEN
            SELECT array_agg(period_id) INTO periods FROM billing_statementline
             WHERE id = OLD.line_id;
        ELSE
            SELECT array_agg(period_id) INTO periods FROM billing_statementline
             WHERE id = NEW.line_id;
        END IF;
    ELSIF TG_OP = 'INSERT' THEN
        periods := ARRAY[NEW.period_id];
    ELSIF TG_OP = 'DELETE' THEN
        periods := ARRAY[OLD.period_id];
    ELSE
        periods := ARRAY[NEW.period_id, OLD.period_id];
    END IF;
    IF EXISTS (
        SELECT 1 FROM billing_billingperiod WHERE id = ANY(periods) AND status = 'closed'
    ) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'integrity_constraint_violation',
            MESSAGE = 'competência fechada não pode ser alterada';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
TABLES = ["billing_statementline", "billing_lineshare", "billing_correction"]


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_statements")]

    operations = [
        migrations.RunSQL(CREATE, "DROP FUNCTION billing_refuse_closed_month()"),
        *[
            migrations.RunSQL(
                f"CREATE TRIGGER {table}_closed_month BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION billing_refuse_closed_month()",
                f"DROP TRIGGER {table}_closed_month ON {table}",
            )
            for table in TABLES
        ],
    ]
