"""The ledger (台账, DESIGN.md §10): a park's spreadsheet of cases, read, checked and imported all or
nothing, and the same columns written back out by the case list's ledger export.

`LEDGER_COLUMNS` is the one definition of the format; the importer, the export, the template and
its explanation sheet are all made from it.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .. import scoping
from ..exports import FORMULA_STARTS, append_xlsx_row
from ..models import (
    OPEN_STATUSES,
    CaseNumberSequence,
    Category,
    DisposalCase,
    DisposalMethod,
    Enterprise,
    LandParcel,
    LedgerImport,
    Membership,
    Park,
    Status,
    parse_case_number,
)
from ..models.land import LandUse

TEXT, DECIMAL, DATE, CHOICE, BOOL, USER = "text", "decimal", "date", "choice", "bool", "user"
BATCH = 500
HISTORY_REASON_LENGTH = 100  # django-simple-history's change reason column


# The format ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerColumn:
    """One column of the ledger: its two names, where its value lives, and how it is written."""

    key: str  # the English name
    chinese: str
    target: str  # "park", "parcel", "enterprise" or "case"
    field: str  # the model field it fills
    kind: str = TEXT
    required: bool = False
    choices: type[models.Choices] | None = None
    help: str = ""

    def __str__(self) -> str:
        return f"{self.chinese} ({self.key})"

    def export_value(self, case: DisposalCase):
        """The cell this column holds for `case` in a ledger export (choices by their Chinese label)."""
        parcel = case.parcel
        if self.target == "park":
            return parcel.park.code
        if self.target == "enterprise":
            return getattr(parcel.enterprise, self.field) if parcel.enterprise_id else ""
        value = getattr(parcel if self.target == "parcel" else case, self.field)
        if self.kind == CHOICE:
            return str(self.choices(value).label) if value else ""
        if self.kind == BOOL:
            return "是" if value else "否"
        if self.kind == USER:
            return value.get_username() if value else ""
        return "" if value is None else value


def _flag(key: str, chinese: str) -> LedgerColumn:
    return LedgerColumn(
        key, chinese, "case", key, BOOL, help=_("Problem flag: 是/否, yes/no or 1/0; empty means no.")
    )


LEDGER_COLUMNS: tuple[LedgerColumn, ...] = (
    LedgerColumn("park", "园区代码", "park", "code", required=True, help=_("The park's code, e.g. XQ.")),
    LedgerColumn(
        "parcel_code",
        "宗地编号",
        "parcel",
        "code",
        required=True,
        help=_("The park's own parcel number; a parcel not yet in Parkland is created."),
    ),
    LedgerColumn(
        "cadastral_code",
        "宗地代码",
        "parcel",
        "cadastral_code",
        help=_("Optional: 19 characters, e.g. 440403001001GB00001."),
    ),
    LedgerColumn("location", "坐落", "parcel", "location", required=True, help=_("The parcel's location.")),
    LedgerColumn(
        "parcel_area_m2",
        "宗地面积(平方米)",
        "parcel",
        "area_m2",
        DECIMAL,
        required=True,
        help=_("The parcel's area in m², greater than 0."),
    ),
    LedgerColumn(
        "land_use",
        "土地用途",
        "parcel",
        "land_use",
        CHOICE,
        choices=LandUse,
        help=_("A label or code; empty: industrial land for a new parcel, unchanged for a known one."),
    ),
    LedgerColumn(
        "enterprise",
        "权利人",
        "enterprise",
        "name",
        help=_("The land user; found by credit code, else by name within the park, else created."),
    ),
    LedgerColumn(
        "credit_code",
        "统一社会信用代码",
        "enterprise",
        "credit_code",
        help=_("Optional: the land user's 18-character unified social credit code."),
    ),
    LedgerColumn(
        "agreed_start_on", "约定动工日期", "parcel", "agreed_start_on", DATE, help=_("Optional date.")
    ),
    LedgerColumn(
        "case_number",
        "案件编号",
        "case",
        "number",
        help=_(
            "Empty: the case of this parcel opened that day is updated, or a new case is given the next "
            "number."
        ),
    ),
    LedgerColumn(
        "category",
        "类别",
        "case",
        "category",
        CHOICE,
        required=True,
        choices=Category,
        help=_("Idle or low-efficiency."),
    ),
    LedgerColumn(
        "status",
        "状态",
        "case",
        "status",
        CHOICE,
        required=True,
        choices=Status,
        help=_("The status the case is in; an imported case enters it directly."),
    ),
    LedgerColumn(
        "case_area_m2",
        "处置面积(平方米)",
        "case",
        "case_area_m2",
        DECIMAL,
        required=True,
        help=_("The area under disposal in m², greater than 0 and at most the parcel's area."),
    ),
    LedgerColumn(
        "opened_on", "登记日期", "case", "opened_on", DATE, required=True, help=_("When the case was opened.")
    ),
    LedgerColumn(
        "identified_on",
        "认定日期",
        "case",
        "identified_on",
        DATE,
        help=_("Needed from “identified” on; not before the opening date."),
    ),
    LedgerColumn(
        "disposal_method",
        "处置方式",
        "case",
        "disposal_method",
        CHOICE,
        choices=DisposalMethod,
        help=_("A label or code fitting the category; needed from “implementing” on."),
    ),
    LedgerColumn(
        "decision_on",
        "决定日期",
        "case",
        "decision_on",
        DATE,
        help=_("Needed from “implementing” on; not before the identification date."),
    ),
    LedgerColumn("target_on", "计划完成日期", "case", "target_on", DATE, help=_("Optional date.")),
    LedgerColumn(
        "disposed_on",
        "处置完成日期",
        "case",
        "disposed_on",
        DATE,
        help=_("Needed for a disposed case; not before the identification date."),
    ),
    LedgerColumn(
        "disposed_area_m2",
        "已处置面积(平方米)",
        "case",
        "disposed_area_m2",
        DECIMAL,
        help=_("At most the area under disposal; empty for a disposed case: the area under disposal."),
    ),
    LedgerColumn(
        "officer",
        "经办人",
        "case",
        "officer",
        USER,
        help=_("The user name of a case officer of the park; may be empty."),
    ),
    _flag("low_willingness", "意愿不高"),
    _flag("evidence_difficulty", "取证难"),
    _flag("litigation_risk", "涉稳涉诉"),
    _flag("funding_gap", "资金项目缺乏"),
    LedgerColumn("notes", "备注", "case", "summary", help=_("The case's summary.")),
)
COLUMNS_BY_KEY = {column.key: column for column in LEDGER_COLUMNS}
COLUMN_OF_FIELD = {(column.target, column.field): column for column in LEDGER_COLUMNS}


def normalise_header(text: str) -> str:
    """A header as compared: full-width forms folded, case, spaces, underscores and a trailing * ignored."""
    text = unicodedata.normalize("NFKC", str(text)).strip().rstrip("*").strip().lower()
    text = re.sub(r"[\s_\-]+", "", text)
    return text.replace("(m2)", "(平方米)").replace("(㎡)", "(平方米)")


HEADER_NAMES = {
    normalise_header(name): column for column in LEDGER_COLUMNS for name in (column.key, column.chinese)
}


# Reading a file ------------------------------------------------------------------------------------


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
    if header_row is None or not any(_present(cell) for cell in header_row[1]):
        raise LedgerFileError(_("The file is empty."))
    headers = [_header_text(cell) for cell in header_row[1]]
    while headers and not headers[-1]:
        headers.pop()
    rows = [(number, cells) for number, cells in raw_rows if any(_present(cell) for cell in cells)]
    return Table(headers=headers, rows=rows)


def _present(cell) -> bool:
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
    return any(_present(_xlsx_value(cell)) for cell in first)


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


# Values ----------------------------------------------------------------------------------------------


class CellProblem(Exception):
    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = str(message)


def shown(cell) -> str:
    """A cell as the report shows it."""
    if cell is None:
        return ""
    if isinstance(cell, Formula | ErrorValue):
        return cell.text
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat(" ")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e15:
        return str(int(cell))
    return str(cell)


def parse_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        if abs(cell) >= 1e15:
            raise CellProblem(
                _(
                    "Excel has stored this long number imprecisely; format the column as text and type it "
                    "again."
                )
            )
        return shown(cell)
    if isinstance(cell, bool):
        return "是" if cell else "否"
    return shown(cell).strip()


_THOUSANDS = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def parse_decimal(cell) -> Decimal | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        raise CellProblem(_("This is not a number."))
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        value = Decimal(repr(cell))
        # A float computed in Excel (0.1 + 0.2) is put back on the cent it means.
        cents = value.quantize(Decimal("0.01"))
        return cents if abs(value - cents) < Decimal("0.000001") else value
    if not isinstance(cell, str):
        raise CellProblem(_("This is not a number."))
    text = unicodedata.normalize("NFKC", cell).strip().replace(" ", "")
    if not _THOUSANDS.fullmatch(text):
        raise CellProblem(_("This is not a number (thousands separators are allowed: 12,345.67)."))
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise CellProblem(_("This is not a number.")) from error


_DATE_FORMS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?: 0?0:00(?::00)?)?"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
)


def parse_date(cell) -> date | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        # An Excel serial date in a cell without a date format.
        from openpyxl.utils.datetime import from_excel

        if 1 <= cell < 2958466:
            return from_excel(cell).date()
        raise CellProblem(_("This number is not an Excel date."))
    text = unicodedata.normalize("NFKC", str(cell)).strip()
    for form in _DATE_FORMS:
        if match := form.fullmatch(text):
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError as error:
                raise CellProblem(_("There is no such day in the calendar.")) from error
    raise CellProblem(_("This is not a date: write it as 2022-03-05, 2022/3/5 or 2022年3月5日."))


_TRUE = {"是", "yes", "y", "true", "1", "√", "✓"}
_FALSE = {"否", "no", "n", "false", "0", "×", "✗"}


def parse_bool(cell) -> bool:
    if cell is None:
        return False
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float) and cell in (0, 1):
        return bool(cell)
    text = unicodedata.normalize("NFKC", str(cell)).strip().lower()
    if not text or text in _FALSE:
        return False
    if text in _TRUE:
        return True
    raise CellProblem(_("Write 是 or 否 (yes or no, 1 or 0)."))


def _choice_key(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(text)).strip().lower())


def choice_names(choices: type[models.Choices]) -> dict[str, str]:
    """Every name a choice may be written by: its code, its label in each language, the parts of a label."""
    names: dict[str, set[str]] = defaultdict(set)
    for choice in choices:
        names[_choice_key(choice.value)].add(choice.value)
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                label = _choice_key(choice.label)
            names[label].add(choice.value)
            # "不予认定/撤销", "新型产业用地(M0)": each part, and the label without its bracket, too.
            for part in (*label.split("/"), re.sub(r"\(.*?\)", "", label)):
                if part.strip():
                    names[part.strip()].add(choice.value)
    return {name: next(iter(codes)) for name, codes in names.items() if len(codes) == 1}


def parse_choice(cell, names: dict[str, str], choices: type[models.Choices]) -> str:
    text = parse_text(cell)
    if not text:
        return ""
    code = names.get(_choice_key(text))
    if code is None:
        raise CellProblem(
            _("Not one of: %(choices)s.") % {"choices": "、".join(str(c.label) for c in choices)}
        )
    return code


# The report ------------------------------------------------------------------------------------------


class Outcome(models.TextChoices):
    CREATED = "created", _("created")
    UPDATED = "updated", _("updated")
    UNCHANGED = "unchanged", _("unchanged")
    REFUSED = "refused", _("refused")


@dataclass
class Problem:
    column: str  # the header as the file writes it; empty for the row as a whole
    value: str
    reason: str


@dataclass
class RowResult:
    number: int
    outcome: str = Outcome.UNCHANGED
    park: str = ""
    parcel: str = ""
    case_number: str = ""
    changes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label)


@dataclass
class LedgerReport:
    """What an import did, or would do, with each row of one file."""

    file_name: str
    sha256: str
    size: int
    dry_run: bool
    errors: list[str] = field(default_factory=list)  # about the file as a whole
    rows: list[RowResult] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    import_id: int | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def created(self) -> int:
        return self.count(Outcome.CREATED)

    @property
    def updated(self) -> int:
        return self.count(Outcome.UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(Outcome.UNCHANGED)

    @property
    def refused(self) -> int:
        return self.count(Outcome.REFUSED)

    @property
    def ok(self) -> bool:
        """Nothing refused: the file can be imported (a dry run) or was (a real run)."""
        return not self.errors and not self.refused

    @property
    def imported(self) -> bool:
        return self.import_id is not None

    @property
    def changes_anything(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        return gettext(
            "%(rows)s rows: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
            "%(refused)s refused."
        ) % {
            "rows": len(self.rows),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "refused": self.refused,
        }

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> LedgerReport:
        rows = [
            RowResult(**{**row, "problems": [Problem(**p) for p in row["problems"]]}) for row in data["rows"]
        ]
        return cls(**{**data, "rows": rows})


# Importing -------------------------------------------------------------------------------------------


def import_ledger(
    data: bytes,
    *,
    file_name: str,
    user=None,
    park: Park | None = None,
    dry_run: bool = False,
) -> LedgerReport:
    """Check every row of a ledger file and, unless `dry_run` or a row is refused, import all of it.

    `user` must be a park administrator of every park the file names (None: the command line, any
    park); `park`, when given, is the park of a file without a park column, and the only park a
    file may name. One transaction: a refused row, or anything the database refuses, writes nothing.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    report = LedgerReport(file_name=file_name, sha256=sha256, size=len(data), dry_run=dry_run)
    limit = settings.PARKLAND_LEDGER_MAX_BYTES
    if len(data) > limit:
        report.errors.append(too_large_message(len(data)))
        return report
    try:
        table = read_table(data)
        columns = map_headers(table.headers, has_default_park=park is not None)
    except LedgerFileError as error:
        report.errors.append(error.message)
        return report
    if not table.rows:
        report.errors.append(
            gettext(
                "The file has a header row but no rows of cases: fill in one row per case under the "
                "header (the template's example stands on the sheet “Columns” and is not imported)."
            )
        )
        return report
    planner = _Planner(columns=columns, headers=table.headers, user=user, default_park=park)
    if dry_run:
        planner.plan(table.rows, report)
        return report
    try:
        with transaction.atomic():
            planner.plan(table.rows, report, lock=True)
            if not report.ok:
                return report
            planner.write(reason=history_reason(file_name, sha256))
            record = LedgerImport.objects.create(
                file_name=file_name[:255],
                sha256=sha256,
                size=len(data),
                rows=len(report.rows),
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
                counts=report.counts,
                imported_by=user,
            )
            record.parks.set(planner.parks_named)
            report.import_id = record.pk
    except IntegrityError as error:
        report.import_id = None
        report.errors.append(
            gettext(
                "The database refused the import, so nothing was written (%(error)s). Someone may have "
                "changed these cases meanwhile: check the file again."
            )
            % {"error": str(error).splitlines()[0][:200]}
        )
        return report
    planner.describe_changes(report)
    return report


