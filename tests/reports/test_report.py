"""An agency's technical report of a month: its figures are the statement's, its PDF says them
(read back with pdftotext), every page's header names the agency and the month and numbers the
page, and the PDF fetches nothing but the project's static files."""

from decimal import Decimal

import pytest
from django.core.exceptions import SuspiciousFileOperation
from weasyprint.urls import URLFetchingError

from billing.models import Correction
from billing.reports.pdf import agency_report_pdf
from billing.reports.selectors import agency_report
from billing.selectors import statement_document
from core.templatetags.formatting import brl, number_br
from redegov.pdf import StaticFilesFetcher
from tests.inventory.factories import (
    LinkFactory,
    PriceItemFactory,
)
from tests.support.billing import compute, outage
from tests.support.reports import pdf_pages
from tests.support.time import local


def report_of(period, agency):
    return agency_report(period=period, agency=agency, now=local(2026, 11, 2, 14, 5))


@pytest.mark.django_db
def test_the_report_holds_the_agencys_lines_totals_per_carrier_and_rules(october_closed, network):
    report = report_of(october_closed, network.agency_x)
    assert [line.link.circuit_id for line in report.lines] == ["BHZ-0001", "UDI-0001"]
    metro = report.lines[0]
    assert (metro.amount_due, metro.outage_minutes, metro.discount, metro.net) == (
        Decimal("905.52"),
        150,
        Decimal("3.04"),
        Decimal("902.48"),
    )
    assert report.totals["amount_due"] == Decimal("2140.09")
    # Alfa gets BHZ-0001 whole and 40% of UDI-0001; Beta 60% of it.
    carriers = {row["label"]: row for row in report.by_carrier}
    assert carriers["Alfa Telecom"]["amount_due"] == Decimal("905.52") + Decimal("493.83")
    assert carriers["Beta Net"]["amount_due"] == Decimal("740.74")
    assert sum(row["net"] for row in report.by_carrier) == report.totals["net"]
    [rule] = report.rules
    assert (rule.rule, rule.contract, rule.divisor, rule.fixed_divisor) == (
        metro.inputs["rule"],
        network.contract.number,
        44_640,
        False,
    )
    assert not report.preview
    assert report.filename == "relatorio-tecnico-2026-10-SEF.pdf"


@pytest.mark.django_db
def test_the_pdf_says_every_figure_of_the_statement(october_closed, network):
    pages = pdf_pages(agency_report_pdf(report_of(october_closed, network.agency_x)))
    text = "\n".join(pages)
    document = statement_document(
        period=october_closed,
        lines=october_closed.lines.filter(agency=network.agency_x).order_by("link"),
    )
    for line in document["lines"]:
        [row] = [row for row in text.splitlines() if line["circuit_id"] in row and "R$" in row]
        assert number_br(line["outage_minutes"]) in row
        for name in ("amount_due", "discount", "imr_adjustment", "fines", "corrections", "net"):
            assert brl(Decimal(line[name])) in row, (line["circuit_id"], name, row)
    [total] = [row for row in text.splitlines() if row.strip().startswith("Total (2 acessos)")]
    for name, value in document["totals"].items():
        assert brl(Decimal(value)) in total, name
    assert "CTG-0001" not in text  # agency Y's link
    assert "Alfa Telecom" in text and "Beta Net" in text
    assert "(regra de novembro de 2026)" in text and "dominio-5" not in text
    assert "44.640 minutos" in text
    assert "meio centavo para cima" in text
    assert "Aguardando atestado" in text


@pytest.mark.django_db
def test_every_page_header_names_the_agency_and_the_month_and_numbers_the_page(
    priced_simple, network
):
    LinkFactory.create_batch(90, lot=priced_simple.lot_metro, agency=network.agency_x)
    period = compute(2026, 10, now=local(2026, 11, 1, 9, 0))
    pages = pdf_pages(agency_report_pdf(report_of(period, network.agency_x)))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        header = page.strip().splitlines()[0]
        assert "Relatório técnico (prévia) · SEF · Secretaria de Estado de Fazenda" in header
        assert f"Competência 10/2026 (prévia) · Página {number} de {len(pages)}" in header


@pytest.mark.django_db
def test_the_report_lists_corrections_posted_in_the_month_and_later_against_it(
    october_closed, network
):
    # An outage imported late into closed October becomes a correction posted in November.
    outage(network.link_x_metro, local(2026, 10, 20, 8, 0), local(2026, 10, 20, 9, 0))
    november = compute(2026, 11, now=local(2026, 11, 25, 10, 0))
    correction = Correction.objects.get()
    assert (correction.period, correction.corrects) == (november, october_closed)

    later = report_of(october_closed, network.agency_x).later_corrections
    assert later == [correction]
    assert report_of(october_closed, network.agency_y).later_corrections == []
    posted = report_of(november, network.agency_x)
    assert posted.corrections == [correction]
    assert posted.preview
    text = "\n".join(pdf_pages(agency_report_pdf(posted)))
    assert "Lançadas nesta competência" in text
    [row] = [row for row in text.splitlines() if "Recálculo" in row]
    assert "BHZ-0001" in row and "10/2026" in row and brl(correction.amount) in row


def test_the_pdf_fetcher_serves_static_files_and_refuses_anything_else():
    fetcher = StaticFilesFetcher()
    css = fetcher.fetch("http://127.0.0.1:8000/static/css/reports-pdf.css")
    assert b"@page" in css.read()
    for url in (
        "https://fonts.example.com/font.woff2",
        "file:///etc/passwd",
        "http://127.0.0.1:8000/media/tarefas/x.zip",
    ):
        with pytest.raises(URLFetchingError, match="recusado"):
            fetcher.fetch(url)
    with pytest.raises(SuspiciousFileOperation):
        fetcher.fetch("http://127.0.0.1:8000/static/../redegov/settings.py")


@pytest.mark.django_db
def test_lots_numbered_1_in_two_contracts_are_two_groups_of_the_report(
    priced_simple, network, second_phase_lot_1
):
    """Contract 2 (a new phase) has its own lot 1, won by Alfa like contract 1's lot 1. Agency
    X's October lines: BHZ-0001 and BHZ-0003 in contract 1's lot 1, BHZ-0002 in contract 2's lot
    1 (R$ 905,52 each), UDI-0001 in the consortium lot 2. The report has three groups (each lot
    once, its lines together, its sums its own: 1.811,04 and 905,52), not the lines interleaved
    by circuit id into fragments that repeat the lot's sums."""
    lot_1_again = second_phase_lot_1
    PriceItemFactory(lot=lot_1_again, region="metro", monthly_price=Decimal("905.52"))
    LinkFactory(lot=network.lot_metro, agency=network.agency_x, circuit_id="BHZ-0003")
    LinkFactory(lot=lot_1_again, agency=network.agency_x, circuit_id="BHZ-0002")
    october = compute(2026, 10, local(2026, 11, 1, 0, 5))
    report = report_of(october, network.agency_x)
    groups = [
        (g.lot.contract.number, g.lot.number, [line.link.circuit_id for line in g.lines])
        for g in report.groups
    ]
    assert groups == [
        (network.contract.number, 1, ["BHZ-0001", "BHZ-0003"]),
        (network.contract.number, 2, ["UDI-0001"]),
        ("CT-900/2026", 1, ["BHZ-0002"]),
    ]
    assert [g.sums["amount_due"] for g in report.groups if g.lot.number == 1] == [
        Decimal("1811.04"),
        Decimal("905.52"),
    ]
