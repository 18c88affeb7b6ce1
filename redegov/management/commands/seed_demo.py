"""`manage.py seed_demo [--links 2800] [--seed 1]`: the demo network (inventory.demo) and the
NOC's canary that the simulated network (`manage.py netsim`) answers on. A project-level command
because it spans apps."""

import time

from django.core.management.base import BaseCommand, CommandParser

from inventory.choices import LinkStatus
from inventory.demo.build import seed_demo
from inventory.demo.catalog import DEMO_PASSWORD, PORTAL_URL
from inventory.demo.plan import MAX_LINKS
from monitoring.demo import seed_demo_outage_history
from monitoring.netsim import DEFAULT_CANARY
from monitoring.services import canary_upsert
from orders.demo import seed_demo_orders


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
        counts = result.links_by_status
        self.stdout.write(
            f"Contrato {result.contract.number}: {sum(counts.values())} acessos "
            f"({counts.get(LinkStatus.ACTIVE, 0)} ativos, "
            f"{counts.get(LinkStatus.ORDERED, 0)} solicitados, "
            f"{counts.get(LinkStatus.CANCELLED, 0)} cancelados) em "
            f"{result.municipalities_reached} municípios; {orders} ordens de serviço novas; "
            f"{history} indisponibilidades históricas importadas; "
            f"{time.monotonic() - started:.1f} s."
        )
        self.stdout.write(self.style.SUCCESS(f"\nPortal: {PORTAL_URL}\n"))
        width = max(len(login.role) for login in result.logins)
        self.stdout.write(f"{'Papel':<{width}}  Usuário  (senha: {DEMO_PASSWORD})")
        for login in result.logins:
            self.stdout.write(f"{login.role:<{width}}  {login.username}")