def over_limit_message() -> str:
    limit = f"{settings.PARKLAND_LEDGER_MAX_BYTES / 1024 / 1024:g}"
    return gettext("The file is larger than %(limit)s MB, the most a ledger may be; split it into files.") % {
        "limit": limit
    }


def too_large_message(size: int) -> str:
    return gettext(
        "The file is %(size)s MB; a ledger may be at most %(limit)s MB. Split it into several files."
    ) % {
        "size": f"{size / 1024 / 1024:.1f}",
        "limit": f"{settings.PARKLAND_LEDGER_MAX_BYTES / 1024 / 1024:g}",
    }


def history_reason(file_name: str, sha256: str) -> str:
    """“imported from 台账.xlsx (1a2b3c4d5e6f)”, cut to what the history's reason column holds."""
    tail = f" ({sha256[:12]})"
    head = "导入台账 imported from "
    room = HISTORY_REASON_LENGTH - len(head) - len(tail)
    name = file_name if len(file_name) <= room else file_name[: room - 1] + "…"
    return f"{head}{name}{tail}"


def map_headers(headers: list[str], *, has_default_park: bool) -> dict[int, LedgerColumn]:
    """The column of each header position; unknown, repeated or missing required columns are refused."""
    from openpyxl.utils import get_column_letter

    found: dict[int, LedgerColumn] = {}
    positions: dict[str, list[int]] = defaultdict(list)
    unknown = []
    for index, header in enumerate(headers):
        if not header:
            continue
        column = HEADER_NAMES.get(normalise_header(header))
        if column is None:
            unknown.append(f"{get_column_letter(index + 1)}“{header}”")
            continue
        found[index] = column
        positions[column.key].append(index)
    if not found:
        raise LedgerFileError(
            _(
                "The first row names none of the ledger's columns, so this is not a ledger. The first row "
                "must be the header (园区代码, 宗地编号, 坐落 …); download the template to see every column."
            )
        )
    messages = []
    if unknown:
        messages.append(
            gettext("Unknown columns: %(columns)s. Rename or delete them; the template lists every column.")
            % {"columns": ", ".join(unknown)}
        )
    for key, indexes in positions.items():
        if len(indexes) > 1:
            messages.append(
                gettext("The column %(column)s appears more than once: %(letters)s.")
                % {
                    "column": COLUMNS_BY_KEY[key],
                    "letters": ", ".join(get_column_letter(i + 1) for i in indexes),
                }
            )
    missing = [
        column
        for column in LEDGER_COLUMNS
        if column.required and column.key not in positions and not (column.key == "park" and has_default_park)
    ]
    if missing:
        messages.append(
            gettext("Required columns are missing: %(columns)s.")
            % {"columns": ", ".join(str(c) for c in missing)}
        )
    if messages:
        raise LedgerFileError(" ".join(messages))
    return found


