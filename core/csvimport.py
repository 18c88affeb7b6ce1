"""Reading the portal's CSV imports (docs/import.md): the encodings, the two dialects, typed
fields and error reporting that every import shares (inventory now, outages next).

A file is UTF-8 (a BOM is fine) or, when it is not valid UTF-8, Windows-1252 (what Excel saves
in pt-BR). Its header line tells the dialect: semicolon-delimited means decimal comma
("1.234,56"), otherwise comma-delimited with decimal point ("1234.56"). Errors are collected,
never raised, so that one run reports every bad row as `file:line: column: what is wrong`.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from django.core.exceptions import ValidationError

from core.instants import parse_date, parse_instant
from core.money import parse_decimal

T = TypeVar("T")

HEADER = "cabeçalho"
WHOLE_ROW = "linha"


@dataclass(frozen=True)
class Dialect:
    """How a file writes its fields and numbers."""

    delimiter: str
    decimal_comma: bool


COMMA = Dialect(delimiter=",", decimal_comma=False)
SEMICOLON = Dialect(delimiter=";", decimal_comma=True)


@dataclass(frozen=True)
class RowError:
    """One thing wrong in an imported file; line 1 is the header."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


@dataclass
class ErrorLog:
    """Every error of one import run, in the order found."""

    errors: list[RowError] = field(default_factory=list)

    def add(self, file: str, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(file, line, column, message))

    def __len__(self) -> int:
        return len(self.errors)

    def __iter__(self) -> Iterator[RowError]:
        return iter(self.errors)


def decode(data: bytes) -> str:
    """The text of a file in UTF-8 (with or without a BOM) or, failing that, Windows-1252.

    Raises ValueError when it is neither.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ValueError("o arquivo não está em UTF-8 nem em Windows-1252") from exc


def detect_dialect(header_line: str) -> Dialect:
    """Column names never hold a delimiter, so a semicolon in the header tells the dialect."""
    return SEMICOLON if ";" in header_line else COMMA


def parse_number(text: str, dialect: Dialect) -> Decimal:
    """A decimal in the file's dialect: "1234.56" or, with decimal comma, "1.234,56"."""
    return parse_decimal(text, decimal_comma=dialect.decimal_comma)


def parse_integer(text: str) -> int:
    """Digits only: in either dialect "1.000" would be ambiguous, so no separators at all."""
    cleaned = text.strip()
    if not cleaned.isdigit() or not cleaned.isascii():
        raise ValueError(f"'{text}' não é um número inteiro (somente dígitos)")
    return int(cleaned)


@dataclass
class Row:
    """One data row of a file: its fields by column name and typed readers that record what
    is wrong (and return None) instead of raising, so every bad column of a row is reported.
    Check `ok` before using the values."""

    file: str
    line: int
    dialect: Dialect
    values: dict[str, str]
    log: ErrorLog
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def error(self, column: str, message: str) -> None:
        self.error_count += 1
        self.log.add(self.file, self.line, column, message)

    def text(self, column: str, *, required: bool = True, max_length: int | None = None) -> str:
        value = self.values[column].strip()
        if required and not value:
            self.error(column, "campo obrigatório vazio")
        if max_length is not None and len(value) > max_length:
            self.error(column, f"texto com {len(value)} caracteres; o máximo é {max_length}")
        return value

    def parse(self, column: str, parser: Callable[[str], T], *, required: bool = True) -> T | None:
        """`parser` of the field's text, None when empty; the parser's ValueError or
        ValidationError message (pt-BR) becomes the row's error."""
        text = self.text(column, required=required)
        if not text:
            return None
        try:
            return parser(text)
        except ValueError as exc:
            self.error(column, str(exc))
        except ValidationError as exc:
            for message in exc.messages:
                self.error(column, message)
        return None

    def number(self, column: str, *, required: bool = True) -> Decimal | None:
        return self.parse(column, lambda text: parse_number(text, self.dialect), required=required)

    def integer(self, column: str, *, minimum: int = 0, required: bool = True) -> int | None:
        value = self.parse(column, parse_integer, required=required)
        if value is not None and value < minimum:
            self.error(column, f"deve ser ao menos {minimum}")
            return None
        return value

    def date(self, column: str, *, required: bool = True) -> date | None:
        return self.parse(column, parse_date, required=required)

    def instant(self, column: str, *, required: bool = True) -> datetime | None:
        return self.parse(column, parse_instant, required=required)

    def choice(self, column: str, allowed: Iterable[str], *, required: bool = True) -> str | None:
        options = list(allowed)

        def pick(text: str) -> str:
            if text not in options:
                raise ValueError(f"'{text}' não é válido; use {_alternatives(options)}")
            return text

        return self.parse(column, pick, required=required)


def _alternatives(options: list[str]) -> str:
    return " ou ".join([", ".join(options[:-1]), options[-1]] if len(options) > 1 else options)


def read_rows(path: Path, *, columns: Sequence[str], log: ErrorLog) -> Iterator[Row]:
    """The data rows of a CSV file whose header holds exactly `columns` (in any order).

    A file that cannot be read, or whose header is wrong, gets one error and yields nothing;
    a row with the wrong number of fields gets an error and is skipped; blank rows are skipped.
    `Row.line` is the physical line where the row starts (a quoted field may span lines).
    """
    name = path.name
    try:
        text = decode(path.read_bytes())
    except ValueError as exc:
        log.add(name, 1, HEADER, str(exc))
        return
    dialect = detect_dialect(text.partition("\n")[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter, strict=True)
    header = [column.strip() for column in next(reader, [])]
    problem = _header_problem(header, columns)
    if problem:
        log.add(name, 1, HEADER, problem)
        return
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            log.add(
                name, line, WHOLE_ROW, f"CSV malformado ({exc}); o resto do arquivo foi ignorado"
            )
            return
        if not any(value.strip() for value in fields):
            continue
        if len(fields) != len(header):
            log.add(
                name, line, WHOLE_ROW, f"{len(fields)} campos, mas o cabeçalho tem {len(header)}"
            )
            continue
        yield Row(name, line, dialect, dict(zip(header, fields, strict=True)), log)


def _header_problem(header: list[str], columns: Sequence[str]) -> str:
    if not any(header):
        return f"arquivo vazio; o cabeçalho deve ser {','.join(columns)}"
    problems = []
    missing = [column for column in columns if column not in header]
    extra = [column for column in header if column not in columns]
    repeated = sorted({column for column in header if header.count(column) > 1})
    if missing:
        problems.append(f"faltam as colunas {', '.join(missing)}")
    if extra:
        problems.append(f"colunas desconhecidas {', '.join(extra)}")
    if repeated:
        problems.append(f"colunas repetidas {', '.join(repeated)}")
    if problems:
        return "; ".join(problems) + f" (esperado: {','.join(columns)})"
    return ""
