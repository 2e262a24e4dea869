"""The monthly report (docs/disposal-rate.md#the-monthly-report): the year's rate by month, its
breakdowns and its forecast."""

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..exceptions import ReportError
from ..figures import cached
from ..models import (
    Category,
    DisposalCase,
    DisposalMethod,
    DisposalTarget,
    MonthClose,
    MonthFigures,
    Park,
    RateFigures,
)
from ..models.rate import rate_pct

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


# The breakdowns of the report, all grouped in one query: by category, disposal method and park.
BREAKDOWN_FIELDS = ("category", "disposal_method", "parcel__park__code")
# The report page lists the first disposed cases; the files and the case list give them all.
DISPOSED_SHOWN = 100


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
class MonthlyReport:
    year: int
    as_of: date
    park: Park | None
    category: str
    benchmark_pct: Decimal
    totals: RateFigures
    months: list[MonthRow]
    cases: QuerySet[DisposalCase]  # the report's scope: the cases it counts
    forecast_area_m2: Decimal
    closes: dict[int, MonthClose] = field(default_factory=dict)
    # Names the cases in scope (`scoping.scope_key`) when the figures may be kept in the cache.
    cache_scope: str | None = None

    @property
    def kept_parts(self) -> tuple:
        """What names this report among those kept in the cache (with the data version)."""
        return _kept_parts(self.cache_scope, self.year, self.as_of, self.park, self.category)

    def _kept(self, name: str, compute):
        if self.cache_scope is None:
            return compute()
        return cached(f"report-{name}", self.kept_parts, compute)

    @cached_property
    def breakdowns(self) -> dict[str, dict[str, RateFigures]]:
        """By category, disposal method and park, in one query, made only when something shows them."""
        return self._kept(
            "breakdowns",
            lambda: self.cases.rate_breakdowns(BREAKDOWN_FIELDS, year=self.year, as_of=self.as_of),
        )

    @property
    def by_category(self) -> dict[str, RateFigures]:
        return self.breakdowns["category"]

    @property
    def by_method(self) -> dict[str, RateFigures]:
        return self.breakdowns["disposal_method"]

    @property
    def by_park(self) -> dict[str, RateFigures]:
        return self.breakdowns["parcel__park__code"]

    @cached_property
    def disposed_cases(self) -> QuerySet[DisposalCase]:
        """Every case disposed in the year up to the report date, by date (lazy: the files list them)."""
        return (
            self.cases.disposed_in_year(year=self.year, as_of=self.as_of)
            .select_related("parcel__park", "parcel__enterprise")
            .order_by("disposed_on", "number")
        )

    @property
    def gap_pp(self) -> Decimal | None:
        return self.totals.gap_pp(self.benchmark_pct)

    @cached_property
    def disposed_cases_shown(self) -> list[DisposalCase]:
        """The first `DISPOSED_SHOWN` disposed cases, for the page; `totals.disposed_count` has them all."""
        return self._kept("disposed-shown", lambda: list(self.disposed_cases[:DISPOSED_SHOWN]))

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
    cache_scope: str | None = None,
) -> MonthlyReport:
    """The report of docs/disposal-rate.md over `cases`, narrowed to `park` and `category` when given.

    A fixed number of queries whatever the number of cases: one pass for the months, the totals and
    the forecast (`year_figures`), one each for the benchmark and the month closes; the three
    breakdowns (one query, `rate_breakdowns`) and the disposed-case list are made when first read.
    With `cache_scope` (the key of the cases in scope, `scoping.scope_key`), the year's figures, the
    breakdowns and the disposed-case list are kept in the cache until their rows change
    (`cases/figures.py`).
    """
    as_of = check_period(year, as_of)
    if category and category not in Category.values:
        raise ReportError(_("Unknown category: %(category)s.") % {"category": category})
    if park is not None:
        cases = cases.filter(parcel__park=park)
    if category:
        cases = cases.filter(category=category)
    benchmark = DisposalTarget.objects.benchmark_pct(park=park, year=year)
    if cache_scope is None:
        figures = cases.year_figures(year=year, as_of=as_of)
    else:
        parts = _kept_parts(cache_scope, year, as_of, park, category)
        figures = cached("report-year", parts, lambda: cases.year_figures(year=year, as_of=as_of))
    return MonthlyReport(
        year=year,
        as_of=as_of,
        park=park,
        category=category,
        benchmark_pct=benchmark,
        totals=figures.totals,
        months=[MonthRow(m, benchmark) for m in figures.months],
        cases=cases,
        forecast_area_m2=figures.forecast_area_m2,
        closes=MonthClose.objects.in_force_by_month(park=park, year=year) if park is not None else {},
        cache_scope=cache_scope,
    )


def _kept_parts(cache_scope: str | None, year: int, as_of: date, park: Park | None, category: str) -> tuple:
    return (cache_scope, year, as_of, park.pk if park else "", category)


def method_label(code: str) -> str:
    return str(DisposalMethod(code).label) if code in DisposalMethod.values else str(_("not yet decided"))


def category_label(code: str) -> str:
    return str(Category(code).label) if code in Category.values else code


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])