_MISSING = object()


@dataclass
class _Touch:
    """What one row does to one object: create it, or change these fields."""

    kind: str  # "enterprise", "parcel" or "case"
    obj: models.Model
    created: bool
    fields: set[str]


class _Planner:
    """Checks the rows against what is loaded once, keeping in memory what the file would leave behind."""

    def __init__(self, *, columns: dict[int, LedgerColumn], headers: list[str], user, default_park) -> None:
        self.columns = columns
        self.headers = headers
        self.present = {column.key for column in columns.values()}
        self.header_of_key = {column.key: headers[index] for index, column in columns.items()}
        self.user = user
        self.default_park = default_park
        self.choice_names = {
            column.key: choice_names(column.choices) for column in LEDGER_COLUMNS if column.kind == CHOICE
        }
        self.touches: dict[int, list[_Touch]] = defaultdict(list)
        self.claimed: dict[tuple, int] = {}  # object key -> the first row that named it
        # (kind, object key) -> {"obj", "created", "fields"}: what the file creates or changes.
        self.written: dict[tuple, dict] = {}
        self.enterprise_state: dict[tuple, Enterprise] = {}
        self.parks_named: list[Park] = []

    # Loading -------------------------------------------------------------------------------------

    def load(self, rows: list[tuple[int, list]], *, lock: bool) -> None:
        codes = self.texts_of("park", rows)
        if self.default_park is not None:
            codes.add(self.default_park.code)
        parks = Park.objects.filter(code__in=codes - {""})
        if lock:
            # Two imports into one park wait for each other instead of racing.
            parks = parks.select_for_update()
        self.parks = {park.code: park for park in parks}
        allowed = scoping.parks_for(self.user, role=Membership.Role.PARK_ADMIN) if self.user else Park.objects
        self.allowed_park_ids = set(
            allowed.filter(pk__in=[p.pk for p in self.parks.values()]).values_list("pk", flat=True)
        )
        self.park_by_pk = {park.pk: park for park in self.parks.values()}
        park_ids = list(self.allowed_park_ids)

        self.enterprise_by_pk = {e.pk: e for e in Enterprise.objects.filter(park_id__in=park_ids)}
        self.enterprise_by_code: dict[tuple, Enterprise] = {}
        self.enterprises_by_name: dict[tuple, list[Enterprise]] = defaultdict(list)
        for enterprise in self.enterprise_by_pk.values():
            self._index_enterprise(enterprise)
        self.parcels: dict[tuple, LandParcel] = {}
        parcel_by_pk = {}
        for parcel in LandParcel.objects.filter(park_id__in=park_ids):
            parcel.park = self.park_by_pk[parcel.park_id]
            if parcel.enterprise_id:
                parcel.enterprise = self.enterprise_by_pk[parcel.enterprise_id]
            self.parcels[(parcel.park_id, parcel.code)] = parcel
            parcel_by_pk[parcel.pk] = parcel
        self.cases_by_number: dict[str, DisposalCase] = {}
        self.cases_by_opening: dict[tuple, list[DisposalCase]] = defaultdict(list)
        self.cases_of_parcel: dict[tuple, dict[tuple, DisposalCase]] = defaultdict(dict)
        for case in DisposalCase.objects.filter(parcel__park_id__in=park_ids):
            case.parcel = parcel_by_pk[case.parcel_id]
            self._index_case(self._db_key("case", case), case)
        numbers = self.texts_of("case_number", rows) - set(self.cases_by_number)
        self.numbers_elsewhere = {}
        for chunk in _chunks(sorted(numbers), 900):
            self.numbers_elsewhere.update(
                DisposalCase.objects.filter(number__in=chunk).values_list("number", "parcel__park__code")
            )
        self.all_park_codes = set(Park.objects.values_list("code", flat=True))

        user_model = get_user_model()
        lookup = f"{user_model.USERNAME_FIELD}__in"
        self.users = {}
        for chunk in _chunks(sorted(self.texts_of("officer", rows)), 900):
            self.users.update(
                {u.get_username(): u for u in user_model._default_manager.filter(**{lookup: chunk})}
            )
        self.roles = {
            (m.user_id, m.park_id): m.role
            for m in Membership.objects.filter(
                user_id__in=[u.pk for u in self.users.values()], park_id__in=park_ids
            )
        }

    def texts_of(self, key: str, rows: list[tuple[int, list]]) -> set[str]:
        """The distinct non-empty texts of one column, for loading what the rows name in one query."""
        index = next((i for i, column in self.columns.items() if column.key == key), None)
        texts = set()
        if index is None:
            return texts
        for _number, cells in rows:
            try:
                texts.add(parse_text(cells[index]) if index < len(cells) else "")
            except CellProblem:
                continue
        return texts - {""}

    def _index_enterprise(self, enterprise: Enterprise, *, replacing: Enterprise | None = None) -> None:
        if replacing is not None:
            if replacing.credit_code:
                self.enterprise_by_code.pop((replacing.park_id, replacing.credit_code), None)
            same_name = self.enterprises_by_name[(replacing.park_id, replacing.name)]
            same_name[:] = [e for e in same_name if e is not replacing]
        if enterprise.credit_code:
            self.enterprise_by_code[(enterprise.park_id, enterprise.credit_code)] = enterprise
        self.enterprises_by_name[(enterprise.park_id, enterprise.name)].append(enterprise)

    def _index_case(self, key: tuple, case: DisposalCase) -> None:
        case._ledger_key = key
        parcel_key = (case.parcel.park_id, case.parcel.code)
        self.cases_of_parcel[parcel_key][key] = case
        same_day = self.cases_by_opening[(*parcel_key, case.opened_on)]
        same_day[:] = [c for c in same_day if c._ledger_key != key] + [case]
        if case.number:
            self.cases_by_number[case.number] = case

    # Checking ------------------------------------------------------------------------------------

    def plan(self, rows: list[tuple[int, list]], report: LedgerReport, *, lock: bool = False) -> None:
        self.load(rows, lock=lock)
        results = {}
        for number, cells in rows:
            result = self.plan_row(number, cells)
            results[number] = result
            report.rows.append(result)
        self.check_across_rows(results)
        for result in report.rows:
            if result.problems:
                result.outcome = Outcome.REFUSED
        self.parks_named = sorted(
            {self.parks[r.park] for r in report.rows if r.park in self.parks}, key=lambda p: p.code
        )
        report.counts = self.counts(report)
        self.describe_changes(report)

    def plan_row(self, number: int, cells: list) -> RowResult:
        result = RowResult(number=number)
        values: dict[str, Any] = {}
        failed: set[str] = set()

        def problem(column_key: str, message, cell=_MISSING) -> None:
            if cell is _MISSING:
                cell = raw.get(column_key)
            header = self.header_of_key.get(column_key) or (
                str(COLUMNS_BY_KEY[column_key]) if column_key else ""
            )
            entry = Problem(header, shown(cell), str(message))
            if entry not in result.problems:
                result.problems.append(entry)
            failed.add(column_key)

        raw: dict[str, Any] = {}
        for index, cell in enumerate(cells):
            column = self.columns.get(index)
            if column is None:
                if _present(cell):
                    from openpyxl.utils import get_column_letter

                    letter = get_column_letter(index + 1)
                    result.problems.append(
                        Problem(letter, shown(cell), gettext("A value stands in a column without a header."))
                    )
                continue
            raw[column.key] = cell
        for column in self.columns.values():
            cell = raw.get(column.key)
            try:
                if isinstance(cell, Formula):
                    raise CellProblem(_("A formula, not a value: copy the column and paste it as values."))
                if isinstance(cell, ErrorValue):
                    raise CellProblem(_("The spreadsheet shows an error in this cell."))
                values[column.key] = self.parse(column, cell)
            except CellProblem as error:
                problem(column.key, error.message)
                continue
            if column.required and values[column.key] in (None, ""):
                problem(column.key, _("Required: this cell cannot be empty."))

        if EXAMPLE_MARK in str(values.get("notes") or ""):
            problem(
                "notes",
                _("This is the template's example row, not a case: delete the row before importing."),
            )
        park = self.row_park(values, problem)
        result.park = park.code if park else values.get("park", "")
        result.parcel = values.get("parcel_code", "")
        result.case_number = values.get("case_number", "")
        if park is None or "parcel_code" in failed:
            return result

        touches: list[_Touch] = []
        enterprise = self.plan_enterprise(park, values, failed, problem, number, touches)
        parcel = self.plan_parcel(park, values, enterprise, failed, problem, number, touches)
        if parcel is not None:
            self.plan_case(park, parcel, values, failed, problem, number, touches, result)
        if result.problems:
            return result
        # The row stands: what it does becomes the state the next rows see.
        for touch in touches:
            self.commit(touch, number)
        self.touches[number] = [t for t in touches if t.created or t.fields]
        if any(t.kind == "case" and t.created for t in touches):
            result.outcome = Outcome.CREATED
        elif self.touches[number]:
            result.outcome = Outcome.UPDATED
        return result

    def parse(self, column: LedgerColumn, cell):
        if column.kind == DECIMAL:
            return parse_decimal(cell)
        if column.kind == DATE:
            return parse_date(cell)
        if column.kind == BOOL:
            return parse_bool(cell)
        if column.kind == CHOICE:
            return parse_choice(cell, self.choice_names[column.key], column.choices)
        value = parse_text(cell)
        if column.key == "credit_code":
            value = value.upper()
        return value

    def row_park(self, values: dict, problem: Callable) -> Park | None:
        code = values.get("park", "") if "park" in self.present else ""
        if self.default_park is not None:
            if not code:
                code = self.default_park.code
            elif code != self.default_park.code:
                problem(
                    "park",
                    _("This file is being imported into park %(park)s only.")
                    % {"park": self.default_park.code},
                )
                return None
        if not code:
            return None  # already reported as required
        park = self.parks.get(code)
        if park is None:
            problem("park", _("There is no park with the code %(code)s.") % {"code": code})
            return None
        if park.pk not in self.allowed_park_ids:
            problem(
                "park",
                _("You may not import into park %(code)s: that needs its park administrator.")
                % {"code": code},
            )
            return None
        return park

    def plan_enterprise(self, park, values, failed, problem, row, touches) -> Enterprise | object | None:
        """The land user the row names, `_MISSING` when the file has no enterprise columns."""
        if "enterprise" not in self.present and "credit_code" not in self.present:
            return _MISSING
        if {"enterprise", "credit_code"} & failed:
            return _MISSING
        name, code = values.get("enterprise", ""), values.get("credit_code", "")
        if not name and not code:
            return None if "enterprise" in self.present else _MISSING
        found = self.enterprise_by_code.get((park.pk, code)) if code else None
        if found is None and name:
            candidates = [
                e for e in self.enterprises_by_name[(park.pk, name)] if not code or not e.credit_code
            ]
            if len(candidates) > 1:
                problem(
                    "enterprise",
                    _(
                        "Park %(park)s has several enterprises of this name; give the credit code to say "
                        "which."
                    )
                    % {"park": park.code},
                )
                return _MISSING
            found = candidates[0] if candidates else None
        if found is None:
            if not name:
                problem(
                    "credit_code",
                    _("No enterprise of park %(park)s has this credit code; give its name to add it.")
                    % {"park": park.code},
                )
                return _MISSING
            candidate = Enterprise(park=park, name=name, credit_code=code)
            candidate._ledger_key = ("enterprise", "row", row, name, code)
            touch = _Touch("enterprise", candidate, True, set())
        else:
            proposed = {}
            if name and "enterprise" in self.present:
                proposed["name"] = name
            if code:
                proposed["credit_code"] = code
            touch = self.change(found, proposed, "enterprise", problem, row)
            if touch is None:
                return _MISSING
        if touch.created or touch.fields:
            errors = _model_errors(touch.obj, only={"name", "credit_code"})
            self.add_model_errors("enterprise", errors, failed, problem)
        touches.append(touch)
        return touch.obj

    def plan_parcel(self, park, values, enterprise, failed, problem, row, touches) -> LandParcel | None:
        code = values["parcel_code"]
        found = self.parcels.get((park.pk, code))
        proposed = {
            column.field: values[column.key]
            for column in LEDGER_COLUMNS
            if column.target == "parcel" and column.key in self.present and column.key not in failed
        }
        if proposed.get("land_use") == "":
            del proposed["land_use"]  # empty: the default for a new parcel, unchanged for a known one
        if enterprise is not _MISSING:
            proposed["enterprise"] = enterprise
        if found is None:
            candidate = LandParcel(park=park, **proposed)
            candidate._ledger_key = ("parcel", park.pk, code)
            touch = _Touch("parcel", candidate, True, set())
        else:
            touch = self.change(found, proposed, "parcel", problem, row)
            if touch is None:
                return None
        parcel = touch.obj
        if touch.created or touch.fields:
            errors = _model_errors(parcel, only=set(proposed) - {"enterprise"})
            errors.update(_as_message_dict(parcel.errors_of_its_own()))
            self.add_model_errors("parcel", errors, failed, problem)
        touches.append(touch)
        return parcel

    def plan_case(self, park, parcel, values, failed, problem, row, touches, result) -> None:
        number = values.get("case_number", "")
        opened_on = values.get("opened_on")
        parcel_key = (park.pk, parcel.code)
        found = None
        if number:
            found = self.cases_by_number.get(number)
            if found is not None and (found.parcel.park_id, found.parcel.code) != parcel_key:
                problem(
                    "case_number",
                    _("Case %(number)s is a case of parcel %(parcel)s of park %(park)s, not of this parcel.")
                    % {"number": number, "parcel": found.parcel.code, "park": found.parcel.park.code},
                )
                return
            if found is None:
                if owner := self.numbers_elsewhere.get(number):
                    problem(
                        "case_number",
                        _("Case number %(number)s is already a case of park %(park)s.")
                        % {"number": number, "park": owner},
                    )
                    return
                parsed = parse_case_number(number)
                if parsed and parsed[0] != park.code and parsed[0] in self.all_park_codes:
                    problem(
                        "case_number",
                        _("Case number %(number)s is in park %(park)s's series, not in %(own)s's.")
                        % {"number": number, "park": parsed[0], "own": park.code},
                    )
                    return
                if parsed and parsed[0] != park.code:
                    problem(
                        "case_number",
                        _("Case number %(number)s does not begin with the park's code %(own)s.")
                        % {"number": number, "own": park.code},
                    )
                    return
                if len(number) > DisposalCase._meta.get_field("number").max_length:
                    problem("case_number", _("A case number has at most 30 characters."))
                    return
        elif opened_on is not None:
            same_day = self.cases_by_opening.get((*parcel_key, opened_on), [])
            if len(same_day) > 1:
                problem(
                    "opened_on",
                    _("Parcel %(parcel)s has several cases opened that day; give the case number.")
                    % {"parcel": parcel.code},
                )
                return
            found = same_day[0] if same_day else None
        if found is not None:
            earlier = self.claimed.get(self._key(found, "case"))
            if earlier is not None:
                problem(
                    "case_number" if number else "opened_on",
                    _("This case is already given in row %(row)s.") % {"row": earlier},
                )
                return
            result.case_number = found.number

        proposed: dict[str, Any] = {}
        for column in LEDGER_COLUMNS:
            if column.target != "case" or column.key not in self.present or column.key in failed:
                continue
            if column.key == "case_number":
                continue
            value = values[column.key]
            if column.kind == USER:
                value = self.officer(value, park, problem)
                if value is _MISSING:
                    continue
            proposed[column.field] = value
        # A disposed case without its disposed area: the area under disposal (DESIGN.md §2).
        if (
            proposed.get("status") == Status.DISPOSED
            and proposed.get("disposed_area_m2") is None
            and "disposed_area_m2" not in failed
            and ("disposed_area_m2" in proposed or found is None or found.disposed_area_m2 is None)
        ):
            proposed["disposed_area_m2"] = proposed.get("case_area_m2", found.case_area_m2 if found else None)
        if found is None:
            candidate = DisposalCase(parcel=parcel, number=number, **proposed)
            candidate.created_by = candidate.updated_by = self.user
            candidate._ledger_key = ("case", "row", row)
            touch = _Touch("case", candidate, True, set())
        else:
            touch = self.change(found, proposed, "case", problem, row)
            if touch is None:
                return
            case = touch.obj
            case.parcel = parcel  # the parcel as this row leaves it, for the area check
            if "status" in touch.fields:
                was_open, now_open = found.status in OPEN_STATUSES, case.status in OPEN_STATUSES
                if was_open and not now_open:
                    case.status_before_close = found.status
                elif now_open:
                    case.status_before_close = ""
                touch.fields.add("status_before_close")
            if touch.fields:
                case.version = found.version + 1
                case.updated_at = timezone.now()
                touch.fields |= {"version", "updated_at"}
                if self.user is not None:
                    case.updated_by = self.user
                    touch.fields.add("updated_by")
        case = touch.obj
        if touch.created or touch.fields:
            checked = set(proposed) - {"officer"} | ({"number"} if case.number else set())
            errors = _model_errors(case, only=checked)
            # A new parcel: `validate_case_area` waits for it to be saved, so check here.
            if (
                parcel.pk is None
                and case.case_area_m2 is not None
                and parcel.area_m2 is not None
                and case.case_area_m2 > parcel.area_m2
            ):
                errors.setdefault("case_area_m2", []).append(
                    gettext("The area under disposal cannot exceed the parcel's area of %(area)s m².")
                    % {"area": parcel.area_m2}
                )
            for field_name, messages in _as_message_dict(case.errors_of_its_own()).items():
                errors.setdefault(field_name, []).extend(messages)
            self.add_model_errors("case", errors, failed, problem)
        touches.append(touch)

    def officer(self, username: str, park: Park, problem: Callable):
        if not username:
            return None
        user = self.users.get(username)
        if user is None or not user.is_active:
            problem("officer", _("There is no active user %(username)s.") % {"username": username})
            return _MISSING
        if not user.is_superuser:
            role = self.roles.get((user.pk, park.pk))
            if Membership.rank_of(role) < Membership.rank_of(Membership.Role.OFFICER):
                problem(
                    "officer",
                    _("%(username)s is not a case officer of park %(park)s.")
                    % {"username": username, "park": park.code},
                )
                return _MISSING
        return user

    def change(self, found, proposed: dict, kind: str, problem: Callable, row: int) -> _Touch | None:
        """A touch setting `proposed` on a known object; refused when an earlier row gave other values."""
        changed = {name for name, value in proposed.items() if not _same(found, name, value)}
        earlier = self.claimed.get(self._key(found, kind))
        if earlier is not None and changed:
            column_key = self._column_key(kind, sorted(changed)[0])
            problem(
                column_key,
                _("Row %(row)s gives this %(object)s other values: %(fields)s.")
                % {"row": earlier, "object": _kind_label(kind), "fields": self.field_names(kind, changed)},
            )
            return None
        if not changed:
            return _Touch(kind, found, False, set())
        candidate = copy.copy(found)
        for name, value in proposed.items():
            setattr(candidate, name, value)
        return _Touch(kind, candidate, False, changed)

    def add_model_errors(self, kind: str, errors: dict, failed: set, problem: Callable) -> None:
        for field_name, messages in errors.items():
            column_key = self._column_key(kind, field_name)
            if column_key in failed and column_key:
                continue  # the cell is already reported; its empty stand-in would only repeat it
            for message in messages:
                problem(column_key, message)

    def _column_key(self, kind: str, field_name: str) -> str:
        if kind == "case" and field_name == "parcel":
            return "parcel_code"
        column = COLUMN_OF_FIELD.get((kind, field_name))
        return column.key if column else ""

    def field_names(self, kind: str, names: Iterable[str]) -> str:
        model = {"enterprise": Enterprise, "parcel": LandParcel, "case": DisposalCase}[kind]
        return "、".join(str(model._meta.get_field(name).verbose_name) for name in sorted(names))

    @staticmethod
    def _db_key(kind: str, obj) -> tuple:
        return (kind, "db", obj.pk)

    def _key(self, obj, kind: str) -> tuple:
        """The object's identity in this import: its primary key, or the row that creates it."""
        return getattr(obj, "_ledger_key", None) or self._db_key(kind, obj)

    def commit(self, touch: _Touch, row: int) -> None:
        obj = touch.obj
        key = obj._ledger_key = self._key(obj, touch.kind)
        self.claimed.setdefault(key, row)
        if touch.kind == "enterprise":
            previous = self._find_enterprise(key)
            self._index_enterprise(obj, replacing=previous)
            self.enterprise_state[key] = obj
        elif touch.kind == "parcel":
            self.parcels[(obj.park_id, obj.code)] = obj
        else:
            self._index_case(key, obj)
        if touch.created or touch.fields:
            state = self.written.setdefault(
                (touch.kind, key), {"obj": obj, "created": touch.created, "fields": set()}
            )
            state["obj"] = obj
            state["fields"] |= touch.fields

    def _find_enterprise(self, key) -> Enterprise | None:
        if key in self.enterprise_state:
            return self.enterprise_state[key]
        if key[1] == "db":
            return self.enterprise_by_pk.get(key[2])
        return None

    def check_across_rows(self, results: dict[int, RowResult]) -> None:
        """One open case per parcel and no parcel smaller than its cases, in what the file leaves behind."""
        for parcel_key, cases in self.cases_of_parcel.items():
            open_cases = [c for c in cases.values() if c.status in OPEN_STATUSES]
            if len(open_cases) > 1:
                rows = {c._ledger_key: self.claimed.get(c._ledger_key) for c in open_cases}
                for case in open_cases:
                    row = rows[case._ledger_key]
                    if row is None or row not in results or results[row].problems:
                        continue
                    others = [
                        gettext("row %(row)s") % {"row": rows[c._ledger_key]}
                        if rows[c._ledger_key]
                        else (c.number or "")
                        for c in open_cases
                        if c is not case
                    ]
                    results[row].problems.append(
                        Problem(
                            self.header_of_key.get("status", str(COLUMNS_BY_KEY["status"])),
                            str(Status(case.status).label),
                            gettext("Parcel %(parcel)s would have two open cases: this one and %(others)s.")
                            % {"parcel": parcel_key[1], "others": "、".join(others)},
                        )
                    )
        for (kind, _key), state in self.written.items():
            parcel = state["obj"]
            if kind != "parcel" or parcel.pk is None or "area_m2" not in state["fields"]:
                continue
            areas = [c.case_area_m2 for c in self.cases_of_parcel[(parcel.park_id, parcel.code)].values()]
            largest = max((a for a in areas if a is not None), default=None)
            row = self.claimed.get(parcel._ledger_key)
            if largest is not None and largest > parcel.area_m2 and row in results:
                results[row].problems.append(
                    Problem(
                        self.header_of_key["parcel_area_m2"],
                        str(parcel.area_m2),
                        str(LandParcel.smaller_than_case_message(largest)),
                    )
                )

    def counts(self, report: LedgerReport) -> dict:
        refused = {r.number for r in report.rows if r.outcome == Outcome.REFUSED}
        counts = {name: {"created": 0, "updated": 0} for name in ("enterprises", "parcels", "cases")}
        for (kind, key), state in self.written.items():
            if self.claimed.get(key) in refused:
                continue
            counts[f"{kind}s"]["created" if state["created"] else "updated"] += 1
        return counts

    # Writing -------------------------------------------------------------------------------------

    def write(self, *, reason: str) -> None:
        """Save every object the file creates or changes, each with its history record, in bulk."""
        by_kind: dict[str, list[dict]] = defaultdict(list)
        for (kind, _key), state in self.written.items():
            by_kind[kind].append(state)
        now = timezone.now()

        def save(model, states: list[dict], *, ordered: Callable | None = None) -> None:
            for obj in (s["obj"] for s in states):
                obj._history_user = self.user
                obj._change_reason = reason
                obj._history_date = now
            changed = [s for s in states if not s["created"]]
            if ordered:
                changed.sort(key=ordered)
            fields = sorted(set().union(*(s["fields"] for s in changed))) if changed else []
            # Closing cases first, so that an open case that replaces one never meets it in the index.
            for group in _groups(changed, ordered):
                bulk_update_with_history(
                    [s["obj"] for s in group],
                    model,
                    fields=fields,
                    batch_size=BATCH,
                    default_user=self.user,
                    default_change_reason=reason,
                    default_date=now,
                )
            created = [s["obj"] for s in states if s["created"]]
            if created:
                bulk_create_with_history(
                    created,
                    model,
                    batch_size=BATCH,
                    default_user=self.user,
                    default_change_reason=reason,
                    default_date=now,
                )

        # In this order, each object takes the key of the one it points at as it is saved.
        save(Enterprise, by_kind["enterprise"])
        save(LandParcel, by_kind["parcel"])
        self.number_new_cases([s["obj"] for s in by_kind["case"] if s["created"]])
        save(DisposalCase, by_kind["case"], ordered=lambda s: s["obj"].status in OPEN_STATUSES)

    def number_new_cases(self, cases: list[DisposalCase]) -> None:
        """Explicit numbers are noted as used; the others are taken in one block per park and year."""
        highest: dict[tuple, int] = {}
        for case in cases:
            park = case.parcel.park
            if case.number and (parsed := parse_case_number(case.number)) and parsed[0] == park.code:
                key = (park.pk, parsed[1])
                highest[key] = max(highest.get(key, 0), parsed[2])
        for (park_id, year), number in highest.items():
            CaseNumberSequence.objects.note_used(park=self.park_by_pk[park_id], year=year, number=number)
        waiting: dict[tuple, list[DisposalCase]] = defaultdict(list)
        for case in sorted(cases, key=lambda c: (c.opened_on, c._ledger_key)):
            if not case.number:
                waiting[(case.parcel.park_id, case.opened_on.year)].append(case)
        for (park_id, year), group in waiting.items():
            park = self.park_by_pk[park_id]
            first = CaseNumberSequence.objects.take_block(park=park, year=year, count=len(group))
            for offset, case in enumerate(group):
                case.number = f"{park.code}-{year}-{first + offset:03d}"

    def describe_changes(self, report: LedgerReport) -> None:
        """Each row's changes in words, and the case numbers given on import."""
        new = {
            "enterprise": gettext("new enterprise %(name)s"),
            "parcel": gettext("new parcel %(name)s"),
            "case": gettext("new case %(name)s"),
        }
        changed = gettext("%(object)s %(name)s: %(fields)s")
        unnumbered = gettext("(numbered on import)")
        labels = {kind: _kind_label(kind) for kind in new}
        bookkeeping = {"version", "updated_by", "updated_at", "status_before_close"}
        for result in report.rows:
            if result.outcome == Outcome.REFUSED:
                continue
            lines = []
            for touch in self.touches.get(result.number, []):
                obj = touch.obj
                name = _object_name(touch.kind, obj)
                if touch.kind == "case" and obj.number:
                    result.case_number = obj.number
                if touch.created:
                    lines.append(new[touch.kind] % {"name": name or unnumbered})
                else:
                    fields = self.field_names(touch.kind, touch.fields - bookkeeping)
                    lines.append(changed % {"object": labels[touch.kind], "name": name, "fields": fields})
            result.changes = lines


