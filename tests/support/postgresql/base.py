"""Django's PostgreSQL backend with a flush that deletes rows instead of truncating tables.

The tests that commit (pytest-django's `transactional_db`: the browser tests, whose live server
reads through its own connection) leave every table empty with Django's flush. On PostgreSQL
that is one TRUNCATE of the hundred-odd tables, and a TRUNCATE costs per table and index (new
files), whatever the rows: 2-3 s a test on this machine. A test leaves a few hundred rows, which
a DELETE removes in a tenth of that. TRUNCATE fires no row trigger; the portal's (the history of
audited models, the guards of closed months and final results) would record or refuse these
deletions, so they are off for the flush, on a database the test run created and owns."""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or allow_cascade:  # what DELETE does not do: Django's
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal")
            triggered = sorted(set(tables) & {name for (name,) in cursor.fetchall()})
        return [
            *(f"ALTER TABLE {self.quote_name(t)} DISABLE TRIGGER USER;" for t in triggered),
            *(f"DELETE FROM {self.quote_name(t)};" for t in tables),  # noqa: S608 - Django's tables
            # The deferred foreign key checks, on empty tables, before the triggers come back
            # (PostgreSQL alters no table with trigger events pending).
            "SET CONSTRAINTS ALL IMMEDIATE;",
            *(f"ALTER TABLE {self.quote_name(t)} ENABLE TRIGGER USER;" for t in triggered),
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
