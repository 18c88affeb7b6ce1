"""The closed-month guard of 0003 in time linear in the rows a statement touches, whatever the
planner believes: 0003 joined the transition table with the lines in an EXISTS, and when
nothing matched (the usual case) a nested-loop plan scanned every line once per touched share
(replacing a month of 100 000 lines ran for minutes). Now the closed months are read first
(none: nothing to check), and the touched rows are compared with them by array membership."""

import importlib

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION billing_refuse_closed_month_rows() RETURNS trigger AS $$
DECLARE
    closed bigint[] := ARRAY(SELECT id FROM billing_billingperiod WHERE status = 'closed');
    touched boolean := false;
BEGIN
    IF cardinality(closed) = 0 THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'billing_lineshare' THEN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            SELECT EXISTS (SELECT 1 FROM billing_statementline
                WHERE id = ANY(ARRAY(SELECT line_id FROM new_rows))
                  AND period_id = ANY(closed)) INTO touched;
        END IF;
        IF NOT touched AND TG_OP IN ('UPDATE', 'DELETE') THEN
            SELECT EXISTS (SELECT 1 FROM billing_statementline
                WHERE id = ANY(ARRAY(SELECT line_id FROM old_rows))
                  AND period_id = ANY(closed)) INTO touched;
        END IF;
    ELSE
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            SELECT EXISTS (SELECT 1 FROM new_rows WHERE period_id = ANY(closed)) INTO touched;
        END IF;
        IF NOT touched AND TG_OP IN ('UPDATE', 'DELETE') THEN
            SELECT EXISTS (SELECT 1 FROM old_rows WHERE period_id = ANY(closed)) INTO touched;
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

PREVIOUS = importlib.import_module(
    "billing.migrations.0003_closed_month_checks_per_statement"
).FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


class Migration(migrations.Migration):
    dependencies = [("billing", "0007_lookup_copies_unchecked")]

    operations = [migrations.RunSQL(FUNCTION, PREVIOUS)]
