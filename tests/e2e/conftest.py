"""Browser tests: Django's live server in a thread, Debian's chromium driven by Playwright."""

import pytest

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
