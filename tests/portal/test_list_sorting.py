"""Every list people use all day sorts by its columns (docs/ui.md, "Listas: ordenação"): the
rows come back in the order asked, reversed by the second click, a key the list does not know
is ignored, the sort survives filtering and paging, and it never shows another tenant's rows.
One file for all the lists, read through the same table reader."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from billing.invoices.models import CarrierInvoice
from monitoring.choices import WindowScope
from monitoring.models import MaintenanceWindow
from tests.inventory.factories import LinkFactory
from tests.monitoring.factories import OutageFactory
from tests.sla.factories import BreachFlagFactory, ImrMonthFactory, months_up_to
from tests.support.billing import compute
from tests.support.orders import activation
from tests.support.sla import interruption, open_outage_with_ticket
from tests.support.time import local

pytestmark = pytest.mark.django_db
NOW = local(2026, 11, 25, 10)
OCTOBER = "2026-10"
CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", re.S)
TAG = re.compile(r"<[^>]+>")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def column(response, table_id: str, index: int) -> list[str]:
    """The text of one column of the table's body, row by row, as the page shows it."""
    assert response.status_code == 200
    page = response.content.decode()
    table = page[page.index(f'id="{table_id}"') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    rows = [row for row in body.split("<tr")[1:] if "<td" in row]
    words = [html.unescape(TAG.sub("", CELL.findall(row)[index])).split() for row in rows]
    return [cell[0] if cell else "" for cell in words]


def listed(client, user, url: str, table_id: str, index: int, **params) -> list[str]:
    client.force_login(user)
    return column(client.get(url, params), table_id, index)


@pytest.fixture
def outages(network):
    """One outage per link, started in an order unlike the circuits' (UDI, BHZ, CTG)."""
    starts = {"UDI-0001": 1, "BHZ-0001": 2, "CTG-0001": 3}
    for link in (network.link_x_metro, network.link_x_interior, network.link_y_metro):
        start = local(2026, 11, starts[link.circuit_id], 8)
        OutageFactory(link=link, start=start, end=start + timedelta(hours=1))


OUTAGES = reverse("monitoring:outage-list")


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["CTG-0001", "BHZ-0001", "UDI-0001"]),  # the default: the newest start first
        ("start", ["UDI-0001", "BHZ-0001", "CTG-0001"]),
        ("-start", ["CTG-0001", "BHZ-0001", "UDI-0001"]),
        ("circuit", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("-circuit", ["UDI-0001", "CTG-0001", "BHZ-0001"]),
        ("agency", ["CTG-0001", "BHZ-0001", "UDI-0001"]),  # SEE before SEF, then the start
        ("lot", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        # Not a key of the list (a real field path, a reverse relation, nonsense): ignored.
        ("link__agency__name", ["CTG-0001", "BHZ-0001", "UDI-0001"]),
        ("tickets", ["CTG-0001", "BHZ-0001", "UDI-0001"]),
        ("-", ["CTG-0001", "BHZ-0001", "UDI-0001"]),
    ],
)
def test_outages_sort_by_their_columns(client, personas, outages, sort, expected):
    # The NOC's first column is the selection box.
    assert listed(client, personas.noc, OUTAGES, "indisponibilidades", 1, o=sort) == expected


def test_a_second_click_reverses_and_the_header_says_the_direction(client, personas, outages):
    client.force_login(personas.noc)
    page = client.get(OUTAGES, {"o": "circuit"}).content.decode()
    assert re.search(r'<th scope="col" aria-sort="ascending">\s*<a href="\?o=-circuit"', page)
    page = client.get(OUTAGES, {"o": "-circuit"}).content.decode()
    assert re.search(r'<th scope="col" aria-sort="descending">\s*<a href="\?o=circuit"', page)
    # Without a sort the default column says it; the others link to their ascending sort.
    page = client.get(OUTAGES).content.decode()
    assert re.search(r'aria-sort="descending">\s*<a href="\?o=start"', page)
    assert page.count("aria-sort=") == 1
    assert 'href="?o=circuit"' in page


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("carrier_b", ["UDI-0001"]),
        ("carrier_a", ["BHZ-0001", "CTG-0001", "UDI-0001"]),  # a consortium member too
        ("manager_y", ["CTG-0001"]),
    ],
)
@pytest.mark.parametrize("sort", ["circuit", "-circuit", "agency", "-lot", "bogus"])
def test_sorting_never_shows_another_tenants_outages(
    client, personas, outages, persona, expected, sort
):
    shown = listed(client, getattr(personas, persona), OUTAGES, "indisponibilidades", 0, o=sort)
    assert sorted(shown) == expected


