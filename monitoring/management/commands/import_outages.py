"""`manage.py import_outages FILE.csv`: outages from an external monitoring tool, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.templatetags.formatting import count_br
from monitoring.importing import outage_import


class Command(BaseCommand):
    help = (
        "Importa indisponibilidades de um arquivo CSV (docs/import.md) numa só transação: com "
        "qualquer erro nada é gravado e todas as linhas erradas são listadas."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="arquivo CSV de indisponibilidades")

    def handle(self, *args, file: Path, **options) -> None:
        if not file.is_file():
            raise CommandError(f"{file} não é um arquivo")
        report = outage_import(file)
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            found = count_br(len(report.errors), "erro encontrado,erros encontrados")
            raise CommandError(f"{found}; nada foi gravado")
        self.stdout.write(
            f"{file.name}: {count_br(report.created, 'criada,criadas')}, "
            f"{report.unchanged} sem alteração"
        )
