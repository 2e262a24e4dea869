"""The report's files: JSON, CSV (with a BOM for Excel), XLSX and the printable PDF."""

import csv
import io
import json
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..exports import append_xlsx_row
from ..models import DisposalCase, RateFigures
from .chart import chart
from .monthly import MONTH_COLUMNS, MonthlyReport, category_label, method_label


def to_json(report: MonthlyReport) -> bytes:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2).encode("utf-8")


def to_csv(report: MonthlyReport) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Chinese headers correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(label) for _key, label in MONTH_COLUMNS])
    for row in report.months:
        values = row.as_dict()
        writer.writerow(["" if values[key] is None else values[key] for key, _label in MONTH_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


AREA_FORMAT = "#,##0.00"
RATE_FORMAT = "0.0"
HEADER_ROW = 3  # title, scope, then the header the sheet freezes under


def to_xlsx(report: MonthlyReport) -> bytes:
    """A workbook a land office can send on: title and scope, units in the headers, number formats,
    frozen header, then the definitions, the breakdowns and the disposed cases on their own sheets."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBE4")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("monthly report"))[:31]
    append_xlsx_row(sheet, [report_title(report)])[0].font = Font(bold=True, size=14)
    append_xlsx_row(sheet, [report_subtitle(report)])
    for cell in append_xlsx_row(sheet, [str(label) for _key, label in MONTH_COLUMNS]):
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in report.months:
        values = row.as_dict()
        cells = append_xlsx_row(sheet, [_cell(values[key]) for key, _label in MONTH_COLUMNS])
        for cell, (key, _label) in zip(cells, MONTH_COLUMNS, strict=True):
            if key.endswith("_m2"):
                cell.number_format = AREA_FORMAT
            elif key in {"rate_pct", "gap_pp"}:
                cell.number_format = RATE_FORMAT
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    for index, width in enumerate([6, 10, 14, 10, 14, 12, 16, 10, 16, 10, 12, 16], start=1):
        sheet.column_dimensions[sheet.cell(HEADER_ROW, index).column_letter].width = width

    definitions = workbook.create_sheet(str(_("definitions"))[:31])
    for cell in append_xlsx_row(definitions, [str(_("figure")), str(_("definition"))]):
        cell.font, cell.fill = bold, fill
    for term, text in DEFINITIONS:
        append_xlsx_row(definitions, [str(term), str(text)])
    definitions.column_dimensions["A"].width = 22
    definitions.column_dimensions["B"].width = 110

    breakdown = workbook.create_sheet(str(_("breakdowns"))[:31])
    header = [str(_("breakdown")), str(_("group")), *[str(label) for _k, label in BREAKDOWN_COLUMNS]]
    for cell in append_xlsx_row(breakdown, header):
        cell.font, cell.fill = bold, fill
    for title, groups, label in (
        (_("by category"), report.by_category, category_label),
        (_("by disposal method"), report.by_method, method_label),
        (_("by park"), report.by_park, str),
    ):
        for key, figures in groups.items():
            append_xlsx_row(breakdown, [str(title), label(key), *breakdown_values(figures)])
    breakdown.column_dimensions["A"].width = 14
    breakdown.column_dimensions["B"].width = 34

    disposed = workbook.create_sheet(str(_("disposed cases"))[:31])
    for cell in append_xlsx_row(disposed, [str(label) for label in DISPOSED_COLUMNS]):
        cell.font, cell.fill = bold, fill
    for case in report.disposed_cases:
        append_xlsx_row(disposed, disposed_case_values(case))[5].number_format = AREA_FORMAT
    for letter, width in zip("ABCDEFGH", [16, 8, 12, 30, 36, 14, 12, 30], strict=True):
        disposed.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value):
    # Decimals go into the workbook as numbers so that the land office can sum them.
    return Decimal(value) if isinstance(value, str) else value


def report_title(report: MonthlyReport) -> str:
    scope = report.park.name if report.park else str(_("all parks"))
    return str(
        _("%(scope)s: idle and low-efficiency land disposal, monthly report %(year)s")
        % {"scope": scope, "year": report.year}
    )


def report_subtitle(report: MonthlyReport) -> str:
    category = category_label(report.category) if report.category else str(_("all categories"))
    return str(
        _("As of %(date)s · %(category)s · benchmark %(benchmark)s%%")
        % {"date": report.as_of.isoformat(), "category": category, "benchmark": report.benchmark_pct}
    )


BREAKDOWN_COLUMNS = (
    ("register_count", _("register (cases)")),
    ("register_area_m2", _("register area (m²)")),
    ("disposed_count", _("disposed this year (cases)")),
    ("disposed_area_m2", _("disposed this year (m²)")),
    ("rate_pct", _("disposal rate (%)")),
)


def breakdown_values(figures: RateFigures) -> list:
    return [
        figures.register_count,
        figures.register_area_m2,
        figures.disposed_count,
        figures.disposed_area_m2,
        figures.rate_pct,
    ]


DISPOSED_COLUMNS = (
    _("case number"),
    _("park"),
    _("parcel number"),
    _("location"),
    _("land user"),
    _("disposed area (m²)"),
    _("disposed on"),
    _("disposal method"),
)


def disposed_case_values(case: DisposalCase) -> list:
    return [
        case.number,
        case.parcel.park.code,
        case.parcel.code,
        case.parcel.location,
        case.parcel.enterprise.name if case.parcel.enterprise else "",
        case.disposed_area_m2,
        case.disposed_on,
        method_label(case.disposal_method),
    ]


DEFINITIONS = (
    (
        _("register"),
        _(
            "Cases identified on or before the report date, not withdrawn, and not disposed before 1 "
            "January of the year; the register area is the sum of their areas under disposal."
        ),
    ),
    (
        _("disposed"),
        _(
            "Cases disposed between 1 January and the report date; the disposed area is the sum of "
            "their disposed areas (a partial disposal counts only its disposed area)."
        ),
    ),
    (
        _("disposal rate"),
        _(
            "Disposed area ÷ register area × 100, rounded half-up to one decimal; no rate when the "
            "register is empty. The count rate (disposed cases ÷ register cases) is shown beside it."
        ),
    ),
    (
        _("benchmark"),
        _(
            "The disposal-rate target set for the park and year; where none is set, 55.4 %, the "
            "Xinqing park's 2022 result."
        ),
    ),
    (_("gap"), _("Rate minus benchmark, in percentage points.")),
    (
        _("area to benchmark"),
        _(
            "The area still to dispose of for the rate to reach the benchmark: benchmark × register "
            "area − disposed area, never below 0."
        ),
    ),
    (
        _("monthly rows"),
        _(
            "Each month counts up to its last day (the report date in the report's month): cases "
            "identified in the month that are in the register, cases disposed in the month, and the "
            "year's disposed cases and register at the month's end."
        ),
    ),
    (
        _("forecast"),
        _(
            "The rate the year ends at if every case now being implemented is disposed of by its "
            "planned completion date within the year, against today's register."
        ),
    ),
    (
        _("month-end close"),
        _(
            "A closed month's figures are frozen as reported; later corrections are shown beside them"
            " as a restatement, never written over them."
        ),
    ),
)


def to_pdf(report: MonthlyReport, *, produced_by: str = "", base_url: str | None = None) -> bytes:
    """The printable report as an A4 PDF with the Chinese font embedded (WeasyPrint)."""
    from django.contrib.staticfiles import finders
    from django.template.loader import render_to_string
    from weasyprint import CSS, HTML

    html = render_to_string(
        "cases/report_print.html", print_context(report, produced_by=produced_by, pdf=True)
    )
    # The printable page's stylesheet, read from disk rather than fetched from the site.
    stylesheet = CSS(filename=finders.find("parkland/report-print.css"))
    return HTML(string=html, base_url=base_url or str(settings.BASE_DIR)).write_pdf(stylesheets=[stylesheet])


def print_context(report: MonthlyReport, *, produced_by: str, pdf: bool = False) -> dict:
    return {
        "report": report,
        "chart": chart(report),
        "title": report_title(report),
        "subtitle": report_subtitle(report),
        "definitions": DEFINITIONS,
        "produced_by": produced_by,
        "produced_at": timezone.localtime(),
        "by_category": [(category_label(k), v) for k, v in report.by_category.items()],
        "by_method": [(method_label(k), v) for k, v in report.by_method.items()],
        "by_park": list(report.by_park.items()),
        "pdf": pdf,
    }


WRITERS = {"json": to_json, "csv": to_csv, "xlsx": to_xlsx, "pdf": to_pdf}