def test_the_sort_survives_filtering(client, personas, network, outages):
    client.force_login(personas.noc)
    response = client.get(OUTAGES, {"agency": network.agency_x.pk, "o": "-circuit"})
    assert column(response, "indisponibilidades", 1) == ["UDI-0001", "BHZ-0001"]
    page = response.content.decode()
    # The filter form carries the sort; the headers carry the filter.
    assert '<input type="hidden" name="o" value="-circuit"' in page
    assert f'href="?agency={network.agency_x.pk}&amp;o=circuit"' in page


LINKS = reverse("inventory:link-list")


def test_the_sort_survives_paging_and_pages_never_overlap(client, personas, network):
    """55 more links of the same speed: sorted by speed, the two pages hold every link once,
    in the circuit order within the speed (the tie-break), and the page links keep the sort."""
    LinkFactory.create_batch(55, lot=network.lot_metro, agency=network.agency_y)
    client.force_login(personas.noc)
    first = client.get(LINKS, {"o": "-speed"})
    assert 'href="?o=-speed&amp;page=2"' in first.content.decode()
    second = client.get(LINKS, {"o": "-speed", "page": 2})
    rows = column(first, "acessos", 0) + column(second, "acessos", 0)
    assert len(rows) == 58
    assert rows == sorted(rows, reverse=True)
    # A new sort starts again from the first page.
    assert 'href="?o=speed"' in second.content.decode()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("circuit_id", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("-circuit_id", ["UDI-0001", "CTG-0001", "BHZ-0001"]),
        ("municipality", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("-agency", ["UDI-0001", "BHZ-0001", "CTG-0001"]),  # SEF, then the circuit descending
        ("nope", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
    ],
)
def test_links_sort_by_their_columns(client, personas, network, sort, expected):
    assert listed(client, personas.noc, LINKS, "acessos", 0, o=sort) == expected


@pytest.fixture
def tickets(network):
    for day, link in [(1, network.link_x_interior), (2, network.link_x_metro)]:
        open_outage_with_ticket(link, local(2026, 11, day, 8))


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["BHZ-0001", "UDI-0001"]),  # the newest ticket first
        ("circuit", ["BHZ-0001", "UDI-0001"]),
        ("-circuit", ["UDI-0001", "BHZ-0001"]),
        ("start", ["UDI-0001", "BHZ-0001"]),
        ("bogus", ["BHZ-0001", "UDI-0001"]),
    ],
)
def test_tickets_sort_by_their_columns(client, personas, tickets, sort, expected):
    url = reverse("monitoring:ticket-list")
    assert listed(client, personas.noc, url, "chamados", 1, o=sort) == expected


@pytest.fixture
def windows(network, personas):
    for carrier, lot, day, by in [
        (network.carrier_a, network.lot_metro, 5, personas.carrier_a),
        (network.carrier_b, network.lot_interior, 3, personas.carrier_b),
    ]:
        start = local(2026, 12, day, 1)
        MaintenanceWindow.objects.create(
            carrier=carrier,
            scope=WindowScope.LOT,
            lot=lot,
            start=start,
            end=start + timedelta(hours=2),
            description="Troca de equipamento",
            requested_by=by,
            requested_at=NOW,
        )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Alfa", "Beta"]),  # the latest start first
        ("start", ["Beta", "Alfa"]),
        ("carrier", ["Alfa", "Beta"]),
        ("-carrier", ["Beta", "Alfa"]),
        ("description", ["Alfa", "Beta"]),  # not sortable: ignored
    ],
)
def test_maintenance_windows_sort_by_their_columns(client, personas, windows, sort, expected):
    url = reverse("monitoring:maintenance-list")
    assert listed(client, personas.noc, url, "janelas", 1, o=sort) == expected


@pytest.fixture
def orders(priced_catalog, personas):
    """Two activations, the second one opened later and slower."""
    first = activation(personas, local(2026, 11, 3, 9), speed=10)
    second = activation(personas, local(2026, 11, 4, 9), speed=4)
    return first.number, second.number


def test_orders_sort_by_their_columns(client, personas, orders):
    first, second = orders
    url = reverse("orders:order-list")
    assert listed(client, personas.noc, url, "ordens", 0) == [second, first]
    assert listed(client, personas.noc, url, "ordens", 0, o="number") == [first, second]
    assert listed(client, personas.noc, url, "ordens", 0, o="-number") == [second, first]
    assert listed(client, personas.noc, url, "ordens", 0, o="x") == [second, first]


