"""The CSV machinery shared by the imports: encodings, dialects, typed fields, error lines."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from core.csvimport import (
    COMMA,
    SEMICOLON,
    ErrorLog,
    Row,
    decode,
    detect_dialect,
    parse_integer,
    parse_number,
    read_rows,
)
from tests.support.time import SP

COLUMNS = ("code", "name", "value")


def read(tmp_path: Path, content: bytes | str) -> tuple[list[Row], list[str]]:
    path = tmp_path / "things.csv"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    log = ErrorLog()
    rows = list(read_rows(path, columns=COLUMNS, log=log))
    return rows, [str(error) for error in log]


def a_row(values: dict[str, str], dialect=COMMA) -> tuple[Row, ErrorLog]:
    log = ErrorLog()
    return Row("things.csv", 7, dialect, values, log), log


def test_decode_reads_utf8_with_or_without_bom():
    assert decode("Educação".encode()) == "Educação"
    assert decode(b"\xef\xbb\xbf" + "Educação".encode()) == "Educação"


def test_decode_falls_back_to_windows_1252():
    assert decode("Educação \u2013 São João".encode("cp1252")) == "Educação \u2013 São João"


def test_decode_refuses_bytes_that_are_neither():
    with pytest.raises(ValueError, match="nem em Windows-1252"):
        decode(b"caf\xc3 \x81")


def test_dialect_is_told_by_the_header():
    assert detect_dialect("code;name;value") == SEMICOLON
    assert detect_dialect("code,name,value") == COMMA


@pytest.mark.parametrize(
    ("text", "dialect", "expected"),
    [
        ("1234.56", COMMA, "1234.56"),
        ("-0.5", COMMA, "-0.5"),
        ("1.234,56", SEMICOLON, "1234.56"),
        ("1234,56", SEMICOLON, "1234.56"),
        ("R$ 96.055.953,00", SEMICOLON, "96055953.00"),
        ("1.000", SEMICOLON, "1000"),
    ],
)
def test_parse_number_follows_the_dialect(text, dialect, expected):
    assert parse_number(text, dialect) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "dialect", "message"),
    [
        ("1,5", COMMA, "não é um número com ponto decimal"),
        ("226.38", SEMICOLON, "não é um número com vírgula decimal"),
        ("12.34.5", SEMICOLON, "não é um número com vírgula decimal"),
        ("dez", COMMA, "não é um número"),
        ("NaN", COMMA, "não é um número"),
    ],
)
def test_parse_number_refuses_what_the_dialect_does_not_write(text, dialect, message):
    with pytest.raises(ValueError, match=message):
        parse_number(text, dialect)


@pytest.mark.parametrize("text", ["1.000", "1,000", "-3", "2 Mbps", "\uff11\uff12"])
def test_parse_integer_takes_digits_only(text):
    with pytest.raises(ValueError, match="não é um número inteiro"):
        parse_integer(text)


def test_read_rows_yields_fields_by_column_with_their_line(tmp_path):
    rows, errors = read(
        tmp_path,
        'value,code,name\r\n1.5,a,"Alfa, com vírgula"\r\n\r\n2,b,"duas\nlinhas"\r\n3,c,Gama\r\n',
    )

    assert errors == []
    assert [(row.line, row.values) for row in rows] == [
        (2, {"value": "1.5", "code": "a", "name": "Alfa, com vírgula"}),
        (4, {"value": "2", "code": "b", "name": "duas\nlinhas"}),
        (6, {"value": "3", "code": "c", "name": "Gama"}),
    ]
    assert rows[0].dialect == COMMA


def test_read_rows_in_semicolon_dialect_with_quoted_delimiter(tmp_path):
    rows, errors = read(tmp_path, 'code;name;value\na;"Alfa; Beta";1.234,5\n')

    assert errors == []
    assert rows[0].values == {"code": "a", "name": "Alfa; Beta", "value": "1.234,5"}
    assert rows[0].number("value") == Decimal("1234.5")


def test_read_rows_reads_windows_1252(tmp_path):
    rows, errors = read(tmp_path, "code;name;value\nsee;Educação;1\n".encode("cp1252"))

    assert errors == []
    assert rows[0].values["name"] == "Educação"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "things.csv:1: cabeçalho: arquivo vazio; o cabeçalho deve ser code,name,value"),
        (
            "code,nome,value,extra\n",
            "things.csv:1: cabeçalho: faltam as colunas name; colunas desconhecidas nome, extra "
            "(esperado: code,name,value)",
        ),
        (
            "code,name,value,code\n",
            "things.csv:1: cabeçalho: colunas repetidas code (esperado: code,name,value)",
        ),
        (
            b"code,name\n\x81\x8d\n",
            "things.csv:1: cabeçalho: o arquivo não está em UTF-8 nem em Windows-1252",
        ),
    ],
)
def test_read_rows_reports_one_error_for_a_bad_file(tmp_path, content, message):
    rows, errors = read(tmp_path, content)

    assert (rows, errors) == ([], [message])


def test_read_rows_skips_rows_with_the_wrong_number_of_fields(tmp_path):
    rows, errors = read(tmp_path, "code,name,value\na,1,2,3\nb,Beta,2\nc,Gama\n")

    assert [row.values["code"] for row in rows] == ["b"]
    assert errors == [
        "things.csv:2: linha: 4 campos, mas o cabeçalho tem 3",
        "things.csv:4: linha: 2 campos, mas o cabeçalho tem 3",
    ]


def test_read_rows_stops_at_malformed_quoting(tmp_path):
    rows, errors = read(tmp_path, 'code,name,value\na,"Alfa"x,1\nb,Beta,2\n')

    assert rows == []
    assert errors == [
        "things.csv:2: linha: CSV malformado (',' expected after '\"'); o resto do arquivo foi "
        "ignorado"
    ]


def test_row_readers_return_typed_values():
    row, log = a_row(
        {
            "n": " 42 ",
            "d": "2024-02-29",
            "i": "2024-03-01T00:00:59",
            "z": "2024-03-01T03:00:00+00:00",
            "c": "metro",
            "v": "1.234,56",
            "e": "",
        },
        SEMICOLON,
    )

    assert row.integer("n", minimum=1) == 42
    assert row.date("d") == date(2024, 2, 29)
    assert row.instant("i") == datetime(2024, 3, 1, 0, 0, 59, tzinfo=SP)
    assert row.instant("z") == datetime(2024, 3, 1, 0, 0, tzinfo=SP)
    assert row.choice("c", ["metro", "interior"]) == "metro"
    assert row.number("v") == Decimal("1234.56")
    assert row.text("e", required=False) == ""
    assert row.instant("e", required=False) is None
    assert row.ok
    assert list(log) == []


def test_row_records_every_bad_column_and_returns_none():
    row, log = a_row(
        {"n": "0", "d": "29/02/2024", "c": "rural", "v": "1,5", "e": " ", "i": "ontem"}
    )

    assert row.integer("n", minimum=1) is None
    assert row.date("d") is None
    assert row.choice("c", ["metro", "interior"]) is None
    assert row.number("v") is None
    assert row.text("e") == ""
    assert row.instant("i", required=False) is None

    assert not row.ok
    assert [str(error) for error in log] == [
        "things.csv:7: n: deve ser ao menos 1",
        "things.csv:7: d: '29/02/2024' não é uma data ISO 8601 (aaaa-mm-dd)",
        "things.csv:7: c: 'rural' não é válido; use metro ou interior",
        "things.csv:7: v: '1,5' não é um número com ponto decimal",
        "things.csv:7: e: campo obrigatório vazio",
        "things.csv:7: i: 'ontem' não é uma data/hora ISO 8601",
    ]
