"""`manage.py statement YYYY-MM [--agency CODE] [--carrier CODE] --format json|csv [-o FILE]
[--by-member]`: a month's statement. An open month shows the current computation (it is
computed now); a closed one its frozen values."""

import csv
import io
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from billing import services
from billing.models import StatementLine
from billing.selectors import AMOUNTS, statement_document
from core.exceptions import DomainError
from core.exports import neutralise
from core.instants import month_argument

LINE_COLUMNS = ["circuit_id", "agency", "carrier", "lot", "outage_minutes", *AMOUNTS]
MEMBER_COLUMNS = ["circuit_id", "agency", "lot", "carrier", "share", *AMOUNTS]
# Columns of people's text: neutralised against formula injection (amounts are numbers as text).
TEXT_COLUMNS = {"circuit_id", "agency", "carrier"}


def _cell(column: str, value: object) -> object:
    return neutralise(value) if column in TEXT_COLUMNS and isinstance(value, str) else value


class Command(BaseCommand):
    help = "Demonstrativo da competência AAAA-MM em JSON ou CSV."

    def add_arguments(self, parser):
        parser.add_argument("month", type=month_argument, help="AAAA-MM")
        parser.add_argument("--agency", help="sigla do órgão")
        parser.add_argument("--carrier", help="código da operadora (contratada ou consorciada)")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--by-member", action="store_true", help="CSV: uma linha por cota")
        parser.add_argument("-o", "--output", help="arquivo de saída (padrão: a saída padrão)")

    def handle(self, *args, month, agency, carrier, format, by_member, output, **options):
        year, number = month
        period = services.period_get_or_create(year=year, month=number)
        if not period.is_closed:
            try:
                period = services.period_compute(period=period, now=timezone.now())
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
        lines = StatementLine.objects.filter(period=period)
        if agency:
            lines = lines.filter(agency__code=agency)
        if carrier:
            lines = lines.filter(
                pk__in=StatementLine.objects.filter(
                    Q(carrier__code=carrier) | Q(lot__members__carrier__code=carrier)
                ).values("pk")
            )
        lines = (
            lines.select_related("link", "agency", "lot", "carrier")
            .prefetch_related("shares__carrier")
            .order_by("link__circuit_id")
        )
        document = statement_document(period=period, lines=lines)
        text = (
            json.dumps(document, ensure_ascii=False, indent=2)
            if format == "json"
            else _csv(document, by_member=by_member)
        )
        if output:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text)


def _csv(document: dict, *, by_member: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if not by_member:
        writer.writerow(LINE_COLUMNS)
        for line in document["lines"]:
            writer.writerow([_cell(column, line[column]) for column in LINE_COLUMNS])
        return buffer.getvalue()
    writer.writerow(MEMBER_COLUMNS)
    for line in document["lines"]:
        members = line["members"] or [
            {"carrier": line["carrier"], "share": "100.0000", **{a: line[a] for a in AMOUNTS}}
        ]
        for member in members:
            writer.writerow(
                [
                    _cell("circuit_id", line["circuit_id"]),
                    _cell("agency", line["agency"]),
                    line["lot"],
                    _cell("carrier", member["carrier"]),
                    member["share"],
                    *(member[a] for a in AMOUNTS),
                ]
            )
    return buffer.getvalue()
