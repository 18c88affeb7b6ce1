"""The billing pages: each persona sees exactly its lines, staff compute and close, the statement
filters, totals and exports, a line explains its arithmetic, and the query budget holds."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from billing import services
from billing.choices import JobState
from billing.models import BillingPeriod, Correction, PeriodJob
from tests.inventory.factories import LinkFactory
from tests.support.billing import compute, line_of, outage, worked_example_outage
from tests.support.pages import get_as
from tests.support.time import NOVEMBER_END, local

D = Decimal
TIMES = "\N{MULTIPLICATION SIGN}"
PERIODS_URL = reverse("billing:period-list")
COMPUTE_URL = reverse("billing:period-compute")
STATEMENT_URL = reverse("billing:statement", args=["2026-10"])
OVERVIEW_URL = reverse("billing:period-overview", args=["2026-10"])
ROW_LINK = re.compile(r'<td><a href="/faturamento/linhas/\d+/">([^<]+)</a></td>')
pytestmark = pytest.mark.usefixtures("late_november")  # October has ended, November has not


@pytest.fixture
def october_with_outage(priced_simple):
    """October 2026 computed, with the worked example's outage on BHZ-0001."""
    worked_example_outage(priced_simple)
    return compute(2026, 10, NOVEMBER_END)


def rows(response) -> list[str]:
    """The circuit ids of the statement's rows."""
    assert response.status_code == 200
    return ROW_LINK.findall(response.content.decode())


def line_url(period: BillingPeriod, link) -> str:
    return reverse("billing:line-detail", args=[line_of(period, link).pk])


@pytest.mark.django_db
def test_every_page_renders_for_billing_staff(client, personas, priced_simple, october_with_outage):
    client.force_login(personas.billing)
    html = client.get(PERIODS_URL).content.decode()
    assert "10/2026" in html
    assert "Aberta" in html
    assert 'aria-label="Fechar competência 10/2026"' in html
    assert "R$ 3,04" in html  # the month's discount, summed over every line
    overview = client.get(OVERVIEW_URL)
    assert overview.status_code == 200
    assert "Por operadora, com a divisão dos consórcios" in overview.content.decode()
    assert rows(client.get(STATEMENT_URL)) == ["BHZ-0001", "CTG-0001", "UDI-0001"]
    detail = client.get(line_url(october_with_outage, priced_simple.link_x_metro))
    assert "R$ 902,48" in detail.content.decode()
    confirm = client.get(reverse("billing:period-close", args=["2026-10"]))
    assert "Fechar a competência 10/2026?" in confirm.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("billing", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("committee", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("noc", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("manager_x", ["BHZ-0001", "UDI-0001"]),
        ("manager_y", ["CTG-0001"]),
        ("carrier_a", ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ("carrier_b", ["UDI-0001"]),
    ],
)
def test_each_persona_reads_exactly_its_statement(
    client, personas, october_with_outage, persona, expected
):
    assert rows(get_as(client, getattr(personas, persona), STATEMENT_URL)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "legal", "unit_x"])
def test_roles_without_bills_see_nothing(
    client, personas, priced_simple, october_with_outage, persona
):
    client.force_login(getattr(personas, persona))
    for url in (
        PERIODS_URL,
        OVERVIEW_URL,
        STATEMENT_URL,
        reverse("billing:statement-export", args=["2026-10", "csv"]),
    ):
        assert client.get(url).status_code == 403
    assert client.get(line_url(october_with_outage, priced_simple.link_x_metro)).status_code == 404


@pytest.mark.django_db
def test_agency_manager_of_another_agency_gets_404_on_a_line(
    client, personas, priced_simple, october_with_outage
):
    client.force_login(personas.manager_y)
    assert client.get(line_url(october_with_outage, priced_simple.link_x_metro)).status_code == 404
    assert client.get(line_url(october_with_outage, priced_simple.link_y_metro)).status_code == 200


@pytest.mark.django_db
def test_carrier_b_does_not_see_a_metro_lot_line(
    client, personas, priced_simple, october_with_outage
):
    client.force_login(personas.carrier_b)
    assert client.get(line_url(october_with_outage, priced_simple.link_x_metro)).status_code == 404
    assert (
        client.get(line_url(october_with_outage, priced_simple.link_x_interior)).status_code == 200
    )
    choices = client.get(STATEMENT_URL).context["filter_form"].fields["lot"].queryset
    assert list(choices) == [priced_simple.lot_interior]


@pytest.mark.django_db
def test_periods_page_totals_only_what_the_user_may_see(client, personas, october_with_outage):
    response = get_as(client, personas.manager_y, PERIODS_URL)
    [row] = response.context["rows"]
    assert (row["totals"]["lines"], row["totals"]["net"]) == (1, D("905.52"))
    assert not response.context["is_staff"]
    html = response.content.decode()
    assert "Fechar competência" not in html
    assert "Calcular" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["noc", "committee", "manager_x", "carrier_a", "legal"])
