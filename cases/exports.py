"""Lists exported as spreadsheets, safe to open: no cell is ever run as a formula.

Every export is written as it is read, so its time per row and its memory do not grow with the rows:
a queryset is read in chunks (`export_rows`), CSV is streamed to the browser as it is written
(`csv_stream_response`), and every workbook is an openpyxl write-only workbook whose rows go to disk
as they are added (`SheetWriter`).
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

# A spreadsheet treats text beginning with these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows read from the database at a time: one query (a server-side cursor on PostgreSQL), and never
# more than this many model instances in memory at once.
EXPORT_CHUNK = 2000
# CSV rows sent to the browser at a time.
CSV_ROWS_PER_CHUNK = 500


@dataclass(frozen=True)
class Column:
    """One column of a list, declared once for its page and its CSV and XLSX exports.

    `value` gives the exported value; on the page the cell shows it in its `format` ("text": as
    written, a dash when empty; "num": 1,234.50; "area": m² with 亩 beside), or as `cell(row, value)`
    writes it (cases.cells) for links and badges.
    """

    key: str
    label: str
    value: Callable
    sort: str | None = None  # the ordering the list sorts this column by, if it can
    in_table: bool = True  # False: exported, but folded into another column on the page
    format: str = "text"  # text | num | area: how the page shows the value, and its XLSX number format
    cell: Callable | None = None  # the page's cell as HTML (cases.cells), when a value alone will not do
    css: str = ""  # the page cell's classes beyond its alignment
    align: str = ""  # "num": right-aligned, header and cells; numbers and areas are by default

    def __post_init__(self):
        if not self.align and self.format in ("num", "area"):
            object.__setattr__(self, "align", "num")

    @property
    def td_class(self) -> str:
        return " ".join(c for c in (self.align, self.css) if c)


XLSX_NUMBER_FORMATS = {"num": "#,##0.00", "area": "#,##0.00"}
TEXT_FORMAT = "text"  # not a number format: text that must be written as a cell of its own, as text


def export_rows(rows: Iterable) -> Iterable:
    """The rows one by one; a queryset is read in chunks, its instances never all held at once."""
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=EXPORT_CHUNK)
    return rows


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


# CSV ------------------------------------------------------------------------------------------


class _Line:
    """A file for csv.writer that hands back each line instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_chunks(columns: list[Column], rows: Iterable) -> Iterator[bytes]:
    """The CSV in UTF-8 with a BOM (so that Excel reads the Chinese), a few hundred rows at a time."""
    writer = csv.writer(_Line())
    lines = ["\ufeff" + writer.writerow([str(c.label) for c in columns])]
    for row in export_rows(rows):
        lines.append(writer.writerow([neutralise(_plain(c.value(row))) for c in columns]))
        if len(lines) >= CSV_ROWS_PER_CHUNK:
            yield "".join(lines).encode("utf-8")
            lines = []
    if lines:
        yield "".join(lines).encode("utf-8")


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(columns: list[Column], rows: Iterable, filename: str) -> HttpResponse:
    """A short CSV (a document's custody log, a case file's index) as one response."""
    response = HttpResponse(b"".join(csv_chunks(columns, rows)), content_type="text/csv; charset=utf-8")
    return _attachment(response, f"{filename}.csv")


def csv_stream_response(columns: list[Column], rows: Iterable, filename: str) -> StreamingHttpResponse:
    """A list's CSV, streamed while its rows are read."""
    response = StreamingHttpResponse(csv_chunks(columns, rows), content_type="text/csv; charset=utf-8")
    return _attachment(response, f"{filename}.csv")


# XLSX -----------------------------------------------------------------------------------------


def new_workbook():
    """A write-only workbook: each sheet's rows go to a temporary file as they are added."""
    from openpyxl import Workbook

    return Workbook(write_only=True)


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_file_response(content: bytes, filename: str) -> HttpResponse:
    return _attachment(HttpResponse(content, content_type=XLSX_CONTENT_TYPE), filename)


