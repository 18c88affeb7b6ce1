"""`manage.py imr YYYY-MM --format json`: the IMR results of a month (final once the month is
closed, measured now while it is open). Prints only JSON on stdout."""

import json

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from core.instants import month_argument
from sla.selectors import imr_document


class Command(BaseCommand):
    help = "Resultados dos indicadores do IMR numa competência (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("period", type=month_argument, help="competência, AAAA-MM")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, period: tuple[int, int], **options) -> None:
        year, month = period
        document = imr_document(year=year, month=month, now=timezone.now())
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
