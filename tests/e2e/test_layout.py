"""Issue 23, item 4: the header keeps one row for every role (nine to thirteen menu entries),
at 1 280 and 1 024 px, with the user box at the right of that row; its menus open with the
keyboard and without JavaScript."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from redegov.models import User
from redegov.roles import Role

pytestmark = pytest.mark.e2e

ROLES = ["gestor.sef", "servidor.sef", "alfa", "noc", "ugs", "comite", "juridico", "administrador"]


@pytest.fixture
def everything(role_pages_world):
    """An administrator who also holds every role: the longest menu there is."""
    user = User.objects.create_user(username="tudo", password="senha-de-teste-123")
    user.is_staff = user.is_superuser = True
    user.save()
    user.groups.add(*(Group.objects.get_or_create(name=role)[0] for role in Role.values))
    return [*ROLES, "tudo"]


def log_out(page) -> None:
    page.locator(".user-menu > summary").click()
    page.get_by_role("button", name="Sair").click()


def header_rows(page) -> dict:
    """Boxes of the header's parts, measured in the page."""
    return page.evaluate(
        """() => {
          const box = (el) => { const r = el.getBoundingClientRect();
            return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
          return {
            header: box(document.querySelector(".site-header")),
            brand: box(document.querySelector(".brand")),
            items: [...document.querySelectorAll(".main-nav > ul > li")].map(box),
            user: box(document.querySelector(".user-box")),
            width: document.documentElement.clientWidth,
            scrollWidth: document.documentElement.scrollWidth,
          };
        }"""
    )


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_header_is_one_row_for_every_role(page, login, everything, width):
    page.set_viewport_size({"width": width, "height": 800})
    for username in everything:
        login(username)
        h = header_rows(page)
        row = h["brand"]
        for part in [*h["items"], h["user"]]:  # everything shares the brand's row
            assert part["top"] < row["bottom"] and part["bottom"] > row["top"], username
        assert h["header"]["bottom"] - h["header"]["top"] < 80, username  # one row, not two
        assert h["user"]["right"] > width - 40, username  # at the right edge
        assert h["items"][-1]["right"] <= h["user"]["left"], username  # nothing under it
        assert h["scrollWidth"] <= h["width"], username  # and nothing pushed off the screen
        log_out(page)


def test_the_menus_work_with_the_keyboard(page, login, everything):
    page = login("tudo")
    nav = page.get_by_role("navigation", name="Menu principal")
    rede = nav.locator("summary", has_text="Rede")
    rede.focus()
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="Acessos")).to_be_visible()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Painel de incidentes")).to_be_focused()
    page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="Acessos")).to_be_hidden()
    expect(rede).to_be_focused()
    # Opening another menu closes the first one.
    rede.click()
    nav.locator("summary", has_text="Faturamento").click()
    expect(nav.get_by_role("link", name="Acessos")).to_be_hidden()
    nav.get_by_role("link", name="Competências").click()
    expect(page).to_have_url(f"{page.url.split('/faturamento')[0]}/faturamento/")
    expect(nav.locator("details.current > summary")).to_have_text("Faturamento")


def test_the_menus_open_without_javascript(browser, live_server, everything):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/entrar/")
    page.get_by_label("Usuário").fill("tudo")
    page.get_by_label("Senha").fill("senha-de-teste-123")
    page.get_by_role("button", name="Entrar").click()
    nav = page.get_by_role("navigation", name="Menu principal")
    nav.locator("summary", has_text="Administração").click()
    nav.get_by_role("link", name="Mensagens não entregues").click()
    expect(page).to_have_url(f"{live_server.url}/mensagens/nao-entregues/")
    page.locator(".user-menu > summary").click()
    expect(page.get_by_role("link", name="Tokens de API")).to_be_visible()
    context.close()