class SheetWriter:
    """One sheet of a write-only workbook, written row by row; text stays text, never a formula.

    Every workbook Parkland writes builds its rows here, so a name or location that begins with
    `=`, `+`, `-` or `@` is shown as written and never run. Numbers and dates stay numbers and
    dates, with the number format given for their column. A write-only sheet writes its head before
    its first row, so the column widths and the frozen rows are given when it is made.
    """

    def __init__(self, workbook, title: str, *, widths: Sequence[float] = (), freeze: str | None = None):
        from openpyxl.utils import get_column_letter

        self.sheet = workbook.create_sheet(title[:31])
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        if freeze:
            self.sheet.freeze_panes = freeze
        # One styled cell per column, value type and format, its value replaced row by row: a
        # write-only sheet writes each row out as it is appended, and a styled cell made anew for
        # every value would cost more than the writing itself.
        self._cells: dict[tuple, object] = {}

    def header(self, labels: Iterable, *, fill: str | None = None, wrap: bool = False, size=None) -> None:
        """The header row (or a title): bold, on a `fill` colour, wrapped if asked."""
        from openpyxl.styles import Alignment, Font, PatternFill

        font = Font(bold=True, size=size) if size else Font(bold=True)
        cells = []
        for label in labels:
            cell = self._new_cell(str(label))
            cell.font = font
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="center")
            cells.append(cell)
        self.sheet.append(cells)

    def row(self, values: Iterable, formats: Sequence[str | None] = (), *, wrap: bool = False) -> None:
        """One row; `formats[i]` is the number format of column i's numbers and dates, if any.

        Plain text and unformatted numbers go in as values, which openpyxl writes through one cell
        of its own; a formatted value, or text that openpyxl would take for a formula or an error,
        goes in as a cell of this sheet's. Empty text leaves its cell empty, as it reads back.
        """
        from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

        cells = []
        for index, value in enumerate(values):
            number_format = formats[index] if index < len(formats) else None
            if isinstance(value, str):
                # Control characters pasted from other programs cannot be stored in a cell: dropped.
                value, number_format = ILLEGAL_CHARACTERS_RE.sub("", value) or None, None
                if value is not None and (value[0] == "=" or value in ERROR_CODES):
                    number_format = TEXT_FORMAT
            if value is None:
                cells.append(None)
            elif number_format or wrap:
                cells.append(self._cell(index, value, number_format, wrap))
            else:
                cells.append(value)
        self.sheet.append(cells)

    def blank(self) -> None:
        self.sheet.append([])

    def _new_cell(self, value):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(self.sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        return cell

    def _cell(self, index: int, value, number_format: str | None, wrap: bool):
        if number_format is TEXT_FORMAT and not wrap:
            # Rare, and unstyled: a cell of its own each time, since openpyxl goes on to use an
            # unstyled cell it is handed for the row's next values.
            return self._new_cell(value)
        key = (index, type(value), number_format, wrap)
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = self._new_cell(None)
            if number_format and number_format is not TEXT_FORMAT:
                cell.number_format = number_format
            if wrap:
                from openpyxl.styles import Alignment

                cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # not "f" for "=…", not "e" for "#N/A"
        return cell


def label_widths(labels: Iterable, *, extra: int, most: int | None = None) -> list[int]:
    """Column widths from their headers: two units a character (Chinese is wide), at least 10."""
    widths = [max(10, len(str(label)) * 2 + extra) for label in labels]
    return [min(most, width) for width in widths] if most else widths


def xlsx_response(columns: list[Column], rows: Iterable, filename: str, *, title: str) -> HttpResponse:
    """A list as a workbook: a bold header frozen above the rows, number columns formatted."""
    return xlsx_file_response(list_workbook(columns, rows, title=title), f"{filename}.xlsx")


def list_workbook(columns: list[Column], rows: Iterable, *, title: str) -> bytes:
    """The workbook of `xlsx_response`, for a background export."""
    workbook = new_workbook()
    labels = [str(c.label) for c in columns]
    sheet = SheetWriter(workbook, title, widths=label_widths(labels, extra=4, most=40), freeze="A2")
    sheet.header(labels)
    formats = [XLSX_NUMBER_FORMATS.get(c.format) for c in columns]
    for row in export_rows(rows):
        sheet.row([_plain(c.value(row)) for c in columns], formats)
    return workbook_bytes(workbook)