def test_proceedings_sort_by_their_columns(client, personas, open_proceeding):
    first = open_proceeding(at=local(2026, 8, 3, 9)).proceeding.number
    second = open_proceeding(at=local(2026, 8, 4, 9)).proceeding.number
    url = reverse("penalties:proceeding-list")
    assert listed(client, personas.billing, url, "processos", 0) == [second, first]
    assert listed(client, personas.billing, url, "processos", 0, o="opened") == [first, second]
    assert listed(client, personas.billing, url, "processos", 0, o="number") == [first, second]
    assert listed(client, personas.billing, url, "processos", 0, o="-number") == [second, first]


def test_a_months_statement_lines_sort_by_their_columns(client, personas, priced_simple):
    compute(2026, 10, local(2026, 11, 1, 6))
    url = reverse("billing:statement", args=[OCTOBER])
    by = lambda **params: listed(client, personas.billing, url, "demonstrativo", 0, **params)  # noqa: E731
    assert by() == ["BHZ-0001", "CTG-0001", "UDI-0001"]
    assert by(o="-circuit") == ["UDI-0001", "CTG-0001", "BHZ-0001"]
    assert by(o="agency")[0] == "CTG-0001"  # SEE before SEF
    assert by(o="-lot")[0] == "UDI-0001"  # lot 2 before lot 1
    assert by(o="carrier") == by(o="-carrier")[::-1]
    # A carrier sorting its statement still sees only its lots' lines.
    assert listed(client, personas.carrier_b, url, "demonstrativo", 0, o="-net") == ["UDI-0001"]


def test_a_months_invoices_sort_by_their_columns(client, personas, network, priced_simple):
    period = compute(2026, 10, local(2026, 11, 1, 6))
    for carrier, number, total in [
        (network.carrier_b, "F-1", "200.00"),
        (network.carrier_a, "F-2", "100.00"),
    ]:
        CarrierInvoice.objects.create(
            period=period,
            carrier=carrier,
            number=number,
            filename=f"{number}.csv",
            content=b"",
            imported_by=personas.billing,
            imported_at=NOW,
            total=Decimal(total),
            reconciled_at=NOW,
        )
    url = reverse("invoices:invoice-list", args=[OCTOBER])
    by = lambda **params: listed(client, personas.billing, url, "faturas", 1, **params)  # noqa: E731
    assert by() == ["F-2", "F-1"]  # by carrier: Alfa, Beta
    assert by(o="number") == ["F-1", "F-2"]
    assert by(o="-total") == ["F-1", "F-2"]
    assert by(o="total") == ["F-2", "F-1"]


def test_imr_results_sort_by_their_columns(client, personas, priced_with_redundant):
    network = priced_with_redundant
    interruption(network.link_x_metro, local(2026, 10, 15, 8), 300)
    interruption(network.link_y_metro, local(2026, 10, 15, 8), 30)
    url = reverse("sla:result-list")
    by = lambda **params: listed(  # noqa: E731
        client, personas.billing, url, "acessos", 1, mes=OCTOBER, **params
    )
    assert by(o="circuit") == ["BHZ-0001", "CTG-0001", "UDI-0001"]
    assert by(o="-circuit") == ["UDI-0001", "CTG-0001", "BHZ-0001"]
    # Most minutes discounted first, then least: the 300-minute outage, the 30-minute one.
    assert by(o="-counted") == ["BHZ-0001", "CTG-0001", "UDI-0001"]
    assert by(o="counted") == ["UDI-0001", "CTG-0001", "BHZ-0001"]
    client.force_login(personas.billing)
    page = client.get(url, {"mes": OCTOBER, "o": "-counted"}).content.decode()
    assert '<input type="hidden" name="o" value="-counted"' in page


def test_repeated_breach_flags_sort_by_their_columns(client, personas, network):
    for year, month, lot in [(2026, 9, network.lot_interior), (2026, 10, network.lot_metro)]:
        last = ImrMonthFactory(year=year, month=month)
        BreachFlagFactory(lot=lot, last_month=last, months=months_up_to(last, 3))
    url = reverse("sla:flag-list")
    by = lambda **params: listed(client, personas.billing, url, "reincidencias", 0, **params)  # noqa: E731
    assert by() == ["10/2026", "09/2026"]  # the latest month first
    assert by(o="month") == ["09/2026", "10/2026"]
    assert by(o="lot") == ["10/2026", "09/2026"]  # lot 1, then lot 2
    assert by(o="-lot") == ["09/2026", "10/2026"]
    assert by(o="carrier") == ["10/2026", "09/2026"]  # Alfa leads lot 1, Beta lot 2
