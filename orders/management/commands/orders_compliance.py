"""`manage.py orders_compliance YYYY-MM --format json`: deadline compliance of service orders
per carrier, lot and order type in a month. Prints only JSON on stdout."""

import json

from django.core.management.base import BaseCommand, CommandParser

from core.instants import month_argument
from orders.compliance import compliance_report


class Command(BaseCommand):
    help = "Cumprimento de prazos das OS por operadora, lote e tipo, num mês (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("period", type=month_argument, help="competência, AAAA-MM")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, period: tuple[int, int], **options) -> None:
        year, month = period
        report = compliance_report(year=year, month=month)
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
