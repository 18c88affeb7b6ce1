"""A carrier user acknowledges a ticket and the NOC classifies its outage, in a real browser."""

import pytest
from playwright.sync_api import expect

from monitoring import services
from monitoring.models import Ticket
from tests.support.monitoring import down, record

pytestmark = pytest.mark.e2e


@pytest.fixture
def ticket(network):
    services._memory.clear()
    record(-1, {})
    down(network, range(3), network.link_x_metro)
    return Ticket.objects.get()


def test_carrier_acknowledges_and_noc_classifies(login, personas, ticket, live_server):
    page = login("alfa")
    nav = page.get_by_role("navigation", name="Menu principal")
    nav.get_by_text("Rede").click()
    nav.get_by_role("link", name="Chamados").click()
    page.get_by_role("link", name=f"Nº {ticket.pk}").click()
    expect(page.get_by_role("heading", name=f"Chamado nº {ticket.pk}")).to_be_visible()
    expect(page.locator(".repair-clock")).to_contain_text("em atraso")  # October 2026 is past
    page.get_by_label("Protocolo").fill("ALFA-2026-0042")
    page.get_by_role("button", name="Confirmar recebimento").click()
    expect(page.get_by_text("Recebimento registrado.")).to_be_visible()
    expect(page.get_by_text("Recebido pela operadora").first).to_be_visible()
    page.locator(".user-menu > summary").click()
    page.get_by_role("button", name="Sair").click()

    page = login("noc")
    page.goto(f"{live_server.url}/chamados/{ticket.pk}/")
    expect(page.get_by_text("ALFA-2026-0042", exact=True)).to_be_visible()
    page.get_by_role("link", name="Ver indisponibilidade e responsabilidade").click()
    page.get_by_label("Responsabilidade").select_option("agency")
    page.get_by_label("Motivo").fill("Falta de energia no prédio do órgão")
    page.get_by_role("button", name="Registrar responsabilidade").click()
    expect(page.get_by_text("Responsabilidade registrada.")).to_be_visible()
    history = page.locator("#linha-do-tempo")
    expect(history).to_contain_text("Classificação")
    expect(history).to_contain_text("Falta de energia no prédio do órgão")
    expect(history).to_contain_text("noc")
