"""The Content-Security-Policy in a real browser (issue 19): the main pages of each role load
with no violation (no inline script or style, no eval, nothing from another origin), as
chromium itself reports them: `securitypolicyviolation` events and console messages."""

import pytest

from tests.support.role_pages import MAIN_PAGES

pytestmark = pytest.mark.e2e

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " +
                    (e.sourceFile || location.pathname) + ":" + e.lineNumber);
});
"""


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


@pytest.mark.parametrize("username", list(MAIN_PAGES))
def test_the_main_pages_of_each_role_break_no_policy_rule(
    watched, login, live_server, role_pages_world, username
):
    login(username)
    found = {}
    for path in MAIN_PAGES[username]:
        response = watched.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        watched.wait_for_load_state("networkidle")
        if violations(watched):
            found[path] = violations(watched)
        watched.console_csp.clear()
    assert found == {}


def test_the_watch_sees_a_violation(watched, login, live_server, role_pages_world):
    """The listener works: an inline script added to the page is refused and reported."""
    login("noc")
    watched.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.appendChild(s); }"
    )
    watched.wait_for_timeout(200)
    assert watched.evaluate("window.ran") is None
    assert any("script-src" in line for line in violations(watched))
