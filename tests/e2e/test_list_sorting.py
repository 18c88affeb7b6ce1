"""Issue 23: a person sorts a list by clicking its column header; a second click reverses the
order, the header says which way (aria-sort), and filtering keeps the sort (docs/ui.md,
"Listas: ordenação")."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.monitoring.factories import OutageFactory

pytestmark = pytest.mark.e2e


def test_clicking_a_header_twice_reverses_the_outages(login, live_server, network, personas):
    now = timezone.now()
    for hours, link in enumerate(
        [network.link_x_interior, network.link_x_metro, network.link_y_metro], start=1
    ):
        OutageFactory(link=link, start=now - timedelta(hours=hours), end=now)
    page = login("noc")
    page.goto(f"{live_server.url}/indisponibilidades/")
    table = page.locator("#indisponibilidades")
    header = table.get_by_role("columnheader", name="Designação")
    rows = table.locator("tbody tr td:nth-child(2)")

    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(rows).to_have_text(["BHZ-0001", "CTG-0001", "UDI-0001"])

    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(rows).to_have_text(["UDI-0001", "CTG-0001", "BHZ-0001"])

    # Filtering keeps the order: the agency's two outages, still descending.
    page.get_by_label("Órgão / Entidade").select_option(label=str(network.agency_x))
    page.get_by_role("button", name="Filtrar").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(rows).to_have_text(["UDI-0001", "BHZ-0001"])
