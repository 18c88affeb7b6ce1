"""The NOC watches the panel in chromium while simulated links really fail (ICMP on loopback,
faults in nftables, 2-second cycles): the incidents appear and clear without reloading the
page, the map colours their municipalities, and a click on the map filters the panel."""

import re

import pytest
from playwright.sync_api import expect

from tests.inventory.factories import BELO_HORIZONTE, CONTAGEM
from tests.support.monitoring import run_cycle

pytestmark = pytest.mark.e2e

# htmx polls every 5 s; a cycle's transaction may land just after a poll.
LIVE = 12_000


def test_the_panel_follows_real_faults_and_the_map_filters_it(
    login, live_server, personas, polled_network, faults
):
    network = polled_network
    page = login("noc")
    page.goto(f"{live_server.url}/painel/")
    panel = page.locator("#painel")
    expect(panel).to_contain_text("Nenhum incidente em aberto")
    bh = page.locator(f'#mapa-estado a[data-ibge="{BELO_HORIZONTE}"]')
    expect(bh).to_have_class(re.compile(r"\bok\b"))

    run_cycle()
    faults.fail([network.link_x_metro.mgmt_ip, network.link_y_metro.mgmt_ip])
    for _ in range(3):
        run_cycle()

    # No reload: htmx brings the outages and the map's colours.
    expect(panel.locator("a.circuit")).to_have_text(["BHZ-0001", "CTG-0001"], timeout=LIVE)
    expect(panel).to_contain_text("2 acessos no mesmo ciclo")
    expect(bh).to_have_class(re.compile(r"\bdown\b"), timeout=LIVE)
    expect(page.locator(f'#mapa-estado a[data-ibge="{CONTAGEM}"]')).to_have_class(
        re.compile(r"\bdown\b")
    )

    bh.click()
    expect(page).to_have_url(re.compile(rf"municipality={BELO_HORIZONTE}"))
    expect(panel.locator("a.circuit")).to_have_text(["BHZ-0001"])
    expect(page.locator("#mapa-titulo")).to_contain_text("filtrado: Belo Horizonte")

    page.get_by_role("button", name="Reconhecer interrupção BHZ-0001").click()
    expect(panel).to_contain_text("Reconhecido por noc em")

    faults.restore([network.link_x_metro.mgmt_ip, network.link_y_metro.mgmt_ip])
    run_cycle()
    expect(panel).to_contain_text("Nenhum incidente em aberto", timeout=LIVE)
    # Back up: no longer down. A loaded machine may have judged the failing cycles' replies a
    # degradation too, which the map rightly shows as recent for a while.
    expect(bh).to_have_class(re.compile(r"\b(ok|degraded)\b"), timeout=LIVE)
