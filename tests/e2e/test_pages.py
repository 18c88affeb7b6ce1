"""The key pages in a real browser: login, the link list, its filters, detail and export."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def circuits(page) -> list[str]:
    return page.locator("#acessos tbody td:first-child a").all_inner_texts()


def test_agency_manager_logs_in_and_sees_only_the_agencys_links(login, personas, live_server):
    page = login("gestor.sef")
    expect(page.get_by_role("heading", name="Meus acessos")).to_be_visible()
    expect(page.get_by_text("Gestor do órgão")).to_be_visible()
    nav = page.get_by_role("navigation", name="Menu principal")
    nav.get_by_text("Rede").click()
    nav.get_by_role("link", name="Acessos").click()
    expect(page).to_have_url(f"{live_server.url}/acessos/")
    assert circuits(page) == ["BHZ-0001", "UDI-0001"]
    # The agency filter offers only the manager's own agency.
    options = page.get_by_label("Órgão / Entidade").locator("option").all_inner_texts()
    assert options == ["Todos", "SEF - Secretaria de Estado de Fazenda"]


def test_filter_stays_in_the_url_and_opens_a_detail(login, personas, network, live_server):
    page = login("noc")
    page.goto(f"{live_server.url}/acessos/")
    assert len(circuits(page)) == 3
    page.get_by_label("Lote").select_option(str(network.lot_interior.pk))
    page.get_by_role("button", name="Filtrar").click()
    expect(page).to_have_url(re.compile(rf"lot={network.lot_interior.pk}"))
    assert circuits(page) == ["UDI-0001"]
    page.reload()
    expect(page.get_by_label("Lote")).to_have_value(str(network.lot_interior.pk))
    assert circuits(page) == ["UDI-0001"]
    page.get_by_role("link", name="Situação").click()
    expect(page).to_have_url(re.compile(r"o=status"))
    assert circuits(page) == ["UDI-0001"]
    page.get_by_role("link", name="UDI-0001").click()
    expect(page.get_by_role("heading", name=re.compile("Acesso UDI-0001"))).to_be_visible()
    expect(page.get_by_text("Líder do consórcio")).to_be_visible()
    expect(page.get_by_role("heading", name="Histórico de alterações")).to_be_visible()


def test_csv_export_downloads_the_filtered_list(login, personas, network, live_server):
    page = login("noc")
    page.goto(f"{live_server.url}/acessos/?agency={network.agency_y.pk}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exportar CSV").click()
    download = download_info.value
    assert re.fullmatch(r"acessos-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8-sig") as f:
        lines = f.read().splitlines()
    assert lines[0].startswith("Designação;Órgão / Entidade;Município")
    assert [line.split(";")[0] for line in lines[1:]] == ["CTG-0001"]


def test_carrier_gets_404_on_another_lots_link(login, personas, network, live_server):
    page = login("beta")
    expect(page.get_by_role("heading", name="Acessos dos meus lotes")).to_be_visible()
    response = page.goto(f"{live_server.url}/acessos/{network.link_x_metro.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Página não encontrada")).to_be_visible()
    expect(page.get_by_text("BHZ-0001")).to_have_count(0)


def test_five_wrong_passwords_lock_the_login(login, personas):
    for _ in range(4):
        page = login("noc", "senha-errada")
        expect(page.get_by_role("alert")).to_be_visible()
    page = login("noc", "senha-errada")
    expect(page.get_by_role("heading", name="Acesso temporariamente bloqueado")).to_be_visible()
    page = login("noc")  # the right password, still refused
    expect(page.get_by_role("heading", name="Acesso temporariamente bloqueado")).to_be_visible()