def test_only_billing_staff_compute_and_close(client, personas, october_with_outage, persona):
    client.force_login(getattr(personas, persona))
    assert client.post(COMPUTE_URL, {"month": "2026-10"}).status_code == 403
    close_url = reverse("billing:period-close", args=["2026-10"])
    assert client.get(close_url).status_code == 403
    assert client.post(close_url).status_code == 403
    october_with_outage.refresh_from_db()
    assert not october_with_outage.is_closed
    assert october_with_outage.computed_at == NOVEMBER_END


def run_queued_job(client, response) -> str:
    """What the worker does with the job a page queued; returns the job page once it ended."""
    job = PeriodJob.objects.get(state=JobState.QUEUED)
    assert response.url == reverse("billing:job", args=[job.pk])
    services.period_job_run(job_id=job.pk)
    return client.get(response.url).content.decode()


@pytest.mark.django_db
def test_compute_form_computes_a_month_without_a_period(client, personas, priced_simple):
    client.force_login(personas.billing)
    response = client.post(COMPUTE_URL, {"month": "2026-09"})
    assert "Competência 09/2026 calculada." in run_queued_job(client, response)
    period = BillingPeriod.objects.get(year=2026, month=9)
    assert period.lines.count() == 3
    assert period.computed_at == local(2026, 11, 25, 10, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-13", "Competência inválida: &quot;2026-13&quot;. Use mm/aaaa"),
        ("2026-12", "ainda não começou"),
    ],
)
def test_compute_form_refuses_bad_months(client, personas, priced_simple, month, message):
    client.force_login(personas.billing)
    response = client.post(COMPUTE_URL, {"month": month}, follow=True)
    assert message in response.content.decode()
    assert not BillingPeriod.objects.exists()


@pytest.mark.django_db
def test_a_missing_price_is_shown_as_a_message(client, personas, network):
    client.force_login(personas.billing)
    response = client.post(COMPUTE_URL, {"month": "2026-10"})
    assert "Preço ausente; nada foi calculado." in run_queued_job(client, response)
    assert not BillingPeriod.objects.get().lines.exists()


@pytest.mark.django_db
def test_close_button_closes_and_a_second_close_is_a_noop(client, personas, october_with_outage):
    client.force_login(personas.billing)
    close_url = reverse("billing:period-close", args=["2026-10"])
    refused = client.post(close_url, follow=True).content.decode()
    assert "Marque a caixa de confirmação para continuar." in refused
    closing = client.post(close_url, {"confirmed": "on"})
    assert "Competência 10/2026 fechada." in run_queued_job(client, closing)
    october_with_outage.refresh_from_db()
    assert october_with_outage.is_closed
    assert october_with_outage.closed_by == personas.billing
    closed_at = october_with_outage.closed_at
    response = client.post(close_url, {"confirmed": "on"}, follow=True)
    assert "A competência 10/2026 já está fechada; nada a fazer." in response.content.decode()
    october_with_outage.refresh_from_db()
    assert october_with_outage.closed_at == closed_at
    assert 'aria-label="Fechar competência 10/2026"' not in response.content.decode()


@pytest.mark.django_db
def test_closing_a_month_that_has_not_ended_shows_the_refusal(client, personas, priced_simple):
    compute(2026, 11)
    client.force_login(personas.billing)
    url = reverse("billing:period-close", args=["2026-11"])
    response = client.post(url, {"confirmed": "on"}, follow=True)
    assert "só pode ser fechada depois de terminar" in response.content.decode()
    assert not BillingPeriod.objects.get(year=2026, month=11).is_closed


