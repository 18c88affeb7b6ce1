"""`manage.py orders_compliance YYYY-MM --format json`: deadline compliance of service orders
per carrier, lot and order type in a month. Prints only JSON on stdout."""

import json
import re

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orders.compliance import compliance_report

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class Command(BaseCommand):
    help = "Cumprimento de prazos das OS por operadora, lote e tipo, num mês (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("period", help="competência, AAAA-MM")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, period: str, **options) -> None:
        match = PERIOD.match(period)
        if match is None:
            raise CommandError(f"competência inválida: {period!r} (use AAAA-MM)")
        report = compliance_report(year=int(match[1]), month=int(match[2]))
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
