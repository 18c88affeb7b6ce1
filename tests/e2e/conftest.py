"""Browser tests: Django's live server in a thread, Debian's chromium driven by Playwright."""

from datetime import timedelta

import pytest
from django.utils import timezone

from redegov.roles import Role
from tests.people.factories import user_with_role
from tests.support.sla import open_outage_with_ticket

PASSWORD = "senha-de-teste-123"


@pytest.fixture(autouse=True)
def _committed_data(transactional_db):
    """The live server thread reads through its own connection: data must be committed."""


@pytest.fixture
def login(page, live_server):
    """Log in through the real login form; returns the page on the user's home."""

    def log_in(username: str, password: str = PASSWORD):
        page.goto(f"{live_server.url}/entrar/")
        page.get_by_label("Usuário").fill(username)
        page.get_by_label("Senha").fill(password)
        page.get_by_role("button", name="Entrar").click()
        return page

    return log_in


@pytest.fixture
def role_pages_world(network, personas):
    """What the main pages of every role (tests/e2e/main_pages.py) show: the personas, an open
    outage with its ticket, and an administrator."""
    open_outage_with_ticket(network.link_x_interior, timezone.now() - timedelta(hours=1))
    admin = user_with_role("administrador", Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
