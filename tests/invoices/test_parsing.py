"""Reading invoice files in each carrier's own layout: both dialects, Windows-1252, a header of
several lines and a footer, amounts as "1.234,56", a circuit found inside its field; and every
bad line reported as file:line: column: what is wrong."""

from decimal import Decimal

from billing.invoices.parsing import Layout, read_invoice
from core.csvimport import ErrorLog

D = Decimal


def layout(**changes) -> Layout:
    base = {
        "encoding": "utf-8-sig",
        "delimiter": ",",
        "decimal_comma": False,
        "header_rows": 1,
        "footer_rows": 0,
        "circuit_column": 1,
        "amount_column": 2,
        "circuit_pattern": "",
    }
    return Layout(**{**base, **changes})


def read(spec: Layout, data: bytes) -> tuple[list[tuple[int, str, Decimal]], list[str]]:
    log = ErrorLog()
    lines = read_invoice(spec, data, "fatura.csv", log)
    return [(line.line, line.circuit_id, line.amount) for line in lines], [str(e) for e in log]


def test_comma_dialect_with_decimal_point():
    data = b"circuito,valor\nBHZ-0001,905.52\nctg-0001 , 1234.5\n\n"
    assert read(layout(), data) == (
        [(2, "BHZ-0001", D("905.52")), (3, "CTG-0001", D("1234.50"))],
        [],
    )


def test_windows_1252_semicolons_a_long_header_a_footer_and_a_circuit_inside_its_field():
    text = (
        "Operadora Beta Net - Fatura de Serviços\n"
        "Competência: 10/2026;;;\n"
        "Item;Descrição;Endereço;Valor (R$)\n"
        "1;Circuito UDI-0001 - Uberlândia;Av. João Naves;1.234,57\n"
        "2;Circuito BHZ-0001 - Belo Horizonte;Rua São Paulo, 10;905,52\n"
        "TOTAL;;;2.140,09\n"
    )
    spec = layout(
        encoding="cp1252",
        delimiter=";",
        decimal_comma=True,
        header_rows=3,
        footer_rows=1,
        circuit_column=2,
        amount_column=4,
        circuit_pattern=r"Circuito\s+([A-Z]{3}-\d{4})",
    )
    assert read(spec, text.encode("cp1252")) == (
        [(4, "UDI-0001", D("1234.57")), (5, "BHZ-0001", D("905.52"))],
        [],
    )


def test_every_bad_line_is_reported_with_its_line_and_column():
    data = (
        b"circuito;valor\n"
        b"BHZ-0001;226.38\n"  # a point with decimal comma is a mistake, not 22638
        b"CTG-0001\n"
        b";10,00\n"
        b"UDI-0001;12,345\n"
        b"XYZ;abc\n"
    )
    lines, errors = read(layout(delimiter=";", decimal_comma=True), data)
    assert lines == []
    assert errors == [
        "fatura.csv:2: valor: '226.38' não é um número com vírgula decimal (ex.: 1.234,56)",
        "fatura.csv:3: linha: 1 campos; o leiaute lê até a coluna 2",
        "fatura.csv:4: circuito: campo obrigatório vazio",
        "fatura.csv:5: valor: '12,345' tem mais de duas casas decimais",
        "fatura.csv:6: valor: 'abc' não é um número",
    ]


def test_a_circuit_that_does_not_follow_the_pattern_is_an_error():
    spec = layout(circuit_pattern=r"CIRC:([A-Z]{3}-\d{4})")
    _, errors = read(spec, b"c,v\nCIRC:BHZ-0001,1.00\nBHZ-0002,1.00\n")
    assert errors == ["fatura.csv:3: circuito: 'BHZ-0002' não segue o padrão do circuito"]


def test_a_file_in_another_encoding_or_without_data_is_refused():
    _, errors = read(layout(), "circuito,valor\nSÃO-0001,1.00\n".encode("cp1252"))
    assert errors[0].startswith("fatura.csv:1: linha: o arquivo não está em utf-8-sig")
    assert read(layout(header_rows=2), b"a,b\nc,d\n")[1] == [
        "fatura.csv:3: linha: nenhuma linha de dados no arquivo"
    ]
