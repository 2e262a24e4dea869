"""Lists exported as spreadsheets, safe to open: no cell is ever run as a formula."""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

# A spreadsheet treats text beginning with these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One column of a list, declared once for its page and its CSV and XLSX exports.

    `value` gives the exported value; on the page the cell shows it in its `format` ("text": as
    written, a dash when empty; "num": 1,234.50; "area": m² with 亩 beside), or renders the
    template `cell` (with `row`, `column` and `value`) for links and badges.
    """

    key: str
    label: str
    value: Callable
    sort: str | None = None  # the ordering the list sorts this column by, if it can
    in_table: bool = True  # False: exported, but folded into another column on the page
    format: str = "text"  # text | num | area: how the page shows the value, and its XLSX number format
    cell: str | None = None  # a template for the page's cell, when a value alone will not do
    css: str = ""  # the page cell's classes beyond its alignment
    align: str = ""  # "num": right-aligned, header and cells; numbers and areas are by default

    def __post_init__(self):
        if not self.align and self.format in ("num", "area"):
            object.__setattr__(self, "align", "num")

    @property
    def td_class(self) -> str:
        return " ".join(c for c in (self.align, self.css) if c)


XLSX_NUMBER_FORMATS = {"num": "#,##0.00", "area": "#,##0.00"}


def neutralise(value):
    """Text that a spreadsheet would run is prefixed with an apostrophe; numbers and dates stay."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal | int | float):
        return value
    return str(value)


def _spreadsheet_text(value):
    """Control characters pasted from other programs cannot be stored in an XLSX cell; drop them."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def xlsx_cells(sheet, values: Iterable) -> list:
    """Cells for one row of `sheet`: text stays text exactly as written, never a formula.

    Every workbook Parkland writes builds its rows here, so a name or location that begins with
    `=`, `+`, `-` or `@` is shown as written and never run. Numbers and dates stay numbers and dates.
    """
    from openpyxl.cell.cell import Cell

    cells = []
    for value in values:
        cell = Cell(sheet, value=_spreadsheet_text(value))
        if isinstance(cell.value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells


def append_xlsx_row(sheet, values: Iterable) -> list:
    """Append one row of `xlsx_cells` and return its cells (for styling without rescanning the sheet)."""
    cells = xlsx_cells(sheet, values)
    sheet.append(cells)
    return cells


def csv_response(columns: list[Column], rows: Iterable, filename: str) -> HttpResponse:
    """UTF-8 with a BOM so that Excel reads the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(c.label) for c in columns])
    for row in rows:
        writer.writerow([neutralise(_plain(c.value(row))) for c in columns])
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(columns: list[Column], rows: Iterable, filename: str, *, title: str) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for cell in append_xlsx_row(sheet, [str(c.label) for c in columns]):
        cell.font = Font(bold=True)
    formats = [XLSX_NUMBER_FORMATS.get(c.format) for c in columns]
    for row in rows:
        for cell, number_format in zip(
            append_xlsx_row(sheet, [_plain(c.value(row)) for c in columns]), formats, strict=True
        ):
            if number_format and not isinstance(cell.value, str):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
            10, min(40, len(str(column.label)) * 2 + 4)
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
