"""Selects with a search box (issue 23, docs/ui.md "Seleções com busca"): the order form's 853
municipalities are found by typing, accents and case aside, and chosen with the keyboard; a
maintenance window's links are filtered and chosen together; the enhanced controls pass axe-core."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from monitoring.models import MaintenanceWindow
from orders.models import Order
from tests.e2e.test_accessibility import AXE, blocking_violations
from tests.inventory.factories import LinkFactory

pytestmark = pytest.mark.e2e
ORDER_FORM = "/ordens/nova/ativacao/"


def options(page) -> list[str]:
    return page.get_by_role("listbox").get_by_role("option").all_inner_texts()


def test_a_municipality_found_by_typing_is_chosen_by_keyboard_and_saved(
    login, live_server, personas, priced_catalog, page
):
    login("servidor.sef").goto(f"{live_server.url}{ORDER_FORM}")
    box = page.get_by_role("combobox", name="Município")
    box.press("ArrowDown")  # opens the list: the first 50 of 853
    expect(page.get_by_role("listbox").get_by_role("option")).to_have_count(50)
    expect(page.get_by_text("Mostrando 50 de 853")).to_be_visible()

    box.press_sequentially("BELO")
    # Those that begin with it first, then those that hold it.
    assert options(page) == [
        "Belo Horizonte",
        "Belo Oriente",
        "Belo Vale",
        "Campo Belo",
        "Monte Belo",
    ]
    expect(page.get_by_text("5 resultados")).to_be_visible()
    box.press("End")
    box.press("ArrowUp")
    box.press("Home")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(r"-option-\d+$"))
    expect(page.locator("[role=option].active")).to_have_text("Belo Horizonte")
    box.press("Enter")
    expect(box).to_have_value("Belo Horizonte")
    expect(page.get_by_role("listbox")).to_be_hidden()
    # The choice is on the form's select, whose change asks again for the offer (order-form.js).
    offer = page.locator("#oferta")
    expect(offer).to_contain_text("Velocidades à venda: 4, 10 Mbps", timeout=30_000)
    expect(box).to_be_focused()
    page.get_by_label("Velocidade (Mbps)").select_option("4")
    expect(offer).to_contain_text("Mensalidade: R$ 905,52", timeout=30_000)
    page.get_by_label("Endereço").fill("Av. Afonso Pena, 1212")
    page.get_by_role("button", name="Salvar rascunho").click()

    expect(page.get_by_role("heading", name=re.compile(r"OS-\d{4}-000001"))).to_be_visible()
    assert Order.objects.get().municipality.name == "Belo Horizonte"


def test_the_search_ignores_accents_and_case_and_escape_keeps_the_choice(
    login, live_server, personas, page
):
    login("servidor.sef").goto(f"{live_server.url}{ORDER_FORM}")
    box = page.get_by_role("combobox", name="Município")
    # Required and left empty: the browser's message is on the box, the form is not sent.
    page.get_by_label("Endereço").fill("Rua Padre Toledo, 100")
    page.get_by_label("Velocidade (Mbps)").fill("4")
    page.get_by_role("button", name="Salvar rascunho").click()
    expect(box).to_be_focused()
    assert box.evaluate("box => box.validationMessage")
    assert not Order.objects.exists()

    box.fill("sao joao del")
    assert options(page) == ["São João del Rei"]
    page.get_by_role("option", name="São João del Rei").click()
    expect(box).to_have_value("São João del Rei")
    expect(page.locator("select[name=municipality]")).to_have_value("3162500")

    box.fill("xyz")
    expect(page.get_by_text("Nenhum resultado")).to_be_visible()
    box.press("Escape")
    expect(box).to_have_value("São João del Rei")
    expect(page.locator("select[name=municipality]")).to_have_value("3162500")


def test_a_carrier_filters_the_links_and_chooses_the_visible_ones_for_a_window(
    login, live_server, network, personas, page
):
    for number in range(2, 41):
        LinkFactory(lot=network.lot_metro, agency=network.agency_x, circuit_id=f"BHZ-{number:04d}")
    login("alfa").goto(f"{live_server.url}/manutencoes/solicitar")
    links = page.get_by_role("group", name="Acessos")
    expect(links.get_by_role("checkbox")).to_have_count(42)  # BHZ-0001..0040, CTG and UDI
    page.get_by_role("searchbox", name="Acessos").fill("bhz-002")
    expect(page.get_by_text("Mostrando 10 de 42")).to_be_visible()
    links.get_by_role("button", name="Selecionar visíveis").click()
    expect(links.get_by_text("10 selecionados")).to_be_visible()
    page.get_by_role("searchbox", name="Acessos").fill("udi")
    links.get_by_role("checkbox", name="UDI-0001").check()
    expect(links.get_by_text("11 selecionados")).to_be_visible()

    start = timezone.localtime() + timedelta(days=5)
    page.get_by_label("Início").fill(start.strftime("%Y-%m-%dT08:00"))
    page.get_by_label("Fim").fill(start.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Descrição do serviço").fill("Troca de equipamento")
    page.get_by_role("button", name="Solicitar").click()

    expect(page.get_by_text("Janela de manutenção solicitada.")).to_be_visible()
    window = MaintenanceWindow.objects.get()
    assert sorted(window.links.values_list("circuit_id", flat=True)) == [
        *(f"BHZ-{number:04d}" for number in range(20, 30)),
        "UDI-0001",
    ]


def test_the_enhanced_controls_have_no_serious_violation(
    login, live_server, network, personas, page
):
    page.add_init_script(path=str(AXE))
    login("servidor.sef").goto(f"{live_server.url}{ORDER_FORM}")
    page.get_by_role("combobox", name="Município").fill("belo")  # the list open
    expect(page.get_by_role("listbox")).to_be_visible()
    found = blocking_violations(page)
    login("alfa").goto(f"{live_server.url}/manutencoes/solicitar")
    page.get_by_role("searchbox", name="Acessos").fill("bhz")
    found += blocking_violations(page)
    assert not found, "\n".join(found)