@pytest.mark.django_db
def test_statement_filters_and_totals_over_the_filtered_list(
    client, personas, priced_simple, october_with_outage
):
    client.force_login(personas.billing)
    cases = [
        ({"agency": priced_simple.agency_x.pk}, ["BHZ-0001", "UDI-0001"]),
        ({"carrier": priced_simple.carrier_b.pk}, ["UDI-0001"]),
        ({"carrier": priced_simple.carrier_a.pk}, ["BHZ-0001", "CTG-0001", "UDI-0001"]),
        ({"lot": priced_simple.lot_metro.pk}, ["BHZ-0001", "CTG-0001"]),
        ({"q": "bhz"}, ["BHZ-0001"]),
    ]
    for params, expected in cases:
        assert rows(client.get(STATEMENT_URL, params)) == expected, params
    response = client.get(STATEMENT_URL, {"lot": priced_simple.lot_metro.pk})
    totals = response.context["totals"]
    assert (totals["amount_due"], totals["discount"], totals["net"]) == (
        D("1811.04"),
        D("3.04"),
        D("1808.00"),
    )
    assert "R$ 1.808,00" in response.content.decode()


@pytest.mark.django_db
def test_statement_paginates_and_totals_every_page(client, personas, priced_simple):
    LinkFactory.create_batch(52, lot=priced_simple.lot_metro, agency=priced_simple.agency_y)
    compute(2026, 10, NOVEMBER_END)
    client.force_login(personas.billing)
    response = client.get(STATEMENT_URL)
    assert len(rows(response)) == 50
    assert response.context["totals"]["amount_due"] == D("905.52") * 54 + D("1234.57")
    assert "Página 1 de 2" in response.content.decode()
    assert len(rows(client.get(STATEMENT_URL, {"page": 2}))) == 5


def statement_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(STATEMENT_URL, {"lot": ""}).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_statement_query_count_does_not_grow_with_lines(
    client, personas, priced_simple, october_with_outage
):
    client.force_login(personas.carrier_a)
    few = statement_queries(client)
    LinkFactory.create_batch(20, lot=priced_simple.lot_metro, agency=priced_simple.agency_y)
    LinkFactory.create_batch(
        20,
        lot=priced_simple.lot_interior,
        agency=priced_simple.agency_x,
        municipality=priced_simple.link_x_interior.municipality,
    )
    compute(2026, 10, NOVEMBER_END)
    assert statement_queries(client) == few
    # Session, user, roles, period, totals, count, rows, shares, their carriers and the three
    # filter choice lists.
    assert few <= 12


@pytest.mark.django_db
def test_periods_page_query_count_does_not_grow_with_months(client, personas, priced_simple):
    compute(2026, 10, NOVEMBER_END)
    client.force_login(personas.manager_x)
    with CaptureQueriesContext(connection) as one_month:
        client.get(PERIODS_URL)
    for month in (7, 8, 9):
        compute(2026, month, NOVEMBER_END)
    with CaptureQueriesContext(connection) as four_months:
        client.get(PERIODS_URL)
    assert len(four_months) == len(one_month)


def export(client, user, fmt: str, **params):
    url = reverse("billing:statement-export", args=["2026-10", fmt])
    response = get_as(client, user, url, **params)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="demonstrativo-2026-10.{fmt}"'
    return response


@pytest.mark.django_db
def test_csv_export_of_the_filtered_statement(client, personas, priced_simple, october_with_outage):
    content = export(client, personas.manager_x, "csv").content
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    by_circuit = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert list(by_circuit) == ["BHZ-0001", "UDI-0001"]  # never another agency's line
    bhz = by_circuit["BHZ-0001"]
    assert (bhz["Valor devido"], bhz["Desconto por indisponibilidade"], bhz["Valor líquido"]) == (
        "905,52",
        "3,04",
        "902,48",
    )
    assert bhz["Minutos descontados"] == "150"
    assert by_circuit["UDI-0001"]["Consórcio"] == "Beta Net (60.00%) / Alfa Telecom (40.00%)"
    filtered = export(client, personas.billing, "csv", q="CTG").content.decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(filtered), delimiter=";")] == [
        "Designação",
        "CTG-0001",
    ]