def _same(obj, name: str, value) -> bool:
    """Whether `obj` already holds `value` in field `name` (a related object compared by its key)."""
    model_field = obj._meta.get_field(name)
    if not model_field.is_relation:
        return getattr(obj, name) == value
    current = getattr(obj, model_field.attname)
    if value is None:
        return current is None
    if value.pk is None:  # made by an earlier row of this file: the very same object, or another
        return model_field.get_cached_value(obj, default=None) is value
    return current == value.pk


def _groups(states: list[dict], ordered: Callable | None) -> list[list[dict]]:
    if not states:
        return []
    if ordered is None:
        return [states]
    groups: dict[Any, list[dict]] = {}
    for state in states:
        groups.setdefault(ordered(state), []).append(state)
    return [groups[key] for key in sorted(groups)]


def _model_errors(obj: models.Model, *, only: set[str]) -> dict[str, list[str]]:
    """The field checks (types, lengths, choices, validators) of the fields a row sets, without a query.

    Relations are left out: the rows point only at objects loaded or made here.
    """
    exclude = {f.name for f in obj._meta.concrete_fields} - only
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as error:
        return {name: _plain_messages(errors) for name, errors in error.error_dict.items()}
    return {}


# Django's own limits (digits, minimum, maximum), which a plausible range always says better.
_GENERIC_LIMITS = {"max_digits", "max_whole_digits", "min_value", "max_value"}


