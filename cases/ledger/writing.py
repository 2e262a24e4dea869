"""Ledger files written out: the case list in the ledger's columns, and the template to fill in with
its sheet explaining every column."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..exports import append_xlsx_row
from ..models import DisposalCase
from .columns import BOOL, CHOICE, DATE, DECIMAL, LEDGER_COLUMNS, USER, LedgerColumn

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def new_workbook():
    from openpyxl import Workbook

    return Workbook()


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def header_row(sheet, labels: list[str], widths: list[int] | None = None) -> None:
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
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = "台账"
    header_row(sheet, [column.chinese for column in LEDGER_COLUMNS])
    with translation.override("zh-hans"):
        for case in cases:
            _ledger_row(sheet, [column.export_value(case) for column in LEDGER_COLUMNS])
    return workbook_bytes(workbook)


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
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = "台账"
    header_row(sheet, [column.chinese for column in LEDGER_COLUMNS])
    example = {**EXAMPLE_ROW, "park": park_code or EXAMPLE_ROW["park"]}

    notes = workbook.create_sheet(gettext("Columns"))
    header_row(
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
    return workbook_bytes(workbook)


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