@pytest.mark.django_db
def test_xlsx_export_has_number_cells(client, personas, priced_simple, october_with_outage):
    response = export(client, personas.billing, "xlsx", agency=priced_simple.agency_x.pk)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    header = values[0]
    assert [row[0] for row in values[1:]] == ["BHZ-0001", "UDI-0001"]
    discount = sheet.cell(2, header.index("Desconto por indisponibilidade") + 1)
    assert (discount.value, discount.number_format) == (3.04, "#,##0.00")


@pytest.mark.django_db
def test_unknown_export_format_and_month_are_404(client, personas, october_with_outage):
    client.force_login(personas.billing)
    assert client.get(reverse("billing:statement-export", args=["2026-10", "pdf"])).status_code == (
        404
    )
    assert client.get(reverse("billing:statement", args=["2025-01"])).status_code == 404


@pytest.mark.django_db
def test_line_page_writes_out_the_worked_example(
    client, personas, priced_simple, october_with_outage
):
    response = get_as(
        client, personas.billing, line_url(october_with_outage, priced_simple.link_x_metro)
    )
    html = response.content.decode()
    [segment] = response.context["explanation"]["segments"]
    assert (segment.minutes, segment.counted_minutes, segment.price) == (44640, 150, D("905.52"))
    assert f"R$ 905,52 {TIMES} 44.640 min / 44.640 min = 905,5200" in html
    assert f"R$ 905,52 {TIMES} 150 min / 44.640 min = 3,0427" in html
    assert "Soma 3,0427, arredondada: <strong>R$ 3,04</strong>" in html
    assert "= Valor líquido" in html
    [counted] = response.context["outages"]
    assert f'href="/indisponibilidades/{counted.pk}/"' in html


@pytest.mark.django_db
def test_line_page_shows_the_consortium_split(client, personas, priced_simple, october_with_outage):
    response = get_as(
        client, personas.carrier_b, line_url(october_with_outage, priced_simple.link_x_interior)
    )
    shares = response.context["shares"]
    split = [(s.carrier.code, s.net) for s in shares]
    assert split == [("beta", D("740.74")), ("alfa", D("493.83"))]
    assert (
        sum(s.net for s in shares)
        == line_of(october_with_outage, priced_simple.link_x_interior).net
    )
    assert "Divisão do consórcio" in response.content.decode()


@pytest.mark.django_db
def test_line_page_lists_its_corrections(client, personas, priced_simple, october_with_outage):
    services.period_close(period=october_with_outage, user=personas.billing, now=NOVEMBER_END)
    outage(priced_simple.link_x_metro, local(2026, 10, 20, 8, 0), local(2026, 10, 20, 9, 0))
    november = compute(2026, 11)
    [correction] = Correction.objects.all()
    client.force_login(personas.billing)
    html = client.get(line_url(november, priced_simple.link_x_metro)).content.decode()
    assert correction.reason in html
    assert "R$ 1,22" in html
    html = client.get(line_url(october_with_outage, priced_simple.link_x_metro)).content.decode()
    assert "10/2026 (esta competência)" in html


@pytest.mark.django_db
def test_month_overview_totals_by_carrier_member_lot_and_agency(
    client, personas, priced_simple, october_with_outage
):
    context = get_as(client, personas.billing, OVERVIEW_URL).context

    def nets(key: str) -> dict:
        return {row["label"]: row["net"] for row in context[key]}

    assert nets("by_carrier") == {"Alfa Telecom": D("1808.00"), "Beta Net": D("1234.57")}
    assert nets("by_member") == {"Alfa Telecom": D("2301.83"), "Beta Net": D("740.74")}
    assert nets("by_lot") == {1: D("1808.00"), 2: D("1234.57")}
    assert nets("by_agency") == {"SEE": D("905.52"), "SEF": D("2137.05")}
    assert context["totals"]["net"] == D("3042.57")


@pytest.mark.django_db
def test_billing_staff_find_billing_in_the_menu_and_on_the_home(
    client, personas, october_with_outage
):
    response = get_as(client, personas.billing, reverse("home"))
    assert "Faturamento" in [group.label for group in response.context["nav_groups"]]
    assert "Competência 10/2026" in response.content.decode()
    assert response.context["billing"]["period"] == october_with_outage
    noc = get_as(client, personas.noc, reverse("home"))
    assert "Faturamento" not in [group.label for group in noc.context["nav_groups"]]
    assert noc.context["billing"] is None
