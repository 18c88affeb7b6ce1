"""The link pages: who sees which rows, the query budget, exports and denials."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.templatetags.formatting import local_dt
from inventory.models import LinkRevision
from monitoring.choices import Responsibility
from monitoring.services.responsibility import outage_transition
from tests.inventory.factories import LinkFactory
from tests.monitoring.factories import OutageFactory
from tests.support.pages import get_as

LIST_URL = reverse("inventory:link-list")
ROW_LINK = re.compile(r'<td><a href="/acessos/\d+/">([^<]+)</a></td>')


def rows(response) -> list[str]:
    """The circuit ids of the rows of the rendered list."""
    assert response.status_code == 200
    return ROW_LINK.findall(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("noc", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("billing", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("committee", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("manager_x", ["BHZ-0001", "UDI-0001"]),
        ("manager_y", ["CTG-0001"]),
        ("carrier_a", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("carrier_b", ["UDI-0001"]),
        ("unit_x", []),
        ("legal", []),
        ("outsider", []),
    ],
)
def test_each_persona_sees_exactly_its_links(client, personas, persona, expected):
    assert rows(get_as(client, getattr(personas, persona), LIST_URL)) == expected


@pytest.mark.django_db
def test_list_filters_and_sorts_from_the_url(client, personas, network):
    response = get_as(client, personas.noc, LIST_URL, agency=network.agency_x.pk, o="-circuit_id")
    assert rows(response) == ["UDI-0001", "BHZ-0001"]
    html = response.content.decode()
    # Export links and sort links keep the filter.
    assert f'/acessos/exportar.csv?agency={network.agency_x.pk}&amp;o=-circuit_id"' in html
    assert f'href="?agency={network.agency_x.pk}&amp;o=circuit_id"' in html


@pytest.mark.django_db
def test_list_shows_totals_over_all_pages(client, personas, network):
    LinkFactory.create_batch(55, lot=network.lot_metro, agency=network.agency_y)
    response = get_as(client, personas.noc, LIST_URL)
    assert len(rows(response)) == 50
    assert response.context["totals"] == {"links": 58, "active": 58, "active_mbps": 58 * 4}
    assert "Página 1 de 2" in response.content.decode()
    assert len(rows(client.get(LIST_URL, {"page": 2}))) == 8


def list_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(
    client, personas, network, django_assert_max_num_queries
):
    client.force_login(personas.carrier_a)
    few = list_queries(client, LIST_URL)
    links = LinkFactory.create_batch(
        60,
        lot=network.lot_interior,
        municipality=network.link_x_interior.municipality,
        agency=network.agency_x,
    )
    for link in links[:20]:
        LinkRevision.objects.create(link=link, effective_at=timezone.now(), speed_mbps=8)
    assert list_queries(client, LIST_URL) == few
    # Session, user, roles, totals, count, rows, members, carriers, four filter choice lists,
    # and one to look up the chosen carrier.
    with django_assert_max_num_queries(13):
        client.get(LIST_URL, {"carrier": network.carrier_b.pk, "o": "speed"})


def export(client, user, fmt: str, **params):
    response = get_as(client, user, reverse("inventory:link-export", args=[fmt]), **params)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="acessos-')
    return response


@pytest.mark.django_db
def test_csv_export_is_what_excel_pt_br_opens(client, personas, network):
    LinkFactory.create_batch(55, lot=network.lot_metro, agency=network.agency_x)
    content = export(client, personas.manager_x, "csv").content
    assert content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:3] == ["Designação", "Órgão / Entidade", "Município"]
    assert len(table) == 1 + 57  # every row of the filtered list, not one page
    by_circuit = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    udi = by_circuit["UDI-0001"]
    assert udi["Operadora"] == "Beta Net / Alfa Telecom"
    assert udi["Velocidade (Mbps)"] == "4"
    assert udi["Situação"] == "Ativo"
    assert udi["Ativado em"] == "01/01/2024 00:00"
    assert "CTG-0001" not in by_circuit


@pytest.mark.django_db
def test_csv_export_follows_the_filters(client, personas, network):
    content = export(client, personas.noc, "csv", lot=network.lot_interior.pk).content
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in table[1:]] == ["UDI-0001"]


@pytest.mark.django_db
def test_xlsx_export_has_number_and_date_cells(client, personas, network):
    response = export(client, personas.noc, "xlsx", agency=network.agency_x.pk)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    header = values[0]
    assert [row[0] for row in values[1:]] == ["BHZ-0001", "UDI-0001"]
    speed = sheet.cell(2, header.index("Velocidade (Mbps)") + 1)
    assert speed.value == 4
    activated = sheet.cell(2, header.index("Ativado em") + 1)
    assert activated.value.isoformat() == "2024-01-01T00:00:00"  # local wall time, no offset
    assert activated.number_format == "DD/MM/YYYY HH:MM"


@pytest.mark.django_db
def test_export_of_an_unknown_format_is_404(client, personas):
    assert get_as(client, personas.noc, "/acessos/exportar.pdf").status_code == 404


@pytest.mark.django_db
def test_detail_shows_the_link_its_contractor_and_timeline(client, personas, network):
    link = network.link_x_interior
    LinkRevision.objects.create(link=link, effective_at=timezone.now(), speed_mbps=10)
    response = get_as(client, personas.manager_x, reverse("inventory:link-detail", args=[link.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "UDI-0001" in html
    assert link.mgmt_ip in html
    assert "Beta Net" in html
    assert "60,00%" in html
    assert "Líder do consórcio" in html
    assert len(response.context["timeline"]) == 2
    # The change history is for network-wide roles only.
    assert "Histórico de alterações" not in html


@pytest.mark.django_db
def test_detail_shows_the_change_history_to_network_roles(client, personas, network):
    link = network.link_x_metro
    link.snmp_community = "segredo"
    link.save()
    response = get_as(client, personas.noc, reverse("inventory:link-detail", args=[link.pk]))
    html = response.content.decode()
    assert "Histórico de alterações" in html
    assert "Comunidade SNMP: public → segredo" in html
    assert [entry.action for entry in response.context["history"]] == ["Alteração", "Inclusão"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "link_name"),
    [
        ("manager_y", "link_x_metro"),
        ("carrier_b", "link_x_metro"),
        ("carrier_b", "link_y_metro"),
        ("legal", "link_x_interior"),
        ("outsider", "link_x_metro"),
    ],
)
def test_detail_of_a_link_the_user_may_not_see_is_404(
    client, personas, network, persona, link_name
):
    url = reverse("inventory:link-detail", args=[getattr(network, link_name).pk])
    response = get_as(client, getattr(personas, persona), url)
    assert response.status_code == 404
    assert getattr(network, link_name).circuit_id not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", [LIST_URL, "/acessos/1/", "/acessos/exportar.csv", "/"])
def test_anonymous_is_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/entrar/?next=")


@pytest.mark.django_db
def test_the_change_history_speaks_portuguese_and_names_people(client, personas, network):
    link = network.link_x_metro
    personas.noc.first_name, personas.noc.last_name = "Marta", "Rezende"
    personas.noc.save()
    start = timezone.now() - timedelta(hours=3)
    outage = OutageFactory(link=link, start=start, end=start + timedelta(hours=1))
    decided = timezone.now()
    outage_transition(
        outage=outage,
        to=Responsibility.CARRIER,
        reason="Fibra rompida",
        by=personas.noc,
        at=decided,
    )
    response = get_as(client, personas.noc, reverse("inventory:link-detail", args=[link.pk]))
    [change] = [e for e in response.context["history"] if e.action == "Alteração"]
    assert change.subject == "Indisponibilidade"
    assert ("decidido por", "—", "Marta Rezende") in change.changes
    assert ("responsabilidade", "Em análise", "Operadora") in change.changes
    assert ("decidido em", "—", local_dt(decided)) in change.changes
    html = response.content.decode()
    assert "Decidido por: — → Marta Rezende" in html
    assert "Decided" not in html
