"""Import of outages measured by an external monitoring tool (docs/import.md, outages.csv, and
the API's `POST /api/v1/outages/`, docs/api.md: one request is one row of the same table).

All or nothing: every bad row is reported as `file:line: column: what is wrong` and, with any
error, nothing is written. Instants are truncated to the minute; without an offset they are
local time. An outage that overlaps another of its link (already stored, or another row of the
file) is refused with the other named. Re-importing the same rows changes nothing. Imported
outages keep the responsibility they carry, and those already ended open no ticket; one still
open (no end) and counted against the carrier (`pending` or `carrier`) opens its ticket, in the
import's transaction, like a polled one (docs/tickets.md).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from core.csvimport import COMMA, ErrorLog, Row, RowError, read_rows
from core.instants import truncate_minute
from core.templatetags.formatting import local_dt
from inventory.models import Link
from monitoring.choices import (
    COUNTED_RESPONSIBILITIES,
    OutageKind,
    OutageSource,
    Responsibility,
)
from monitoring.models import Outage
from monitoring.services.tickets import tickets_open

COLUMNS = ("circuit_id", "start", "end", "responsibility", "reference", "notes")
REFERENCE_LENGTH = Outage._meta.get_field("reference").max_length


@dataclass
class OutageImportReport:
    created: int = 0
    still_open: list[Outage] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    outages: list[Outage] = field(default_factory=list)  # created or found unchanged


@dataclass(frozen=True)
class _Planned:
    line: int
    link_id: int
    start: datetime
    end: datetime | None
    responsibility: str
    reference: str
    notes: str


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return (a_end is None or b_start < a_end) and (b_end is None or a_start < b_end)


def _describe(start: datetime, end: datetime | None) -> str:
    return f"{local_dt(start)} a {local_dt(end) if end else 'em aberto'}"


def outage_import(path: Path) -> OutageImportReport:
    """Read outages.csv-style `path` and store its outages, or nothing at all."""
    log = ErrorLog()
    rows = list(read_rows(path, columns=COLUMNS, log=log))
    return outage_rows_import(name=path.name, rows=rows, log=log)


def outage_values_import(*, values: Mapping[str, str], source: str) -> OutageImportReport:
    """One outage given as text by column (an API request), with the file's rules; `source`
    names it in the errors as a file would."""
    log = ErrorLog()
    row = Row(source, 1, COMMA, {column: values.get(column) or "" for column in COLUMNS}, log)
    return outage_rows_import(name=source, rows=[row], log=log)


@transaction.atomic
def outage_rows_import(*, name: str, rows: Sequence[Row], log: ErrorLog) -> OutageImportReport:
    """Store the outages of `rows` (COLUMNS as text), or nothing at all when a row (or `log`,
    already) has an error. The one path of every imported outage, from a file or the API."""
    report = OutageImportReport()
    links = dict(
        Link.objects.filter(
            circuit_id__in=[row.values["circuit_id"].strip() for row in rows]
        ).values_list("circuit_id", "pk")
    )
    planned: list[_Planned] = []
    for row in rows:
        circuit_id = row.text("circuit_id")
        start = row.instant("start")
        end = row.instant("end", required=False)
        responsibility = row.choice("responsibility", Responsibility.values)
        if circuit_id and circuit_id not in links:
            row.error("circuit_id", f"acesso '{circuit_id}' não existe")
        start = truncate_minute(start) if start else None
        end = truncate_minute(end) if end else None
        if start and end and end <= start:
            row.error("end", "o fim deve ser posterior ao início (em minutos inteiros)")
        reference = row.text("reference", required=False, max_length=REFERENCE_LENGTH)
        if row.ok:
            planned.append(
                _Planned(
                    row.line,
                    links[circuit_id],
                    start,
                    end,
                    responsibility,
                    reference,
                    row.text("notes", required=False),
                )
            )
    _check_overlaps(name, planned, log, report)
    report.errors = list(log)
    if report.errors:
        transaction.set_rollback(True)
    else:
        tickets_open(outages=report.still_open, losses=[], now=timezone.now())
    return report


def _check_overlaps(
    name: str, planned: list[_Planned], log: ErrorLog, report: OutageImportReport
) -> None:
    by_link: dict[int, list[_Planned]] = {}
    for plan in planned:
        by_link.setdefault(plan.link_id, []).append(plan)
    for link_id, plans in by_link.items():
        plans.sort(key=lambda p: p.start)
        stored = {
            (o.start, o.end, o.source, o.responsibility, o.reference): o
            for o in Outage.objects.filter(link_id=link_id)
        }
        previous: _Planned | None = None
        for plan in plans:
            if previous and _overlaps(previous.start, previous.end, plan.start, plan.end):
                log.add(
                    name,
                    plan.line,
                    "start",
                    f"sobrepõe a linha {previous.line} ({_describe(previous.start, previous.end)})",
                )
                continue
            previous = plan
            same = (plan.start, plan.end, OutageSource.IMPORT, plan.responsibility, plan.reference)
            if same in stored:
                report.unchanged += 1
                report.outages.append(stored[same])
                continue
            clash = next(
                (o for o in stored.values() if _overlaps(o.start, o.end, plan.start, plan.end)),
                None,
            )
            if clash:
                described = _describe(clash.start, clash.end)
                log.add(
                    name,
                    plan.line,
                    "start",
                    f"sobrepõe a indisponibilidade registrada de {described}",
                )
                continue
            outage = Outage.objects.create(
                link_id=link_id,
                start=plan.start,
                end=plan.end,
                kind=OutageKind.INTERRUPTION,
                source=OutageSource.IMPORT,
                responsibility=plan.responsibility,
                reference=plan.reference,
                notes=plan.notes,
            )
            report.created += 1
            report.outages.append(outage)
            if outage.end is None and outage.responsibility in COUNTED_RESPONSIBILITIES:
                report.still_open.append(outage)
