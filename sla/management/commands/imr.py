"""`manage.py imr YYYY-MM --format json`: the IMR results of a month (final once the month is
closed, measured now while it is open). Prints only JSON on stdout."""

import json
import re

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sla.selectors import imr_document

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class Command(BaseCommand):
    help = "Resultados dos indicadores do IMR numa competência (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("period", help="competência, AAAA-MM")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, period: str, **options) -> None:
        match = PERIOD.match(period)
        if match is None:
            raise CommandError(f"competência inválida: {period!r} (use AAAA-MM)")
        document = imr_document(year=int(match[1]), month=int(match[2]), now=timezone.now())
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
