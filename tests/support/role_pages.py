"""The main pages of each role (persona usernames of tests/conftest.py), walked by the browser
tests that hold for every page (the Content-Security-Policy, accessibility), and the world they
show: `role_pages_world`."""

from datetime import timedelta

import pytest
from django.utils import timezone

from redegov.roles import Role
from tests.people.factories import user_with_role
from tests.support.sla import open_outage_with_ticket

MAIN_PAGES = {
    "gestor.sef": [
        "/",
        "/acessos/",
        "/ordens/",
        "/ordens/nova/ativacao/",
        "/indisponibilidades/",
        "/chamados/",
        "/relatorios/",
        "/irregularidades/",
        "/irregularidades/nova",
        "/conta/",
    ],
    "servidor.sef": ["/", "/acessos/", "/ordens/"],
    "alfa": ["/", "/chamados/", "/ordens/", "/manutencoes/", "/manutencoes/solicitar", "/multas/"],
    "noc": [
        "/",
        "/painel/",
        "/indisponibilidades/",
        "/chamados/",
        "/irregularidades/",
        "/acessos/",
        "/ordens/",
        "/manutencoes/",
        "/api/docs/",
    ],
    "ugs": [
        "/",
        "/faturamento/",
        "/imr/",
        "/imr/definicoes/",
        "/multas/",
        "/relatorios/resumo/",
    ],
    "comite": ["/", "/imr/comite/", "/relatorios/resumo/"],
    "juridico": ["/", "/multas/"],
    "administrador": ["/", "/admin/"],
}


@pytest.fixture
def role_pages_world(network, personas):
    """What the main pages show: the personas, an open outage with its ticket, and an
    administrator."""
    open_outage_with_ticket(network.link_x_interior, timezone.now() - timedelta(hours=1))
    admin = user_with_role("administrador", Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
