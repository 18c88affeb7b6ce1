"""An activation from draft to an active link, in chromium: unit staff drafts, the manager
submits, the NOC approves, the carrier completes, the link answers ICMP for real (loopback),
the portal verifies it, the NOC sees it verified and the agency sees the link active."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import Order
from orders.selectors import order_answering_ids
from orders.tasks import order_verify_task
from tests.support.monitoring import run_cycle, worker_ip

pytestmark = pytest.mark.e2e


def act(page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".messages")).to_be_visible()


def test_activation_journey_to_an_active_link(login, personas, priced_catalog, live_server):
    page = login("servidor.sef")
    page.goto(f"{live_server.url}/ordens/nova/ativacao/")
    page.get_by_role("combobox", name="Município").fill("Belo Horizonte")
    page.keyboard.press("Enter")  # the first option found (docs/ui.md, "Seleções com busca")
    # The page asks again for what the site's lot sells, its price and deadline (issue 23).
    offer = page.locator("#oferta")
    expect(offer).to_contain_text("Velocidades à venda: 4, 10 Mbps", timeout=30_000)
    page.get_by_label("Velocidade (Mbps)").select_option("4")
    expect(offer).to_contain_text("Mensalidade: R$ 905,52", timeout=30_000)
    expect(offer).to_contain_text("Prazo previsto: até")
    page.get_by_label("Endereço").fill("Av. Afonso Pena, 1212")
    page.get_by_label("Contato no local").fill("Maria, 31 3333-0000")
    page.get_by_role("button", name="Salvar rascunho").click()
    expect(page.get_by_role("heading", name=re.compile(r"OS-\d{4}-000001"))).to_be_visible()
    order_url = page.url

    for user, buttons in (
        ("gestor.sef", ["Enviar ao NOC"]),
        ("noc", ["Aprovar e encaminhar à operadora"]),
        ("alfa", ["Aceitar", "Iniciar execução"]),
    ):
        page = login(user)
        page.goto(order_url)
        for button in buttons:
            act(page, button)
    expect(page.locator("#relogio")).to_have_text("No prazo")
    page.get_by_label("Designação").fill("BHZ-0900")
    page.get_by_label("IP de gerência", exact=True).fill(worker_ip(200))
    act(page, "Concluir")
    expect(page.get_by_text("Concluída pela operadora").first).to_be_visible()

    run_cycle()  # the simulated link answers on its loopback address
    for order_id in order_answering_ids():
        order_verify_task(order_id)
    assert Order.objects.get().status == "verified"

    page = login("noc")
    page.goto(order_url)
    expect(page.get_by_role("heading", name=re.compile("Verificada"))).to_be_visible()
    expect(page.get_by_text("Portal (automático)")).to_be_visible()
    page = login("gestor.sef")
    page.goto(f"{live_server.url}/acessos/?status=active")
    expect(page.get_by_role("link", name="BHZ-0900")).to_be_visible()
