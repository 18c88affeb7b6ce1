"""Bulk work in memory: a month's 10^5 statement lines, a report's 10^5 boxes."""

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection
from django.db.models import Model
from psycopg.types.json import Jsonb


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many objects are made that all stay reachable
    until the work ends: the collector would otherwise walk them again and again (a quarter to
    a third of the time of a 500-link PDF report or of a 100 000-link month). Reference
    counting still frees what is dropped; cycles wait for the collector to resume."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def copy_insert(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert many rows with one COPY, several times faster than `bulk_create` for 10^5 rows.
    `fields` names the model's fields (a foreign key by its attname, e.g. "lot_id"); each row
    gives their values in that order, as psycopg adapts them (a dict or list is JSON)."""
    opts = model._meta
    columns = ", ".join(connection.ops.quote_name(opts.get_field(f).column) for f in fields)
    table = connection.ops.quote_name(opts.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([Jsonb(v) if isinstance(v, dict | list) else v for v in row])
