"""Accessibility in a real browser (issue 23): every main page of every role passes axe-core's
WCAG 2.1 A and AA rules with no serious or critical violation, as eMAG asks of a government
portal. axe-core comes from the npm package installed by `make setup` (package.json), never from
a CDN, and is injected as an init script, which the Content-Security-Policy does not govern."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.support.role_pages import MAIN_PAGES

pytestmark = pytest.mark.e2e

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
# Swagger UI (/api/docs/) is the vendor's developer tool, drawn by its own script: its contrast
# and its buttons inside buttons are in markup our template and stylesheet do not write. The API
# is documented in docs/api.md; docs/ui.md, "Acessibilidade", says so.
VENDOR_PAGES = {"/api/docs/"}


@pytest.fixture
def audited(page):
    """The page with axe-core loaded on every document it opens."""
    page.add_init_script(path=str(AXE))
    return page


def blocking_violations(page) -> list[str]:
    """axe-core's serious and critical violations of the open page, one line per element."""
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", RULES
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at {node['target']}"
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("username", list(MAIN_PAGES))
def test_the_main_pages_of_each_role_have_no_serious_violation(
    audited, login, live_server, role_pages_world, username
):
    login(username)
    found = []
    for path in [path for path in MAIN_PAGES[username] if path not in VENDOR_PAGES]:
        response = audited.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        audited.wait_for_load_state("networkidle")
        found += [f"{path}: {line}" for line in blocking_violations(audited)]
    assert not found, "\n".join(found)


def test_the_audit_sees_a_violation(audited, login, live_server, role_pages_world):
    """The audit works: a button with no name, added to a page, is a critical violation."""
    login("noc")
    audited.evaluate("() => document.body.appendChild(document.createElement('button'))")
    assert any(line.startswith("button-name (critical)") for line in blocking_violations(audited))
