"""The ledger's format (台账, docs/data-model.md#ledger-columns-台账): `LEDGER_COLUMNS` is its one
definition; the importer, the export, the template and its explanation sheet are all made from it.

- **Files**: XLSX (the first sheet with a header row) or CSV in UTF-8 (with or without BOM) or
  GB18030/GBK, comma, semicolon or tab separated (`reading.py`), at most PARKLAND_LEDGER_MAX_BYTES.
- **Header**: the first row; columns in any order, each by its Chinese or English name (full-width
  forms, case, spaces, underscores and a trailing * ignored). Unknown, repeated or missing required
  columns refuse the file and are named (`map_headers`). A column left out of the file leaves that
  field as it is; the park column may be left out when the import names the park.
- **Values** (`values.py`): dates as 2022-03-05, 2022/3/5, 2022年3月5日 or an Excel date; numbers with
  or without thousands separators; choices by Chinese or English label or by code; flags as 是/否,
  yes/no, 1/0. A formula or an error cell is refused.
- **Rows** (`planning/`): each row creates or updates the parcel (park + parcel number), the land user
  (credit code, else name, within the park) and the case (case number, else parcel + opening date),
  through the models' own checks plus what spans rows; one refused row and nothing is written.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import Category, DisposalCase, DisposalMethod, Status
from ..models.land import LandUse
from .reading import LedgerFileError

TEXT, DECIMAL, DATE, CHOICE, BOOL, USER = "text", "decimal", "date", "choice", "bool", "user"


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


def header_names(columns: tuple[LedgerColumn, ...]) -> dict[str, LedgerColumn]:
    """Each column by its normalised English and Chinese names."""
    return {normalise_header(name): column for column in columns for name in (column.key, column.chinese)}


HEADER_NAMES = header_names(LEDGER_COLUMNS)


def _no_header(columns: tuple[LedgerColumn, ...]) -> LedgerFileError:
    """The refusal of a file whose first row names none of the columns of the format read."""
    if columns is LEDGER_COLUMNS:
        return LedgerFileError(
            _(
                "The first row names none of the ledger's columns, so this is not a ledger. The first row "
                "must be the header (园区代码, 宗地编号, 坐落 …); download the template to see every column."
            )
        )
    return LedgerFileError(
        _(
            "The first row names none of the expected columns. The first row must be the header "
            "(%(examples)s …); download the template to see every column."
        )
        % {"examples": ", ".join(column.chinese for column in columns[:3])}
    )


def map_headers(
    headers: list[str], *, has_default_park: bool, columns: tuple[LedgerColumn, ...] = LEDGER_COLUMNS
) -> dict[int, LedgerColumn]:
    """The column of each header position; unknown, repeated or missing required columns are refused.

    `columns`: the format read, the ledger's unless another import (the yearly figures) names its own.
    """
    from openpyxl.utils import get_column_letter

    names = HEADER_NAMES if columns is LEDGER_COLUMNS else header_names(columns)
    by_key = {column.key: column for column in columns}
    found: dict[int, LedgerColumn] = {}
    positions: dict[str, list[int]] = defaultdict(list)
    unknown = []
    for index, header in enumerate(headers):
        if not header:
            continue
        column = names.get(normalise_header(header))
        if column is None:
            unknown.append(f"{get_column_letter(index + 1)}“{header}”")
            continue
        found[index] = column
        positions[column.key].append(index)
    if not found:
        raise _no_header(columns)
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
                    "column": by_key[key],
                    "letters": ", ".join(get_column_letter(i + 1) for i in indexes),
                }
            )
    missing = [
        column
        for column in columns
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
