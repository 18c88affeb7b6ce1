"""The Content-Security-Policy in a real browser (issue 19): the main pages of each role load
with no violation (no inline script or style, no eval, nothing from another origin), as
chromium itself reports them: `securitypolicyviolation` events and console messages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from redegov.roles import Role
from tests.inventory.factories import user_with_role
from tests.sla.conftest import open_outage_with_ticket

pytestmark = pytest.mark.e2e

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " +
                    (e.sourceFile || location.pathname) + ":" + e.lineNumber);
});
"""

# The main pages of each role (persona usernames of tests/conftest.py).
PAGES = {
    "gestor.sef": [
        "/",
        "/acessos/",
        "/ordens/",
        "/indisponibilidades/",
        "/chamados/",
        "/relatorios/",
        "/irregularidades/nova",
    ],
    "servidor.sef": ["/", "/acessos/", "/ordens/"],
    "alfa": ["/", "/chamados/", "/ordens/", "/manutencoes/", "/multas/"],
    "noc": [
        "/",
        "/painel/",
        "/indisponibilidades/",
        "/chamados/",
        "/acessos/",
        "/ordens/",
        "/manutencoes/",
        "/api/docs/",
    ],
    "ugs": ["/", "/faturamento/", "/imr/", "/imr/definicoes/", "/multas/", "/relatorios/resumo/"],
    "comite": ["/", "/imr/comite/", "/relatorios/resumo/"],
    "juridico": ["/", "/multas/"],
    "administrador": ["/", "/admin/"],
}


@pytest.fixture
def watched(page):
    """The page with chromium's CSP reports collected: violation events and console lines."""
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(LISTEN)
    page.console_csp = console
    return page


def violations(page) -> list[str]:
    return [*page.evaluate("window.__csp || []"), *page.console_csp]


@pytest.fixture
def world(network, personas):
    open_outage_with_ticket(network.link_x_interior, timezone.now() - timedelta(hours=1))
    admin = user_with_role("administrador", Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()


@pytest.mark.parametrize("username", list(PAGES))
def test_the_main_pages_of_each_role_break_no_policy_rule(
    watched, login, live_server, world, username
):
    login(username)
    found = {}
    for path in PAGES[username]:
        response = watched.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        watched.wait_for_load_state("networkidle")
        if violations(watched):
            found[path] = violations(watched)
        watched.console_csp.clear()
    assert found == {}


def test_the_watch_sees_a_violation(watched, login, live_server, world):
    """The listener works: an inline script added to the page is refused and reported."""
    login("noc")
    watched.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.appendChild(s); }"
    )
    watched.wait_for_timeout(200)
    assert watched.evaluate("window.ran") is None
    assert any("script-src" in line for line in violations(watched))
