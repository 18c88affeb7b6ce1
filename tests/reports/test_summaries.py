"""Summaries for billing staff and the committee: a contract's months and its totals by carrier,
lot and agency, deductions as % of billing, month over month, charts, the page and the PDF."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.reports.pdf import summary_pdf
from billing.reports.summaries import summary
from billing.selectors import totals
from tests.support.billing import compute, outage
from tests.support.reports import pdf_pages
from tests.support.time import local

SUMMARY = reverse("reports:summary")


@pytest.fixture
def november(october_closed, network):
    """November, open: agency Y's link loses an hour to its carrier."""
    outage(network.link_y_metro, local(2026, 11, 10, 8, 0), local(2026, 11, 10, 9, 0))
    return compute(2026, 11, now=local(2026, 11, 25, 10, 0))


@pytest.mark.django_db
def test_month_over_month_with_deductions_as_a_share_of_billing(october_closed, november, network):
    result = summary(contract=network.contract)
    assert [m.period for m in result.months] == [october_closed, november]
    oct_sums, nov_sums = (m.sums for m in result.months)
    for month, sums in ((october_closed, oct_sums), (november, nov_sums)):
        assert {k: sums[k] for k in totals(month.lines.all())} == totals(month.lines.all())
        assert sums["lines"] == 3
    assert oct_sums["amount_due"] == Decimal("3045.61")
    # 3,04 of 3.045,61: 0,0998% (four decimals, half-up, from the exact fraction).
    assert oct_sums["pct"] == {
        "discount": "0.0998",
        "imr_adjustment": "0.0000",
        "fines": "0.0000",
        "deductions": "0.0998",
    }
    # 905,52 x 60 / 43 200 = 1,2577 -> R$ 1,26 off agency Y's line in November.
    assert nov_sums["discount"] == Decimal("1.26")
    assert nov_sums["pct"]["discount"] == "0.0414"
    assert (result.months[0].change, result.months[1].change) == (None, "0.0000")


@pytest.mark.django_db
def test_totals_by_carrier_lot_and_agency_of_a_month_and_of_the_contracts_life(
    october_closed, november, network
):
    month = summary(contract=network.contract, period=october_closed)
    assert month.scope == "Competência 10/2026"
    assert month.totals["amount_due"] == Decimal("3045.61")
    assert [(r["label"], r["amount_due"]) for r in month.by_carrier] == [
        ("Alfa Telecom", Decimal("905.52") * 2 + Decimal("493.83")),
        ("Beta Net", Decimal("740.74")),
    ]
    assert [(r["label"], r["amount_due"]) for r in month.by_lot] == [
        (1, Decimal("1811.04")),
        (2, Decimal("1234.57")),
    ]
    assert [(r["label"], r["amount_due"], r["discount"]) for r in month.by_agency] == [
        ("SEE", Decimal("905.52"), Decimal("0.00")),
        ("SEF", Decimal("2140.09"), Decimal("3.04")),
    ]
    life = summary(contract=network.contract)
    assert life.scope == "Toda a vigência"
    assert life.totals["amount_due"] == Decimal("6091.22")
    assert life.totals["discount"] == Decimal("4.30")
    assert life.totals["lines"] == 6
    assert [r["lines"] for r in life.by_agency] == [2, 4]
    assert sum(r["net"] for r in life.by_carrier) == life.totals["net"]


@pytest.mark.django_db
def test_the_charts_draw_the_months_and_the_carriers(october_closed, november, network):
    amounts, shares, carriers = summary(contract=network.contract).charts
    assert [tick.label for tick in amounts.x_ticks] == ["10/2026", "11/2026"]
    assert len(amounts.rects) == 4  # two months x (amount due, net)
    assert amounts.rects[0].title == "10/2026 · Valor devido: R$ 3.045,61"
    assert len(shares.rects) == 6
    assert [tick.label for tick in carriers.x_ticks] == ["Alfa Telecom", "Beta Net"]


@pytest.mark.django_db
def test_the_pdf_of_the_summary(october_closed, november, network):
    pages = pdf_pages(summary_pdf(summary(contract=network.contract, period=october_closed)))
    text = "\n".join(pages)
    for number, page in enumerate(pages, start=1):
        header = page.strip().splitlines()[0]
        assert f"Resumo do faturamento · Contrato {network.contract.number}" in header
        assert f"Competência 10/2026 · Página {number} de {len(pages)}" in header
    assert "R$ 3.045,61" in text and "0,10%" in text
    [row] = [line for line in text.splitlines() if line.strip().startswith("SEF ")]
    assert "R$ 2.140,09" in row and "R$ 3,04" in row


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["billing", "committee"])
def test_billing_staff_and_the_committee_read_the_summaries(
    client, october_closed, november, network, personas, persona
):
    client.force_login(getattr(personas, persona))
    html = client.get(SUMMARY, {"competencia": "2026-10"}).content.decode()
    assert "Resumos do faturamento · Competência 10/2026" in html
    assert "R$ 3.045,61" in html and "0,10%" in html
    # Three charts (their legends' colour swatches are small SVGs too: no inline style, CSP).
    assert html.count("<svg") - html.count('<svg class="legend-swatch') == 3
    pdf = client.get(reverse("reports:summary-pdf"), {"competencia": "2026-10"})
    assert pdf["Content-Type"] == "application/pdf"
    assert "R$ 3.045,61" in "\n".join(pdf_pages(pdf.content))
    # An unknown month falls back to the contract's whole life.
    assert "Toda a vigência" in client.get(SUMMARY, {"competencia": "1999-01"}).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["noc", "manager_x", "carrier_a", "outsider"])
def test_the_others_do_not(client, october_closed, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(SUMMARY).status_code == 403
    assert client.get(reverse("reports:summary-pdf")).status_code == 403
