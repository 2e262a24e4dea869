"""Ledger files written out: the case list in the ledger's columns, and the template to fill in with
its sheet explaining every column."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..exports import XLSX_CONTENT_TYPE, SheetWriter, export_rows, label_widths, new_workbook, workbook_bytes
from ..models import DisposalCase
from .columns import BOOL, CHOICE, DATE, DECIMAL, LEDGER_COLUMNS, USER, LedgerColumn

__all__ = [
    "EXAMPLE_ROW",
    "RULES",
    "XLSX_CONTENT_TYPE",
    "allowed_values",
    "ledger_sheet",
    "ledger_xlsx",
    "template_xlsx",
]

HEADER_FILL = "E8EEF4"
LEDGER_FORMATS = [{DATE: "yyyy-mm-dd", DECIMAL: "#,##0.00"}.get(column.kind) for column in LEDGER_COLUMNS]


def ledger_sheet(workbook, title: str, labels: list[str], widths: list[int] | None = None) -> SheetWriter:
    """A sheet of the ledger's files: its header filled, frozen above the rows."""
    sheet = SheetWriter(workbook, title, widths=widths or label_widths(labels, extra=2), freeze="A2")
    sheet.header(labels, fill=HEADER_FILL)
    return sheet


def ledger_xlsx(cases: Iterable[DisposalCase]) -> bytes:
    """The cases in the ledger's columns, under their Chinese names, one row per case."""
    workbook = new_workbook()
    sheet = ledger_sheet(workbook, "台账", [column.chinese for column in LEDGER_COLUMNS])
    with translation.override("zh-hans"):
        for case in export_rows(cases):
            values = [column.export_value(case) for column in LEDGER_COLUMNS]
            sheet.row([None if value == "" else value for value in values], LEDGER_FORMATS)
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
    ledger_sheet(workbook, "台账", [column.chinese for column in LEDGER_COLUMNS])
    example = {**EXAMPLE_ROW, "park": park_code or EXAMPLE_ROW["park"]}
    notes = ledger_sheet(
        workbook,
        gettext("Columns"),
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
        notes.row(
            [
                column.chinese,
                column.key,
                gettext("yes") if column.required else "",
                str(column.help),
                allowed_values(column),
                example[column.key],
            ],
            [None] * 5 + ["yyyy-mm-dd" if column.kind == DATE else None],
            wrap=True,
        )
    notes.blank()
    for line in RULES:
        notes.row([str(line)])
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
