"""The report's files: JSON, CSV (with a BOM for Excel), XLSX and the printable PDF."""

import csv
import io
import json
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..exports import SheetWriter, export_rows, new_workbook, workbook_bytes
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
HEADER_FILL = "DDEBE4"
MONTH_WIDTHS = [6, 10, 14, 10, 14, 12, 16, 10, 16, 10, 12, 16]
MONTH_FORMATS = [
    AREA_FORMAT if key.endswith("_m2") else RATE_FORMAT if key in {"rate_pct", "gap_pp"} else None
    for key, _label in MONTH_COLUMNS
]


def to_xlsx(report: MonthlyReport) -> bytes:
    """A workbook a land office can send on: title and scope, units in the headers, number formats,
    frozen header, then the definitions, the breakdowns and the disposed cases on their own sheets."""
    workbook = new_workbook()
    _months_sheet(workbook, report)
    _definitions_sheet(workbook)
    _breakdowns_sheet(workbook, report)
    _disposed_sheet(workbook, report)
    return workbook_bytes(workbook)


def _months_sheet(workbook, report: MonthlyReport) -> None:
    sheet = SheetWriter(workbook, str(_("monthly report")), widths=MONTH_WIDTHS, freeze=f"A{HEADER_ROW + 1}")
    sheet.header([report_title(report)], size=14)
    sheet.row([report_subtitle(report)])
    sheet.header([label for _key, label in MONTH_COLUMNS], fill=HEADER_FILL, wrap=True)
    for row in report.months:
        values = row.as_dict()
        sheet.row([_cell(values[key]) for key, _label in MONTH_COLUMNS], MONTH_FORMATS)


def _definitions_sheet(workbook) -> None:
    definitions = SheetWriter(workbook, str(_("definitions")), widths=[22, 110])
    definitions.header([_("figure"), _("definition")], fill=HEADER_FILL)
    for term, text in DEFINITIONS:
        definitions.row([str(term), str(text)])


def _breakdowns_sheet(workbook, report: MonthlyReport) -> None:
    breakdown = SheetWriter(workbook, str(_("breakdowns")), widths=[14, 34])
    breakdown.header(
        [_("breakdown"), _("group"), *[label for _k, label in BREAKDOWN_COLUMNS]], fill=HEADER_FILL
    )
    for title, groups, label in (
        (_("by category"), report.by_category, category_label),
        (_("by disposal method"), report.by_method, method_label),
        (_("by park"), report.by_park, str),
    ):
        for key, figures in groups.items():
            breakdown.row([str(title), label(key), *breakdown_values(figures)])


def _disposed_sheet(workbook, report: MonthlyReport) -> None:
    disposed = SheetWriter(workbook, str(_("disposed cases")), widths=[16, 8, 12, 30, 36, 14, 12, 30])
    disposed.header(DISPOSED_COLUMNS, fill=HEADER_FILL)
    formats = [None] * 5 + [AREA_FORMAT]
    for case in export_rows(report.disposed_cases):
        disposed.row(disposed_case_values(case), formats)


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
