"""The irregularity reports' list (issue 23, docs/noc.md): the NOC starts at those it has to
answer, the oldest on top; "Respondidas" and "Todas"; each agency manager sees its agency's
reports only, and the roles that see no links are refused with the friendly 403."""

import re

import pytest
from django.urls import reverse

from monitoring.services.noc import irregularity_answer, irregularity_report
from tests.support.time import at

pytestmark = pytest.mark.django_db

LIST = reverse("monitoring:irregularity-list")


def row_of(html: str, pk: int) -> str:
    """The list's row of one report."""
    return next(row for row in html.split("<tr>") if f'href="/irregularidades/{pk}/"' in row)


def listed(client, **params) -> list[int]:
    """The reports the list shows, in its order (their pages' links)."""
    html = client.get(LIST, params).content.decode()
    return [int(pk) for pk in re.findall(r'href="/irregularidades/(\d+)/"', html)]


@pytest.fixture
def reports(network, personas):
    """Agency X's reports at minutes 30 (answered at 90), 10 and 20; agency Y's at minute 0."""

    def report(manager, link, minute: int):
        return irregularity_report(
            link_id=link.pk, description="Lento", files=[], by=manager, now=at(minute)
        )

    reports = {
        "y": report(personas.manager_y, network.link_y_metro, 0),
        "x10": report(personas.manager_x, network.link_x_metro, 10),
        "x20": report(personas.manager_x, network.link_x_interior, 20),
        "x30": report(personas.manager_x, network.link_x_metro, 30),
    }
    irregularity_answer(
        report_id=reports["x30"].pk, answer="Chamado aberto.", by=personas.noc, now=at(90)
    )
    return {key: report.pk for key, report in reports.items()}


def test_the_noc_starts_at_the_pending_ones_oldest_first(client, personas, reports):
    client.force_login(personas.noc)
    assert listed(client) == [reports["y"], reports["x10"], reports["x20"]]
    assert listed(client, status="open") == listed(client)
    assert listed(client, status="answered") == [reports["x30"]]
    # Every report: the pending ones first, oldest on top, then the answered.
    assert listed(client, status="all") == [
        reports["y"],
        reports["x10"],
        reports["x20"],
        reports["x30"],
    ]
    assert listed(client, status="nonsense") == listed(client)  # back to the default


def test_each_row_says_where_when_how_long_and_its_status(client, personas, reports):
    client.force_login(personas.noc)
    html = client.get(LIST, {"status": "all"}).content.decode()
    pending = row_of(html, reports["x10"])
    assert ">BHZ-0001</a>" in pending
    assert 'title="Secretaria de Estado de Fazenda">SEF</abbr>' in pending
    assert "<td>15/10/2026 10:10</td>" in pending  # reported at, local time
    assert "Aguardando resposta do NOC" in pending and '<td class="num">há ' in pending
    answered = row_of(html, reports["x30"])
    assert "1 h 00 min até a resposta" in answered and "em 15/10/2026 11:30" in answered
    assert "4</strong> irregularidades" in html


def test_a_manager_sees_the_agencys_reports_all_by_default(client, personas, reports):
    client.force_login(personas.manager_x)
    assert listed(client) == [reports["x10"], reports["x20"], reports["x30"]]
    assert listed(client, status="open") == [reports["x10"], reports["x20"]]


def test_a_manager_of_another_agency_neither_lists_nor_opens_the_report(client, personas, reports):
    client.force_login(personas.manager_y)
    assert listed(client) == [reports["y"]]
    html = client.get(LIST, {"status": "all"}).content.decode()
    assert "BHZ-0001" not in html and "UDI-0001" not in html
    detail = reverse("monitoring:irregularity-detail", args=[reports["x10"]])
    assert client.get(detail).status_code == 404


def test_a_carrier_lists_what_its_detail_pages_open(client, personas, reports):
    # Carrier B is the leader of the interior lot only (UDI-0001); carrier A is in both lots.
    client.force_login(personas.carrier_b)
    assert listed(client) == [reports["x20"]]
    client.force_login(personas.carrier_a)
    assert listed(client) == [reports["y"], reports["x10"], reports["x20"], reports["x30"]]
    for pk in listed(client):
        assert client.get(reverse("monitoring:irregularity-detail", args=[pk])).status_code == 200


@pytest.mark.parametrize("who", ["legal", "outsider"])
def test_roles_that_see_no_links_get_the_friendly_403(client, personas, reports, who):
    client.force_login(getattr(personas, who))
    response = client.get(LIST)
    assert response.status_code == 403
    assert "Acesso negado" in response.content.decode()


def test_the_list_is_paginated(client, personas, network, settings):
    for minute in range(51):
        irregularity_report(
            link_id=network.link_x_metro.pk,
            description="Lento",
            files=[],
            by=personas.manager_x,
            now=at(minute),
        )
    client.force_login(personas.noc)
    assert len(listed(client)) == 50
    assert len(listed(client, page=2)) == 1
    assert "Página 1 de 2" in client.get(LIST).content.decode()


def test_the_menu_and_the_panels_count_lead_to_the_list(client, personas, reports):
    client.force_login(personas.noc)
    panel = client.get(reverse("monitoring:panel")).content.decode()
    assert f'href="{LIST}?status=open"><strong>3</strong> irregularidades a responder' in panel
    assert f'<a href="{LIST}">Irregularidades</a>' in panel
    page = client.get(LIST).content.decode()
    assert f'<a href="{LIST}" aria-current="page">Irregularidades</a>' in page
