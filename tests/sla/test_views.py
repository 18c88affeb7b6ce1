"""The IMR pages: wiring, who sees what (carriers their lots, managers their accesses, outsiders
nothing), editing a definition, deciding a flag, exports and the PDF report."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing import services as billing
from sla.choices import FlagStatus
from sla.models import BreachFlag, IndicatorDefinition
from tests.inventory.factories import LinkFactory
from tests.support.sla import interruption
from tests.support.time import local

pytestmark = pytest.mark.django_db
NOW = local(2026, 11, 25, 10)
RESULTS = reverse("sla:result-list")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def october_outages(priced_with_redundant):
    interruption(priced_with_redundant.link_x_metro, local(2026, 10, 15, 8), 300)
    interruption(priced_with_redundant.link_x_interior, local(2026, 10, 15, 8), 300)
    return priced_with_redundant


def circuits(response) -> list[str]:
    return sorted(r.circuit_id for r in response.context["view"].access_results)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("billing", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("committee", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("noc", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("carrier_a", ["BHZ-0001", "CTG-0001", "UDI-0001"]),  # a consortium member too
        ("carrier_b", ["UDI-0001"]),
        ("manager_x", ["BHZ-0001", "UDI-0001"]),
        ("manager_y", ["CTG-0001"]),
    ],
)
def test_each_role_sees_its_own_results(client, personas, october_outages, persona, expected):
    client.force_login(getattr(personas, persona))
    response = client.get(RESULTS, {"mes": "2026-10"})
    assert response.status_code == 200
    assert circuits(response) == expected


def test_a_carrier_sees_only_its_lots_indicators(client, personas, october_outages):
    client.force_login(personas.carrier_b)
    response = client.get(RESULTS, {"mes": "2026-10"})
    lots = {(r.code, r.lot.number) for r in response.context["view"].lot_results}
    assert lots == {("I2", 2), ("I3", 2), ("I4", 2)}
    assert [s.lot.number for s in response.context["view"].lots] == [2]


def test_an_agency_manager_sees_no_lot_indicators(client, personas, october_outages):
    client.force_login(personas.manager_x)
    view = client.get(RESULTS, {"mes": "2026-10"}).context["view"]
    assert (view.lot_results, view.lots) == ([], [])


@pytest.mark.parametrize("persona", ["outsider", "legal", "unit_x"])
def test_roles_without_the_imr_are_refused_with_the_friendly_403(
    client, personas, october_outages, persona
):
    client.force_login(getattr(personas, persona))
    for url in (
        RESULTS,
        reverse("sla:dashboard"),
        reverse("sla:committee"),
        reverse("sla:definition-list"),
        reverse("sla:flag-list"),
        reverse("sla:report-pdf"),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Seu perfil não permite abrir esta página." in response.content.decode()


def test_filters_narrow_the_results(client, personas, october_outages):
    client.force_login(personas.billing)
    response = client.get(
        RESULTS, {"mes": "2026-10", "lote": october_outages.lot_metro.pk, "descumpridos": "on"}
    )
    assert circuits(response) == ["BHZ-0001"]
    assert response.context["view"].worst[0].circuit_id == "BHZ-0001"


def test_export_and_pdf(client, personas, october_outages):
    client.force_login(personas.billing)
    csv = client.get(reverse("sla:result-export", args=["csv"]), {"mes": "2026-10"})
    assert csv["Content-Type"].startswith("text/csv")
    body = csv.content.decode("utf-8-sig")
    assert "BHZ-0001" in body
    assert "99,3280" in body
    pdf = client.get(reverse("sla:report-pdf"), {"mes": "2026-10"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_page_of_a_closed_month_shows_its_final_results(client, personas, october_outages):
    period = billing.period_get_or_create(year=2026, month=10)
    billing.period_close(period=period, user=personas.billing, now=NOW)
    client.force_login(personas.billing)
    response = client.get(RESULTS, {"mes": "2026-10"})
    assert response.context["month"].final
    assert "Final" in response.content.decode()
    dashboard = client.get(reverse("sla:dashboard"))
    assert [c.title.split(" ")[0] for c in dashboard.context["charts"]] == ["I1", "I2", "I3", "I4"]
    assert b"<svg" in dashboard.content
    committee = client.get(reverse("sla:committee"))
    assert committee.status_code == 200
    assert [row.lot.number for row in committee.context["lots"]] == [1, 2]


def test_billing_staff_change_a_definition_from_a_month(client, personas, priced_with_redundant):
    client.force_login(personas.billing)
    url = reverse("sla:definition-change", args=[priced_with_redundant.contract.pk, "I2"])
    assert client.get(url).status_code == 200
    data = {
        "valid_from": "2026-12",
        "name": "Reparos no prazo",
        "purpose": "Reparar no prazo.",
        "how_measured": "Chamados no prazo / chamados.",
        "target": "95",
        "breach_run": "3",
        "breach_count": "5",
        "breach_months": "12",
        "reason": "Termo aditivo nº 2",
        "faixas-TOTAL_FORMS": "2",
        "faixas-INITIAL_FORMS": "0",
        "faixas-0-measure": "shortfall",
        "faixas-0-lower": "0",
        "faixas-0-upper": "10",
        "faixas-0-percentage": "10",
        "faixas-1-measure": "shortfall",
        "faixas-1-lower": "10",
        "faixas-1-upper": "",
        "faixas-1-percentage": "30",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    version = IndicatorDefinition.objects.get(code="I2")
    assert (version.valid_from, version.target, version.bands.count()) == (
        date(2026, 12, 1),
        95,
        2,
    )
    listing = client.get(
        reverse("sla:definition-list"), {"contrato": priced_with_redundant.contract.pk}
    )
    assert "Termo aditivo nº 2" in listing.content.decode()


@pytest.mark.parametrize("persona", ["carrier_a", "committee", "manager_x"])
def test_only_billing_staff_may_change_definitions(
    client, personas, priced_with_redundant, persona
):
    client.force_login(getattr(personas, persona))
    url = reverse("sla:definition-change", args=[priced_with_redundant.contract.pk, "I2"])
    assert client.get(url).status_code == 403
    assert client.get(reverse("sla:definition-list")).status_code == 200


def test_billing_staff_dismiss_a_flag_with_its_ready_made_proceeding(
    client, personas, priced_with_redundant
):
    for month in (7, 8, 9):
        for link in (priced_with_redundant.link_x_metro, priced_with_redundant.link_y_metro):
            interruption(link, local(2026, month, 10, 8), 500)
        period = billing.period_get_or_create(year=2026, month=month)
        billing.period_close(period=period, user=personas.billing, now=NOW)
    flag = BreachFlag.objects.get()
    url = reverse("sla:flag-detail", args=[flag.pk])
    client.force_login(personas.carrier_a)
    assert client.get(url).status_code == 403  # a role that never reads flags
    client.force_login(personas.committee)  # reads flags, writes nothing
    assert client.get(url).status_code == 200
    assert client.post(url, {"to": FlagStatus.DISMISSED, "reason": "x"}).status_code == 403
    client.force_login(personas.billing)
    page = client.get(url)
    draft = page.context["draft"]
    assert "lote 1" in draft.facts
    assert [item.month for item in draft.evidence] == ["2026-07", "2026-08", "2026-09"]
    assert draft.contractor == [("Alfa Telecom", 100)]
    response = client.post(url, {"to": FlagStatus.DISMISSED, "reason": "Força maior comprovada"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.status, flag.decided_by) == (FlagStatus.DISMISSED, personas.billing)
    assert client.get(reverse("sla:flag-list")).context["flags"] == [flag]


def test_the_results_page_makes_as_many_queries_for_many_accesses(
    client, personas, october_outages
):
    client.force_login(personas.billing)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(RESULTS, {"mes": "2026-10"}).status_code == 200
        return len(captured.captured_queries)

    before = queries()
    for n in range(5):
        LinkFactory(lot=october_outages.lot_metro, circuit_id=f"BHZ-01{n:02d}")
    assert queries() == before


def test_billing_staff_find_last_months_imr_on_their_home(client, personas, october_outages):
    period = billing.period_get_or_create(year=2026, month=10)
    billing.period_close(period=period, user=personas.billing, now=NOW)
    client.force_login(personas.billing)
    summary = client.get(reverse("home")).context["imr"]
    assert (str(summary.month), summary.accesses_missed, summary.lots_missed) == ("10/2026", 2, 0)
    client.force_login(personas.carrier_a)
    assert client.get(reverse("home")).context["imr"] is None


def test_the_imr_stylesheet_is_in_the_head(client, personas):
    """Page CSS goes in base.html's head block: a stylesheet in the body restyles a painted page."""
    client.force_login(personas.billing)
    page = client.get(reverse("sla:dashboard")).content.decode()
    head, body = page.split("</head>")
    assert "css/imr.css" in head
    assert "css/imr.css" not in body
