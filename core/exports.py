"""Exports of lists as files that Excel in pt-BR opens as they are: CSV with `;`, decimal comma
and a UTF-8 BOM, and XLSX with real number and date cells. Every row is exported, not a page.

Text typed by people (addresses, circuit ids, references) is hostile until proven otherwise: a
text cell that a spreadsheet would read as a formula is neutralised here, once, for every list
(`neutralise`; docs/security.md, "Exports")."""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], object]  # takes the row of its own table (a link, a line, ...)
    width: int = 14  # XLSX column width, in characters


def _local(value: datetime) -> datetime:
    """The local wall time without an offset: spreadsheets know no time zones."""
    return timezone.localtime(value).replace(tzinfo=None)


# A spreadsheet reads a cell that begins with one of these as a formula (or, for tab and carriage
# return, may drop them and read what follows as one): OWASP's "CSV injection" list.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text as a spreadsheet shows it and never evaluates: a leading single quote before a
    formula trigger, as OWASP recommends. Only text passes here: numbers stay numbers."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{_local(value):%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    if isinstance(value, int | float):
        return str(value)
    return neutralise(str(value))


def rows_to_csv(columns: list[Column], rows: Iterable[object]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([column.header for column in columns])
    for row in rows:
        writer.writerow([_csv_cell(column.value(row)) for column in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(value: object) -> tuple[object, str | None]:
    """The cell value and its number format (None: a text cell, or empty)."""
    if value is None:
        return None, None
    if isinstance(value, datetime):
        return _local(value), "DD/MM/YYYY HH:MM"
    if isinstance(value, date):
        return value, "DD/MM/YYYY"
    if isinstance(value, Decimal):
        return value, "#,##0.00"
    if isinstance(value, bool | int | float):
        return value, None
    # Characters XML 1.0 cannot carry would make openpyxl refuse the whole file.
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value))), None


def rows_to_xlsx(columns: list[Column], rows: Iterable[object], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([column.header for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(columns):
        sheet.column_dimensions[sheet.cell(1, index + 1).column_letter].width = column.width
    for row_number, row in enumerate(rows, start=2):
        for column_number, column in enumerate(columns, start=1):
            value, number_format = _xlsx_cell(column.value(row))
            cell = sheet.cell(row_number, column_number, value)
            if number_format:
                cell.number_format = number_format
            elif isinstance(value, str):
                # openpyxl turns "=..." into a formula and "#N/A" into an error by itself.
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_response(
    columns: list[Column], rows: Iterable[object], *, fmt: str, title: str, filename: str
) -> HttpResponse:
    """A list page's export as a download: `fmt` is "csv" or "xlsx" (anything else is a 404);
    `filename` has no extension."""
    if fmt not in EXPORT_TYPES:
        raise Http404("Formato de exportação desconhecido")
    content = (
        rows_to_csv(columns, rows) if fmt == "csv" else rows_to_xlsx(columns, rows, title=title)
    )
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
