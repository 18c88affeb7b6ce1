"""`manage.py verify_backup [--user ugs]`: run against a restored copy of the database (its
DATABASE_URL and private files folder), it checks that the copy is whole and usable
(docs/operations.md, "Backups"):

1. every closed month's statement lines give the digest stored when the month closed
   (billing.digest); a month closed before digests existed is listed, not failed;
2. every file a row names (uploads, generated ZIPs) is in the private files folder;
3. the portal serves from it: the home page and the last closed month's statement, as a billing
   user (a session is written in the copy).

Exits non-zero naming what differs. A project-level command because it spans apps."""

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models
from django.test import Client
from django.urls import reverse

from billing.choices import PeriodStatus
from billing.digest import lines_digest
from billing.models import BillingPeriod
from redegov.models import User


class Command(BaseCommand):
    help = "Confere uma cópia restaurada: resumos das competências fechadas, arquivos, páginas."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", default="ugs", help="usuário do faturamento para as páginas")

    def handle(self, *args, user: str, **options) -> None:
        problems = self._months() + self._files()
        problems += self._pages(user)
        if problems:
            raise CommandError("Backup com problemas:\n" + "\n".join(problems))
        self.stdout.write(self.style.SUCCESS("Backup conferido: nenhuma diferença."))

    def _months(self) -> list[str]:
        problems = []
        for period in BillingPeriod.objects.filter(status=PeriodStatus.CLOSED).order_by(
            "year", "month"
        ):
            lines = period.lines.count()
            if not period.lines_digest:
                self.stdout.write(f"{period}: fechada sem resumo guardado ({lines} linhas)")
                continue
            if lines_digest(period_id=period.pk) != period.lines_digest:
                problems.append(f"{period}: as linhas não conferem com o resumo do fechamento")
                self.stdout.write(self.style.ERROR(f"{period}: DIFERENTE ({lines} linhas)"))
            else:
                self.stdout.write(f"{period}: ok ({lines} linhas)")
        return problems

    def _files(self) -> list[str]:
        missing, named = [], 0
        for model in apps.get_models():
            fields = [f.name for f in model._meta.fields if isinstance(f, models.FileField)]
            for field in fields:
                for name in model.objects.exclude(**{field: ""}).values_list(field, flat=True):
                    named += 1
                    if not default_storage.exists(name):
                        missing.append(f"arquivo ausente: {name} ({model._meta.label}.{field})")
        self.stdout.write(f"arquivos: {named} referenciados, {len(missing)} ausentes")
        return missing[:20]

    def _pages(self, username: str) -> list[str]:
        staff = User.objects.filter(username=username, is_active=True).first()
        last = BillingPeriod.objects.filter(status=PeriodStatus.CLOSED).first()
        if staff is None:
            return [f"usuário {username} não existe na cópia"]
        host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*",) and h[0] != "."), "")
        client = Client(HTTP_HOST=host or "localhost")
        client.force_login(staff)
        paths = [reverse("home")]
        if last is not None:
            paths.append(reverse("billing:statement", kwargs={"label": last.label}))
        problems = []
        for path in paths:
            response = client.get(path, secure=True)
            if response.status_code != 200:
                problems.append(f"{path}: {response.status_code}, esperado 200")
            self.stdout.write(f"página {path}: {response.status_code}")
        return problems
