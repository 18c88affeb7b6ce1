"""Billing staff preview and import a carrier's invoice, contest a difference, and the carrier
answers it, in chromium."""

import pytest
from playwright.sync_api import expect

from tests.support.invoices import ALFA_WITH_EVERY_DIFFERENCE

pytestmark = pytest.mark.e2e


def test_staff_import_and_contest_then_the_carrier_answers(
    login,
    personas,
    october_invoiced,
    comma_layout,
    live_server,
    tmp_path,
):
    invoice_file = tmp_path / "alfa-2026-10.csv"
    invoice_file.write_text(ALFA_WITH_EVERY_DIFFERENCE, encoding="utf-8")
    page = login("ugs")
    page.goto(f"{live_server.url}/faturamento/2026-10/")
    page.get_by_role("link", name="Faturas das operadoras").click()
    page.get_by_label("Operadora").select_option(label="Alfa Telecom")
    page.get_by_label("Número da fatura").fill("ALFA-10/2026")
    page.get_by_label("Arquivo da fatura (CSV ou TXT)").set_input_files(invoice_file)
    page.get_by_role("button", name="Pré-visualizar").click()
    expect(page.locator("#previa tbody tr")).to_have_count(5)
    page.get_by_role("button", name="Importar fatura").click()
    expect(page.locator(".messages")).to_contain_text("5 divergências")

    row = page.locator("#divergencias tbody tr", has_text="CTG-0001")
    expect(row).to_contain_text("Valor diferente do devido")
    # A negative move, confirmed in a dialog (static/js/confirm.js) with its reason.
    row.locator("details.confirm > summary", has_text="Contestar").click()
    dialog = page.get_by_role("dialog", name="Contestar")
    dialog.get_by_label("Motivo").fill("O preço do lote 1 é R$ 905,52.")
    dialog.get_by_label("Confirmo: esta ação não pode ser desfeita.").check()
    dialog.get_by_role("button", name="Contestar").click()
    expect(page.locator(".messages")).to_contain_text("Divergência CTG-0001: Contestada.")
    detail = page.url

    page.context.clear_cookies()
    page = login("alfa")
    todo = page.locator("#a-fazer")
    expect(todo).to_contain_text("1 divergência contestada, a responder")
    todo.get_by_role("link", name="Fatura ALFA-10/2026 de Alfa Telecom").click()
    assert page.url.split("#")[0] == detail
    row = page.locator("#divergencias tbody tr", has_text="CTG-0001")
    row.get_by_label("Responder: texto").fill("Reajuste anual aplicado.")
    row.get_by_role("button", name="Responder").click()
    expect(row).to_contain_text("Respondida pela operadora")
    expect(row).to_contain_text("Reajuste anual aplicado.")
