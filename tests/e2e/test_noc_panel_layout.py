"""The incident panel in chromium (issue 23 item 4): its table fits its column with the
comment controls whole at 1280 and 1024 px, and a refresh that brings a new incident keeps the
focused control and the scroll position, says the incident in the live region and leaves the
repair clocks in the same form."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from monitoring.models import IncidentNote, Outage
from tests.support.monitoring import down, record
from tests.support.time import at

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("forget_memory")]
# htmx polls every 5 s.
LIVE = 12_000


@pytest.fixture
def incidents(network, personas):
    record(-1, {})
    down(network, range(3), network.link_x_metro)
    down(network, range(3, 6), network.link_x_metro, network.link_y_metro)
    outage = Outage.objects.filter(link=network.link_x_metro, end=None).get()
    text = "Operadora acionada por telefone; técnico a caminho da unidade " * 3
    IncidentNote.objects.create(outage=outage, text=text, by=personas.noc, at=timezone.now())
    return outage


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_incident_table_fits_its_column(login, live_server, incidents, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    login("noc").goto(f"{live_server.url}/painel/")
    wrap = page.locator("#painel .table-wrap")
    expect(wrap.locator("a.circuit")).to_have_count(2)
    beyond = wrap.evaluate(
        """w => { const right = w.getBoundingClientRect().right;
           return [...w.querySelectorAll("*")]
             .filter(e => e.getBoundingClientRect().right > right + 0.5)
             .map(e => e.tagName + "." + e.className.baseVal ?? e.className); }"""
    )
    assert beyond == []
    scroll, client = wrap.evaluate("w => [w.scrollWidth, w.clientWidth]")
    assert scroll <= client
    right = wrap.bounding_box()["x"] + wrap.bounding_box()["width"]
    controls = wrap.locator("td.notes button, td.notes input[type=text]")
    assert controls.count() == 6  # two acknowledgements and two comment forms
    for control in controls.all():
        box = control.bounding_box()
        assert box["width"] > 20 and box["x"] + box["width"] <= right + 0.5


def test_a_refresh_keeps_focus_and_scroll_and_says_the_new_incident(
    login, live_server, network, incidents, page
):
    page.set_viewport_size({"width": 1280, "height": 600})
    login("noc").goto(f"{live_server.url}/painel/")
    clock = page.locator("#painel .repair-clock .badge").first
    late = re.compile(r"^em atraso há \d+ d \d+ h \d\d min$")
    expect(clock).to_have_text(late)
    button = page.get_by_role("button", name="Reconhecer interrupção BHZ-0001")
    button.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 40)")
    button.focus()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0

    Outage.objects.create(
        link=network.link_x_interior, start=at(6), kind="interruption", source="manual"
    )
    expect(page.locator("#painel a.circuit")).to_have_count(3, timeout=LIVE)
    expect(page.locator("#painel-avisos")).to_have_text(
        "Nova indisponibilidade: UDI-0001 · SEF · Uberlândia."
    )
    assert page.evaluate("document.activeElement.id") == f"outage-{incidents.pk}-reconhecer"
    assert page.evaluate("window.scrollY") == scrolled
    expect(clock).to_have_text(late)  # the same form after the swap
    page.keyboard.press("Enter")  # the focused control still works
    expect(page.locator("#painel")).to_contain_text("Reconhecido por noc em")