def _plain_messages(errors: list[ValidationError]) -> list[str]:
    if any(error.code == "implausible" for error in errors):
        errors = [error for error in errors if error.code not in _GENERIC_LIMITS]
    return [message for error in errors for message in error.messages]


def _as_message_dict(errors: dict) -> dict[str, list[str]]:
    return ValidationError(errors).message_dict if errors else {}


def _kind_label(kind: str) -> str:
    return str({"enterprise": _("enterprise"), "parcel": _("parcel"), "case": _("case")}[kind])


def _object_name(kind: str, obj) -> str:
    return {"enterprise": lambda: obj.name, "parcel": lambda: obj.code, "case": lambda: obj.number}[kind]()


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Writing files -------------------------------------------------------------------------------------------

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook():
    from openpyxl import Workbook

    return Workbook()


def _header_row(sheet, labels: list[str], widths: list[int] | None = None) -> None:
    from openpyxl.styles import Font, PatternFill

    for index, cell in enumerate(append_xlsx_row(sheet, labels)):
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EEF4")
        width = widths[index] if widths else max(10, len(labels[index]) * 2 + 2)
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"


def _ledger_row(sheet, values: list) -> None:
    cells = append_xlsx_row(sheet, [None if value == "" else value for value in values])
    for column, cell in zip(LEDGER_COLUMNS, cells, strict=True):
        if column.kind == DATE and cell.value:
            cell.number_format = "yyyy-mm-dd"
        elif column.kind == DECIMAL and cell.value is not None:
            cell.number_format = "#,##0.00"


