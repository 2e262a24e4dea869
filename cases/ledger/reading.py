"""Reading a ledger file into a table: XLSX (the first sheet with a header row) or CSV in UTF-8, with or
without BOM, or GB18030 (GBK); cells holding formulas or spreadsheet errors are kept as such."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..exports import FORMULA_STARTS


class LedgerFileError(Exception):
    """The file as a whole cannot be read as a ledger; the message says why, for the user."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula rather than a value."""

    text: str


@dataclass(frozen=True)
class ErrorValue:
    """A cell holding a spreadsheet error such as #DIV/0!."""

    text: str


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number as the spreadsheet shows it, cells)


def read_table(data: bytes) -> Table:
    """The header and the non-blank rows of an XLSX or CSV (UTF-8, with or without BOM, or GB18030) file."""
    if not data or not data.strip():
        raise LedgerFileError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        raw_rows = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise LedgerFileError(
            _("This is an Excel 97–2003 workbook (.xls); save it as .xlsx or as CSV and upload that.")
        )
    else:
        raw_rows = _csv_rows(data)
    header_row = next(raw_rows, None)
    if header_row is None or not any(present(cell) for cell in header_row[1]):
        raise LedgerFileError(_("The file is empty."))
    headers = [_header_text(cell) for cell in header_row[1]]
    while headers and not headers[-1]:
        headers.pop()
    rows = [(number, cells) for number, cells in raw_rows if any(present(cell) for cell in cells)]
    return Table(headers=headers, rows=rows)


def present(cell) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _header_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Formula | ErrorValue):
        return cell.text
    return str(cell).strip()


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise LedgerFileError(_("This file is not a spreadsheet: save the ledger as XLSX or CSV.")) from error
    if "xl/workbook.xml" not in names:
        raise LedgerFileError(_("This file is not a spreadsheet: save the ledger as XLSX or CSV."))
    # A small file may unpack to a huge one; refuse before reading it.
    if unpacked > 25 * settings.PARKLAND_LEDGER_MAX_BYTES:
        raise LedgerFileError(_("This workbook is too large once unpacked; split it into smaller files."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise LedgerFileError(
            _("This workbook cannot be read (%(error)s); open it in Excel, save it again and retry.")
            % {"error": type(error).__name__}
        ) from error
    if not workbook.worksheets:
        raise LedgerFileError(_("The file is empty."))
    return _xlsx_sheet_rows(workbook)


def _xlsx_sheet_rows(workbook):
    """The rows of the first sheet with a header row: a workbook may keep its ledger behind an empty sheet."""
    try:
        sheet = next((sheet for sheet in workbook.worksheets if _has_header_row(sheet)), None)
        if sheet is None:
            return
        for number, row in enumerate(sheet.iter_rows(), start=1):
            yield number, [_xlsx_value(cell) for cell in row]
    finally:
        workbook.close()


def _has_header_row(sheet) -> bool:
    first = next(sheet.iter_rows(max_row=1), ())
    return any(present(_xlsx_value(cell)) for cell in first)


def _xlsx_value(cell):
    kind = getattr(cell, "data_type", "n")
    if kind == "f":
        return Formula(str(cell.value))
    if kind == "e":
        return ErrorValue(str(cell.value))
    return cell.value


def _csv_rows(data: bytes):
    if b"\x00" in data:
        raise LedgerFileError(_("This file is not a spreadsheet: save the ledger as XLSX or CSV."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as error:
            raise LedgerFileError(
                _("This file is neither XLSX nor CSV in UTF-8 or GB18030 (GBK); save the ledger as XLSX.")
            ) from error
    if any(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t" for ch in text[:4096]):
        raise LedgerFileError(_("This file is not a spreadsheet: save the ledger as XLSX or CSV."))
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count) if any(d in first_line for d in ",\t;") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        raise LedgerFileError(
            _("This CSV file cannot be read (%(error)s); save the ledger as XLSX.") % {"error": error}
        ) from error
    return iter([(number, [_csv_value(cell) for cell in row]) for number, row in enumerate(rows, start=1)])


def _csv_value(text: str):
    if text.startswith("="):
        return Formula(text)
    # The apostrophe Parkland's own CSV export puts before text a spreadsheet would run.
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
