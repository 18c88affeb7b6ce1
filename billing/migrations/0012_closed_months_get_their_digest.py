"""Months closed before digests existed get theirs now: their lines are frozen, so today's
digest is the one they closed with. Re-runnable (only months without one)."""

from django.db import migrations

# The text of billing.digest.DIGEST_SQL when this migration was written (migrations import no
# app code).
DIGEST_SQL = """
SELECT encode(sha256(convert_to(coalesce(string_agg(row_text, E'\\n' ORDER BY link_id), ''),
                                'UTF8')), 'hex')
FROM (
    SELECT line.link_id,
           concat_ws('|', line.link_id, line.active_minutes, line.outage_minutes,
                     line.amount_due, line.discount, line.imr_adjustment, line.fines,
                     line.corrections, line.net,
                     (SELECT string_agg(concat_ws(':', share.carrier_id, share.share, share.net),
                                        ',' ORDER BY share.position)
                      FROM billing_lineshare share WHERE share.line_id = line.id)) AS row_text
    FROM billing_statementline line
    WHERE line.period_id = %s
) AS rows
"""


def digest_closed_months(apps, schema_editor):
    BillingPeriod = apps.get_model("billing", "BillingPeriod")
    with schema_editor.connection.cursor() as cursor:
        for period in BillingPeriod.objects.filter(status="closed", lines_digest=""):
            cursor.execute(DIGEST_SQL, [period.pk])
            period.lines_digest = cursor.fetchone()[0]
            period.save(update_fields=["lines_digest"])


class Migration(migrations.Migration):
    dependencies = [("billing", "0011_period_lines_digest")]

    operations = [migrations.RunPython(digest_closed_months, migrations.RunPython.noop)]
