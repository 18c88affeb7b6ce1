"""`manage.py close_month YYYY-MM [--close]`: compute a month (as often as wanted while it is
open); with --close, compute and freeze it in one step (closing twice does nothing)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from billing import services
from billing.selectors import totals
from core.exceptions import DomainError
from core.instants import month_argument
from redegov.models import User


class Command(BaseCommand):
    help = "Calcula a competência AAAA-MM; com --close, calcula e fecha (congela) a competência."

    def add_arguments(self, parser):
        parser.add_argument("month", type=month_argument, help="AAAA-MM")
        parser.add_argument("--close", action="store_true", help="fecha a competência")
        parser.add_argument("--user", help="usuário que fecha (padrão: nenhum)")

    def handle(
        self, *args, month: tuple[int, int], close: bool, user: str | None, **options
    ) -> None:
        year, number = month
        period = services.period_get_or_create(year=year, month=number)
        closer = User.objects.filter(username=user).first() if user else None
        try:
            if close:
                period = services.period_close(period=period, user=closer, now=timezone.now())
            else:
                period = services.period_compute(period=period, now=timezone.now())
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        sums = totals(period.lines.all())
        self.stdout.write(
            f"{period.label} ({period.get_status_display().lower()}): "
            f"{period.lines.count()} linhas; devido {sums['amount_due']}, "
            f"desconto {sums['discount']}, correções {sums['corrections']}, "
            f"líquido {sums['net']}"
        )
