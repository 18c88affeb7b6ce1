"""A closed month's fingerprint: one SHA-256 over its statement lines' figures, stored when the
month closes (`BillingPeriod.lines_digest`) and recomputed from a restored backup
(`manage.py verify_backup`, docs/operations.md, "Backups"), so a month whose lines changed or
went missing in a copy is named.

The text hashed is one row per line, in link id order: the link id, the active and discounted
minutes and every amount of the line, then each consortium member's share (carrier id, share
and net), fields separated by `|`. Amounts are PostgreSQL's own text of numeric(14, 2) ("12.30"),
which is fixed by the column's scale, so the same lines always give the same digest."""

from django.db import connections

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


def lines_digest(*, period_id: int, using: str = "default") -> str:
    """The SHA-256 (hex) of the month's lines as they are now in the database `using`."""
    with connections[using].cursor() as cursor:
        cursor.execute(DIGEST_SQL, [period_id])
        return cursor.fetchone()[0]