def ledger_xlsx(cases: Iterable[DisposalCase]) -> bytes:
    """The cases in the ledger's columns, under their Chinese names, one row per case."""
    workbook = _workbook()
    sheet = workbook.active
    sheet.title = "台账"
    _header_row(sheet, [column.chinese for column in LEDGER_COLUMNS])
    with translation.override("zh-hans"):
        for case in cases:
            _ledger_row(sheet, [column.export_value(case) for column in LEDGER_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXAMPLE_ROW = {
    "park": "XQ",
    "parcel_code": "XQ-H01",
    "cadastral_code": "440403106003GB00801",
    "location": "珠海市斗门区新青科技工业园新青十路8号",
    "parcel_area_m2": Decimal("25000.00"),
    "land_use": "工业用地",
    "enterprise": "珠海市示例科技有限公司",
    "credit_code": "91350100M000100Y43",
    "agreed_start_on": date(2020, 6, 30),
    "case_number": "",
    "category": "闲置",
    "status": "已认定",
    "case_area_m2": Decimal("25000.00"),
    "opened_on": date(2022, 3, 5),
    "identified_on": date(2022, 6, 10),
    "disposal_method": "",
    "decision_on": None,
    "target_on": date(2023, 6, 30),
    "disposed_on": None,
    "disposed_area_m2": None,
    "officer": "",
    "low_willingness": "是",
    "evidence_difficulty": "否",
    "litigation_risk": "否",
    "funding_gap": "否",
    "notes": "示例 example",
}

# What marked the example row of earlier templates; such a row is refused, never imported.
EXAMPLE_MARK = "示例行"


def template_xlsx(*, park_code: str = "") -> bytes:
    """The header row to fill in, and a sheet explaining each column with its allowed values and an example.

    The example stands only on the explanation sheet, so the template as downloaded imports nothing.
    """
    workbook = _workbook()
    sheet = workbook.active
    sheet.title = "台账"
    _header_row(sheet, [column.chinese for column in LEDGER_COLUMNS])
    example = {**EXAMPLE_ROW, "park": park_code or EXAMPLE_ROW["park"]}

    notes = workbook.create_sheet(gettext("Columns"))
    _header_row(
        notes,
        [
            gettext("Chinese name"),
            gettext("English name"),
            gettext("required"),
            gettext("meaning"),
            gettext("allowed values"),
            gettext("example"),
        ],
        widths=[20, 22, 8, 60, 70, 36],
    )
    for column in LEDGER_COLUMNS:
        cells = append_xlsx_row(
            notes,
            [
                column.chinese,
                column.key,
                gettext("yes") if column.required else "",
                str(column.help),
                allowed_values(column),
                example[column.key],
            ],
        )
        if column.kind == DATE and example[column.key]:
            cells[-1].number_format = "yyyy-mm-dd"
    from openpyxl.styles import Alignment

    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes.append([])
    for line in RULES:
        append_xlsx_row(notes, [str(line)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


RULES = (
    _("The first row is the header; columns may stand in any order, named in Chinese or in English."),
    _("One row per case. A file is imported whole or not at all: one refused row stops the import."),
    _(
        "Dates as 2022-03-05, 2022/3/5, 2022年3月5日 or an Excel date; numbers may carry thousands "
        "separators."
    ),
    _("XLSX, or CSV in UTF-8 or GB18030 (GBK). No formulas: paste values."),
    _("The examples above are for reading only: the rows of cases go on the first sheet, under its header."),
)


def allowed_values(column: LedgerColumn) -> str:
    if column.kind == CHOICE:
        lines = []
        for choice in column.choices:
            with translation.override("zh-hans"):
                chinese = str(choice.label)
            with translation.override("en"):
                english = str(choice.label)
            lines.append(f"{chinese} / {english} / {choice.value}")
        return "\n".join(lines)
    return {
        DECIMAL: gettext("a number, e.g. 12,345.67"),
        DATE: gettext("a date: 2022-03-05, 2022/3/5, 2022年3月5日"),
        BOOL: "是/否, yes/no, 1/0",
        USER: gettext("a user name"),
    }.get(column.kind, "")


def report_xlsx(report: LedgerReport) -> bytes:
    """The row-by-row report: one line per refused cell, one per row otherwise; the summary beside."""
    workbook = _workbook()
    sheet = workbook.active
    sheet.title = gettext("Report")[:31]
    _header_row(
        sheet,
        [
            gettext("row"),
            gettext("outcome"),
            gettext("park"),
            gettext("parcel"),
            gettext("case"),
            gettext("column"),
            gettext("value"),
            gettext("reason or change"),
        ],
        widths=[8, 12, 10, 16, 18, 22, 24, 80],
    )
    for row in report.rows:
        lines = [(p.column, p.value, p.reason) for p in row.problems] or [("", "", "；".join(row.changes))]
        for column, value, reason in lines:
            append_xlsx_row(
                sheet,
                [row.number, row.outcome_label, row.park, row.parcel, row.case_number, column, value, reason],
            )
    summary = workbook.create_sheet(gettext("Summary")[:31])
    for label, value in (
        (gettext("file"), report.file_name),
        ("SHA-256", report.sha256),
        (gettext("size (bytes)"), report.size),
        (gettext("dry run"), gettext("yes") if report.dry_run else gettext("no")),
        (gettext("rows"), len(report.rows)),
        (gettext("created"), report.created),
        (gettext("updated"), report.updated),
        (gettext("unchanged"), report.unchanged),
        (gettext("refused"), report.refused),
        *((gettext("refused file"), message) for message in report.errors),
    ):
        append_xlsx_row(summary, [label, value])
    summary.column_dimensions["A"].width = 16
    summary.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
