"""The monthly disposal-rate report (DESIGN.md §6): filtered querysets in, rows and files out.

Knows nothing of requests: callers pass the cases a user may see (scoping.cases_for) or all cases.
"""

import calendar
import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .exports import append_xlsx_row
from .models import (
    Category,
    DisposalCase,
    DisposalMethod,
    DisposalTarget,
    MonthClose,
    MonthFigures,
    Park,
    RateFigures,
)
from .models.case import rate_pct

MIN_YEAR, MAX_YEAR = 2000, 2100

MONTH_COLUMNS = (
    ("month", _("month")),
    ("identified_count", _("identified (cases)")),
    ("identified_area_m2", _("identified area (m²)")),
    ("disposed_count", _("disposed (cases)")),
    ("disposed_area_m2", _("disposed area (m²)")),
    ("cum_disposed_count", _("disposed this year (cases)")),
    ("cum_disposed_area_m2", _("disposed this year (m²)")),
    ("register_count", _("register (cases)")),
    ("register_area_m2", _("register area (m²)")),
    ("rate_pct", _("disposal rate (%)")),
    ("gap_pp", _("gap to benchmark (pp)")),
    ("area_to_benchmark_m2", _("area to benchmark (m²)")),
)


class ReportError(ValueError):
    """The report cannot be made for these parameters; the message says why."""


def default_as_of(year: int, today: date | None = None) -> date:
    """Today in the current year, else the last day of the year asked for."""
    today = today or timezone.localdate()
    return today if today.year == year else date(year, 12, 31)


