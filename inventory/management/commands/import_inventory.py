"""`manage.py import_inventory DIR`: the inventory CSV files of DIR, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.templatetags.formatting import count_br
from inventory.importing import FILES, inventory_import


class Command(BaseCommand):
    help = (
        "Importa o inventário da rede dos arquivos CSV de DIR (docs/import.md), numa só "
        "transação: com qualquer erro nada é gravado e todas as linhas erradas são listadas."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="diretório com os arquivos CSV")

    def handle(self, *args, directory: Path, **options) -> None:
        if not directory.is_dir():
            raise CommandError(f"{directory} não é um diretório")
        report = inventory_import(directory)
        if not report.files:
            names = ", ".join(spec.name for spec in FILES)
            raise CommandError(f"nenhum arquivo de inventário em {directory} ({names})")
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            found = count_br(len(report.errors), "erro encontrado,erros encontrados")
            raise CommandError(f"{found}; nada foi gravado")
        for name, counts in report.files.items():
            self.stdout.write(
                f"{name}: {count_br(counts.created, 'criado,criados')}, "
                f"{count_br(counts.updated, 'alterado,alterados')}, "
                f"{counts.unchanged} sem alteração"
            )
