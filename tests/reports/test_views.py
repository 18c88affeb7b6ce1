"""The report pages: who opens what (the others get 404 for an agency's report, 403 for the
lists), attesting from the page, the PDF, the month's list, and the query count of a report."""

import pytest
from django.urls import reverse

from billing.reports.models import Attestation
from billing.reports.selectors import report_digests
from tests.inventory.factories import LinkFactory
from tests.people.factories import user_with_role
from tests.support.billing import compute
from tests.support.pages import get_as
from tests.support.reports import pdf_pages
from tests.support.time import local

REPORT = reverse("reports:report", args=["2026-10", "SEF"])
PDF = reverse("reports:report-pdf", args=["2026-10", "SEF"])
ATTEST = reverse("reports:report-attest", args=["2026-10", "SEF"])
MONTH = reverse("reports:month", args=["2026-10"])
INDEX = reverse("reports:index")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["billing", "committee", "noc", "manager_x", "substitute"])
def test_staff_network_roles_and_the_agencys_own_managers_open_the_report_and_its_pdf(
    client, october_closed, personas, named, persona
):
    user = named if persona == "substitute" else getattr(personas, persona)
    page = get_as(client, user, REPORT)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Relatório técnico · SEF · Competência 10/2026" in html
    assert "BHZ-0001" in html and "R$ 902,48" in html and "CTG-0001" not in html
    pdf = client.get(PDF)
    assert pdf["Content-Type"] == "application/pdf"
    assert 'filename="relatorio-tecnico-2026-10-SEF.pdf"' in pdf["Content-Disposition"]
    assert "R$ 902,48" in "\n".join(pdf_pages(pdf.content))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("manager_y", 404),
        ("carrier_a", 403),
        ("carrier_b", 403),
        ("unit_x", 403),
        ("outsider", 403),
    ],
)
def test_other_agencies_get_404_and_roles_without_reports_403(
    client, october_closed, personas, persona, status
):
    """Another agency's manager may read reports, but not this one (404); carriers, unit staff
    and people with no role read no report at all (403)."""
    user = getattr(personas, persona)
    assert get_as(client, user, REPORT).status_code == status
    assert client.get(PDF).status_code == status
    assert client.post(ATTEST, {"digest": "0" * 64}).status_code == status
    assert not Attestation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["carrier_a", "unit_x", "legal", "outsider"])
def test_the_lists_of_reports_are_refused_to_those_without_reports(
    client, october_closed, personas, persona
):
    assert get_as(client, getattr(personas, persona), INDEX).status_code == 403
    assert client.get(MONTH).status_code == 403


@pytest.mark.django_db
def test_the_agency_manager_attests_from_the_page(client, october_closed, personas, named):
    page = get_as(client, personas.manager_x, REPORT).content.decode()
    assert "Aguardando atestado" in page
    assert "Atestar relatório" in page
    digest = report_digests(periods=[october_closed])[
        (october_closed.pk, october_closed.lines.first().agency_id)
    ]
    assert f'value="{digest}"' in page

    refused = client.post(ATTEST, {"digest": digest}, follow=True).content.decode()
    assert "Marque a caixa de confirmação para continuar." in refused
    assert not Attestation.objects.exists()
    response = client.post(ATTEST, {"digest": digest, "confirmed": "on"}, follow=True)
    html = response.content.decode()
    assert "Relatório técnico da competência 10/2026 atestado." in html
    assert "por <strong>gestor.sef</strong> (gestor titular) em " in html
    assert "Atestar relatório" not in html
    assert Attestation.objects.get().attested_by == personas.manager_x


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["billing", "committee", "unnamed"])
def test_who_sees_the_report_but_may_not_attest_gets_no_button_and_403(
    client, october_closed, personas, named, network, persona
):
    user = (
        user_with_role("outro.sef", "agency_manager", agency=network.agency_x)
        if persona == "unnamed"
        else getattr(personas, persona)
    )
    assert "Atestar relatório" not in get_as(client, user, REPORT).content.decode()
    assert client.post(ATTEST, {"digest": "0" * 64}).status_code == 403
    assert not Attestation.objects.exists()


@pytest.mark.django_db
def test_figures_changed_since_the_page_come_back_as_a_message(
    client, october_closed, personas, named
):
    client.force_login(personas.manager_x)
    data = {"digest": "f" * 64, "confirmed": "on"}
    html = client.post(ATTEST, data, follow=True).content.decode()
    assert "mudaram depois que a página foi aberta" in html
    assert not Attestation.objects.exists()


@pytest.mark.django_db
def test_an_open_month_is_a_preview_without_attestation(client, priced_simple, personas, named):
    compute(2026, 11, now=local(2026, 11, 25, 10, 0))
    html = get_as(client, personas.manager_x, reverse("reports:report", args=["2026-11", "SEF"]))
    html = html.content.decode()
    assert "Prévia: a competência ainda está aberta" in html
    assert "Atestar relatório" not in html


@pytest.mark.django_db
def test_the_month_lists_each_agencys_report_and_the_manager_only_their_own(
    client, october_closed, personas, named
):
    html = get_as(client, personas.billing, MONTH).content.decode()
    assert "Relatório técnico SEF (PDF)" in html and "Relatório técnico SEE (PDF)" in html
    assert "Gerar relatórios de todos os órgãos (ZIP)" in html
    html = get_as(client, personas.committee, MONTH).content.decode()
    assert "Relatório técnico SEE (PDF)" in html
    assert "Gerar relatórios" not in html
    html = get_as(client, personas.manager_x, MONTH).content.decode()
    assert "Relatório técnico SEF (PDF)" in html and "SEE" not in html
    html = get_as(client, personas.manager_x, INDEX).content.decode()
    assert "Aguardando atestado" in html and reverse("reports:month", args=["2026-10"]) in html


@pytest.mark.django_db
def test_the_managers_home_lists_the_reports_waiting_for_attestation(
    client, october_closed, personas, named
):
    html = get_as(client, personas.manager_x, reverse("home")).content.decode()
    assert "Relatórios aguardando meu atestado" in html
    assert "Relatório técnico SEF · Competência 10/2026" in html
    assert "Relatórios aguardando meu atestado" not in (
        get_as(client, personas.billing, reverse("home")).content.decode()
    )


@pytest.mark.django_db
def test_a_report_takes_the_same_queries_whatever_its_size(
    client, priced_simple, network, personas, django_assert_max_num_queries
):
    url = reverse("reports:report", args=["2026-11", "SEF"])
    compute(2026, 11, now=local(2026, 11, 25, 10, 0))
    client.force_login(personas.billing)
    client.get(url)  # the session and the user's roles read once
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    LinkFactory.create_batch(30, lot=priced_simple.lot_metro, agency=network.agency_x)
    compute(2026, 11, now=local(2026, 11, 25, 11, 0))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert "32 acessos" in client.get(url).content.decode()