def check_period(year: int, as_of: date | None) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ReportError(
            _("The year must lie between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    as_of = as_of or default_as_of(year)
    if as_of.year != year:
        raise ReportError(
            _("The report date %(date)s is not in %(year)s.") % {"date": as_of.isoformat(), "year": year}
        )
    return as_of


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class MonthRow:
    figures: MonthFigures
    benchmark_pct: Decimal

    def as_dict(self) -> dict:
        cumulative = self.figures.cumulative
        return {
            "month": self.figures.month,
            "identified_count": self.figures.identified_count,
            "identified_area_m2": str(self.figures.identified_area_m2),
            "disposed_count": self.figures.disposed_count,
            "disposed_area_m2": str(self.figures.disposed_area_m2),
            "cum_disposed_count": cumulative.disposed_count,
            "cum_disposed_area_m2": str(cumulative.disposed_area_m2),
            "register_count": cumulative.register_count,
            "register_area_m2": str(cumulative.register_area_m2),
            "rate_pct": _text(cumulative.rate_pct),
            "gap_pp": _text(cumulative.gap_pp(self.benchmark_pct)),
            "area_to_benchmark_m2": str(cumulative.area_to_benchmark_m2(self.benchmark_pct)),
        }


@dataclass(frozen=True)
class Restatement:
    """A closed month's figures as reported, beside what the data gives now."""

    close: MonthClose
    reported: dict
    current: dict

    KEYS = ("register_area_m2", "cum_disposed_area_m2", "rate_pct", "register_count", "cum_disposed_count")

    @property
    def differences(self) -> dict:
        """Current minus reported, for each figure that moved; empty when nothing did."""
        changes = {}
        for key in self.KEYS:
            before, now = self.reported.get(key), self.current.get(key)
            if before == now:
                continue
            if before is None or now is None:
                changes[key] = None
            else:
                changes[key] = Decimal(str(now)) - Decimal(str(before))
        return changes


@dataclass(frozen=True)
class MonthlyReport:
    year: int
    as_of: date
    park: Park | None
    category: str
    benchmark_pct: Decimal
    totals: RateFigures
    months: list[MonthRow]
    by_category: dict[str, RateFigures]
    by_method: dict[str, RateFigures]
    by_park: dict[str, RateFigures]
    disposed_cases: QuerySet[DisposalCase]
    forecast_area_m2: Decimal
    closes: dict[int, MonthClose] = field(default_factory=dict)

    @property
    def gap_pp(self) -> Decimal | None:
        return self.totals.gap_pp(self.benchmark_pct)

    @property
    def area_to_benchmark_m2(self) -> Decimal:
        return self.totals.area_to_benchmark_m2(self.benchmark_pct)

    @property
    def forecast_rate_pct(self) -> Decimal | None:
        return rate_pct(self.forecast_area_m2, self.totals.register_area_m2)

    @property
    def forecast_gap_pp(self) -> Decimal | None:
        rate = self.forecast_rate_pct
        return None if rate is None else rate - self.benchmark_pct

    @property
    def area_to_benchmark_after_forecast_m2(self) -> Decimal:
        needed = self.benchmark_pct / 100 * self.totals.register_area_m2 - self.forecast_area_m2
        return max(Decimal("0.00"), needed).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def restatements(self) -> dict[int, Restatement]:
        key = self.category or "all"
        return {
            row.figures.month: Restatement(
                self.closes[row.figures.month], self.closes[row.figures.month].figures[key], row.as_dict()
            )
            for row in self.months
            # A month that the report cuts short (as_of inside it) is not the month that was closed.
            if row.figures.month in self.closes and row.figures.end == month_end(self.year, row.figures.month)
        }

    def scope(self) -> dict:
        return {
            "park": self.park.code if self.park else None,
            "park_name": self.park.name if self.park else None,
            "category": self.category or None,
        }

    def as_dict(self) -> dict:
        return {
            "scope": self.scope(),
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "benchmark_pct": str(self.benchmark_pct),
            "months": [row.as_dict() for row in self.months],
        }


def monthly_report(
    cases: QuerySet[DisposalCase],
    *,
    year: int,
    as_of: date | None = None,
    park: Park | None = None,
    category: str = "",
) -> MonthlyReport:
    """The report of DESIGN.md §6 over `cases`, narrowed to `park` and `category` when given.

    A fixed number of queries whatever the number of cases: one aggregate each for the totals,
    the months, each breakdown and the forecast, one each for the benchmark and the month closes;
    the disposed-case list is lazy.
    """
    as_of = check_period(year, as_of)
    if category and category not in Category.values:
        raise ReportError(_("Unknown category: %(category)s.") % {"category": category})
    if park is not None:
        cases = cases.filter(parcel__park=park)
    if category:
        cases = cases.filter(category=category)
    benchmark = DisposalTarget.objects.benchmark_pct(park=park, year=year)
    closes = {}
    if park is not None:
        closes = {c.month: c for c in MonthClose.objects.in_force().filter(park=park, year=year)}
    return MonthlyReport(
        year=year,
        as_of=as_of,
        park=park,
        category=category,
        benchmark_pct=benchmark,
        totals=cases.rate_figures(year=year, as_of=as_of),
        months=[MonthRow(m, benchmark) for m in cases.monthly_figures(year=year, as_of=as_of)],
        by_category=cases.rate_breakdown("category", year=year, as_of=as_of),
        by_method=cases.rate_breakdown("disposal_method", year=year, as_of=as_of),
        by_park=cases.rate_breakdown("parcel__park__code", year=year, as_of=as_of),
        disposed_cases=cases.disposed_in_year(year=year, as_of=as_of)
        .select_related("parcel__park", "parcel__enterprise")
        .order_by("disposed_on", "number"),
        forecast_area_m2=cases.forecast_area_m2(year=year, as_of=as_of),
        closes=closes,
    )


def method_label(code: str) -> str:
    return str(DisposalMethod(code).label) if code in DisposalMethod.values else str(_("not yet decided"))


def category_label(code: str) -> str:
    return str(Category(code).label) if code in Category.values else code


# Month-end close ------------------------------------------------------------------------------


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def close_month(*, park: Park, year: int, month: int, by, today: date | None = None) -> MonthClose:
    """Freeze a park's figures for a month that has ended: all cases and each category, with the
    case numbers behind them. Raises ReportError when the month has not ended or is closed."""
    today = today or timezone.localdate()
    if not MIN_YEAR <= year <= MAX_YEAR or not 1 <= month <= 12:
        raise ReportError(
            _("A month from 1 to 12 of a year from %(min)s to %(max)s can be closed.")
            % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    end = month_end(year, month)
    if end >= today:
        raise ReportError(
            _("%(year)s-%(month)02d has not ended yet; it can be closed from the first day after.")
            % {"year": year, "month": month}
        )
    cases = DisposalCase.objects.filter(parcel__park=park)
    benchmark = DisposalTarget.objects.benchmark_pct(park=park, year=year)
    figures = {}
    for key, scoped in (("all", cases), *((c.value, cases.filter(category=c.value)) for c in Category)):
        figures[key] = MonthRow(scoped.monthly_figures(year=year, as_of=end)[-1], benchmark).as_dict()
    behind = {
        "register": list(
            cases.register(year=year, as_of=end).order_by("number").values_list("number", flat=True)
        ),
        "disposed": list(
            cases.disposed_in_year(year=year, as_of=end).order_by("number").values_list("number", flat=True)
        ),
    }
    try:
        with transaction.atomic():
            return MonthClose.objects.create(
                park=park, year=year, month=month, figures=figures, cases=behind, closed_by=by
            )
    except IntegrityError as error:
        raise ReportError(
            _("%(year)s-%(month)02d is already closed for %(park)s.")
            % {"year": year, "month": month, "park": park.name}
        ) from error


def reopen_month(close: MonthClose, *, by, reason: str) -> None:
    """Reopen a closed month with a reason; the close stays on record, marked as reopened."""
    reason = reason.strip()
    if not reason:
        raise ReportError(_("Give the reason for reopening the month."))
    if close.reopened_at is not None:
        raise ReportError(_("This month was already reopened."))
    close.reopened_at = timezone.now()
    close.reopened_by = by
    close.reopen_reason = reason
    close._history_user = by
    close.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])


# The chart ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """Coordinates of the report's SVG chart: cumulative rate line, benchmark line, monthly bars."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    rate_points: str
    rate_dots: list
    benchmark_y: float
    bars: list
    y_ticks: list
    area_ticks: list
    months: list


def chart(report: MonthlyReport) -> Chart:
    width, height, left, right, top, bottom = 760, 300, 56, 70, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / 12

    def x(month: int) -> float:
        return round(left + step * (month - 0.5), 1)

    def y_rate(pct: Decimal) -> float:
        return round(top + plot_h * (1 - float(pct) / 100), 1)

    largest = max((row.figures.disposed_area_m2 for row in report.months), default=Decimal(0)) or Decimal(1)
    scale = _nice_ceiling(largest)
    bars, dots = [], []
    for row in report.months:
        area = row.figures.disposed_area_m2
        bar_h = round(plot_h * float(area / scale), 1)
        bars.append(
            {
                "x": round(x(row.figures.month) - step * 0.3, 1),
                "y": round(top + plot_h - bar_h, 1),
                "w": round(step * 0.6, 1),
                "h": bar_h,
                "month": row.figures.month,
                "area": area,
            }
        )
        rate = row.figures.cumulative.rate_pct
        if rate is not None:
            dots.append(
                {"x": x(row.figures.month), "y": y_rate(rate), "rate": rate, "month": row.figures.month}
            )
    return Chart(
        width=width,
        height=height,
        left=left,
        right=width - right,
        top=top,
        bottom=top + plot_h,
        rate_points=" ".join(f"{d['x']},{d['y']}" for d in dots),
        rate_dots=dots,
        benchmark_y=y_rate(report.benchmark_pct),
        bars=bars,
        y_ticks=[{"y": y_rate(Decimal(p)), "label": p} for p in (0, 20, 40, 60, 80, 100)],
        area_ticks=[{"y": round(top + plot_h * (1 - i / 4), 1), "label": scale * i / 4} for i in range(5)],
        months=[{"x": x(m), "label": m} for m in range(1, 13)],
    )


def _nice_ceiling(value: Decimal) -> Decimal:
    """A round number at or above `value` for the area axis (1, 2 or 5 times a power of ten)."""
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for factor in (1, 2, 5, 10):
        if value <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


# Files ----------------------------------------------------------------------------------------


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
