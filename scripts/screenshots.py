"""Screenshots of each role's home page for docs/img/, taken from a running demo (`make demo`).

    .venv/bin/python scripts/screenshots.py [PORTAL_URL]

Logs in as each demo user (password `demo`) through the login form with Debian's chromium, at
1280 x 800, and writes docs/img/home-<user>.png, then the pages docs/noc.md shows (PAGES).
Nothing is written to the portal but the logins.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
PASSWORD = "demo"  # noqa: S105 - the demo's published password (README)
USERS = (
    "gestor.sef",
    "servidor.sef",
    "noc",
    "ugs",
    "operadora.mgtel",
    "comite",
    "juridico",
    "autoridade",
    "admin",
)
# Other pages the docs show: (user, path, image).
PAGES = (
    ("noc", "/painel/", "noc-panel.png"),
    ("noc", "/indisponibilidades/", "noc-outages.png"),
    ("gestor.sef", "/painel/", "agency-panel.png"),
)
OUT = Path(__file__).resolve().parent.parent / "docs" / "img"


def _logged_in(browser, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="pt-BR")
    page = context.new_page()
    page.goto(f"{URL}/entrar/")
    page.get_by_label("Usuário").fill(username)
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar", exact=True).click()
    page.wait_for_load_state("networkidle")
    return context, page


def _shoot(page, name: str) -> None:
    page.screenshot(path=str(OUT / name))
    print(f"docs/img/{name}")


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for username in USERS:
            context, page = _logged_in(browser, username)
            _shoot(page, f"home-{username.replace('.', '-')}.png")
            context.close()
        for username, path, name in PAGES:
            context, page = _logged_in(browser, username)
            page.goto(URL + path)
            page.wait_for_load_state("networkidle")
            _shoot(page, name)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
