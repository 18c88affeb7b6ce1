"""`manage.py seed_demo [--links 2800] [--seed 1]`: the demo network (inventory.demo) and the
NOC's canary that the simulated network (`manage.py netsim`) answers on. A project-level command
because it spans apps."""

import time

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from billing.invoices.demo import seed_demo_invoices
from billing.services import period_close, period_get_or_create
from inventory.choices import LinkStatus
from inventory.demo.build import seed_demo
from inventory.demo.catalog import DEMO_PASSWORD, PORTAL_URL
from inventory.demo.plan import MAX_LINKS
from monitoring.demo import seed_demo_outage_history
from monitoring.netsim import DEFAULT_CANARY
from monitoring.services import canary_upsert
from orders.demo import seed_demo_orders
from penalties.demo import seed_demo_penalties
from redegov.models import User
from sla.demo import demo_months, seed_demo_imr_history


def _close_demo_months() -> int:
    """Close the months of the IMR demo's history (their indicators become final and flag the
    carrier that kept missing its targets); last month stays open for billing staff."""
    staff = User.objects.get(username="ugs")
    closed = 0
    for year, month in demo_months():
        period = period_get_or_create(year=year, month=month)
        if not period.is_closed:
            period_close(period=period, user=staff, now=timezone.now())
            closed += 1
    return closed


def _last_month():
    today = timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return period_get_or_create(year=year, month=month)


class Command(BaseCommand):
    help = "Cria (ou atualiza) a rede de demonstração. Pode ser executado mais de uma vez."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--links", type=int, default=2800, help=f"acessos (1 a {MAX_LINKS})")
        parser.add_argument("--seed", type=int, default=1, help="semente do sorteio")

    def handle(self, *args, links: int, seed: int, **options) -> None:
        started = time.monotonic()
        result = seed_demo(links=links, seed=seed)
        canary_upsert(address=DEFAULT_CANARY, name="Roteador de borda do NOC (simulado)")
        orders = seed_demo_orders()
        history = seed_demo_outage_history()
        imr = seed_demo_imr_history(contract=result.contract, seed=seed)
        # Before the closings: they collect the installments of the demo's fine.
        proceedings = seed_demo_penalties(contract=result.contract)
        closed = _close_demo_months()
        invoices = seed_demo_invoices(_last_month())
        counts = result.links_by_status
        self.stdout.write(
            f"Contrato {result.contract.number}: {sum(counts.values())} acessos "
            f"({counts.get(LinkStatus.ACTIVE, 0)} ativos, "
            f"{counts.get(LinkStatus.ORDERED, 0)} solicitados, "
            f"{counts.get(LinkStatus.CANCELLED, 0)} cancelados) em "
            f"{result.municipalities_reached} municípios; {orders} ordens de serviço novas; "
            f"{history} indisponibilidades históricas importadas; "
            f"{imr} do histórico do IMR; {proceedings} processos de multa; "
            f"{closed} competências fechadas; "
            f"{time.monotonic() - started:.1f} s."
        )
        self.stdout.write(
            "Faturas de operadora para importar em Faturamento: "
            + ", ".join(str(path) for path in invoices)
        )
        self.stdout.write(self.style.SUCCESS(f"\nPortal: {PORTAL_URL}\n"))
        width = max(len(login.role) for login in result.logins)
        self.stdout.write(f"{'Papel':<{width}}  Usuário  (senha: {DEMO_PASSWORD})")
        for login in result.logins:
            self.stdout.write(f"{login.role:<{width}}  {login.username}")
