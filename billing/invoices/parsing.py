"""Reading an invoice file in its carrier's layout (`InvoiceLayout`): pure, no database. Errors
are collected, never raised, as `file:line: column: what is wrong`, so one run reports every bad
line (core.csvimport.ErrorLog)."""

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from core.csvimport import WHOLE_ROW, ErrorLog
from core.money import parse_decimal

CIRCUIT = "circuito"
AMOUNT = "valor"


@dataclass(frozen=True)
class Layout:
    """What `read_invoice` needs of an InvoiceLayout (a model instance will do)."""

    encoding: str
    delimiter: str
    decimal_comma: bool
    header_rows: int
    footer_rows: int
    circuit_column: int
    amount_column: int
    circuit_pattern: str


@dataclass(frozen=True)
class BilledLine:
    line: int  # physical line of the file, from 1
    circuit_id: str
    amount: Decimal
    fields: tuple[str, ...]


def read_invoice(layout: Layout, data: bytes, name: str, log: ErrorLog) -> list[BilledLine]:
    """The billed lines of a file, in order. Blank lines are skipped; every bad line is logged
    (and left out), so the caller imports only when the log is empty."""
    try:
        text = data.decode(layout.encoding)
    except UnicodeDecodeError as exc:
        log.add(name, 1, WHOLE_ROW, f"o arquivo não está em {layout.encoding} ({exc.reason})")
        return []
    pattern = re.compile(layout.circuit_pattern) if layout.circuit_pattern else None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=layout.delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        while True:
            line = reader.line_num + 1
            fields = next(reader, None)
            if fields is None:
                break
            rows.append((line, fields))
    except csv.Error as exc:
        log.add(name, reader.line_num, WHOLE_ROW, f"CSV malformado ({exc})")
        return []
    end = len(rows) - layout.footer_rows
    data_rows = [
        row for row in rows[layout.header_rows : max(end, 0)] if any(f.strip() for f in row[1])
    ]
    if not data_rows:
        log.add(name, layout.header_rows + 1, WHOLE_ROW, "nenhuma linha de dados no arquivo")
    result = []
    for line, fields in data_rows:
        parsed = _line(layout, pattern, name, line, fields, log)
        if parsed is not None:
            result.append(parsed)
    return result


def _line(
    layout: Layout,
    pattern: re.Pattern | None,
    name: str,
    line: int,
    fields: list[str],
    log: ErrorLog,
) -> BilledLine | None:
    needed = max(layout.circuit_column, layout.amount_column)
    if len(fields) < needed:
        log.add(name, line, WHOLE_ROW, f"{len(fields)} campos; o leiaute lê até a coluna {needed}")
        return None
    circuit_text = fields[layout.circuit_column - 1].strip()
    circuit = circuit_text
    if pattern is not None:
        match = pattern.search(circuit_text)
        circuit = match.group(1).strip() if match else ""
        if not circuit:
            log.add(name, line, CIRCUIT, f"'{circuit_text}' não segue o padrão do circuito")
            return None
    elif not circuit:
        log.add(name, line, CIRCUIT, "campo obrigatório vazio")
        return None
    amount_text = fields[layout.amount_column - 1]
    try:
        amount = parse_decimal(amount_text, decimal_comma=layout.decimal_comma)
    except ValueError as exc:
        log.add(name, line, AMOUNT, str(exc))
        return None
    if amount != amount.quantize(Decimal("0.01")):
        log.add(name, line, AMOUNT, f"'{amount_text.strip()}' tem mais de duas casas decimais")
        return None
    return BilledLine(line, circuit.upper(), amount.quantize(Decimal("0.01")), tuple(fields))
