"""`manage.py verify_outages YYYY-MM [--shard NAME]`: re-derive a month's ICMP outages from the
5-minute evidence with the state machine, and report every difference from those on record
(exit status 1 when there is one)."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.instants import month_argument
from core.templatetags.formatting import count_br, local_dt
from monitoring.models import PollShard
from monitoring.verification import verify_month


class Command(BaseCommand):
    help = (
        "Refaz as indisponibilidades medidas por ICMP de uma competência a partir das janelas "
        "de evidência (5 min) e lista toda diferença para as registradas."
    )

    def add_arguments(self, parser):
        parser.add_argument("month", type=month_argument, help="AAAA-MM")
        parser.add_argument("--shard", help="só esta fatia (padrão: todas)")

    def handle(self, *args, month: tuple[int, int], shard: str | None, **options) -> None:
        year, number = month
        shards = PollShard.objects.all()
        if shard:
            shards = shards.filter(name=shard)
            if not shards.exists():
                raise CommandError(f"fatia '{shard}' não existe")
        differences = 0
        for each in shards:
            try:
                result = verify_month(year=year, month=number, shard=each, now=timezone.now())
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"{result.month} fatia {each.name}: {result.links} acessos, "
                f"{result.windows_replayed} janelas e {result.cycles_replayed} ciclos refeitos, "
                f"{count_br(len(result.differences), 'diferença,diferenças')}"
            )
            for difference in result.differences:
                self.stdout.write(
                    f"  {difference.circuit_id} {difference.kind}: registrado "
                    f"{_intervals(difference.recorded)}; refeito {_intervals(difference.derived)}"
                )
            differences += len(result.differences)
        if differences:
            sys.exit(1)


def _intervals(intervals) -> str:
    return ", ".join(f"{local_dt(a)} a {local_dt(b)}" for a, b in intervals) or "nada"
