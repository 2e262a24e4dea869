"""The disposal rate (docs/disposal-rate.md#definitions): which cases are in the register, which
count as disposed, and the figures that follow from them for a year, its months and its breakdowns.
Each is one query over the cases: the months of a year in one pass (`year_figures`), the breakdowns
in one grouped query (`rate_breakdowns`)."""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Case, Count, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth

from .base import AREA, CENT, m2_to_mu
from .choices import IDENTIFIED_STATUSES, Status

ZERO_AREA = Decimal("0.00")
PERCENT = Decimal("0.1")


def register_q(*, year: int, as_of: date) -> Q:
    """In the register of `year` at `as_of`: approved as identified (or further on) by then, and not
    disposed before the year began. Only a supervisor's step into `identified` sets `identified_on`."""
    return Q(status__in=IDENTIFIED_STATUSES, identified_on__lte=as_of) & (
        Q(disposed_on__isnull=True) | Q(disposed_on__gte=date(year, 1, 1))
    )


def disposed_q(*, start: date, end: date) -> Q:
    """Disposed, with the disposal date between `start` and `end` inclusive."""
    return Q(status=Status.DISPOSED, disposed_on__gte=start, disposed_on__lte=end)


def _area_sum(field: str, condition: Q | None = None):
    return Coalesce(
        Sum(field, filter=condition),
        Value(ZERO_AREA),
        output_field=models.DecimalField(**AREA),
    )


def _count(condition: Q):
    return Count("pk", filter=condition)


def rate_pct(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part ÷ whole × 100, half-up to one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RateFigures:
    """The register and the disposed cases of one scope at one date, and what follows from them."""

    register_count: int
    register_area_m2: Decimal
    disposed_count: int
    disposed_area_m2: Decimal

    @property
    def rate_pct(self) -> Decimal | None:
        return rate_pct(self.disposed_area_m2, self.register_area_m2)

    @property
    def count_rate_pct(self) -> Decimal | None:
        return rate_pct(self.disposed_count, self.register_count)

    @property
    def register_area_mu(self) -> Decimal:
        return m2_to_mu(self.register_area_m2)

    @property
    def disposed_area_mu(self) -> Decimal:
        return m2_to_mu(self.disposed_area_m2)

    def __add__(self, other: "RateFigures") -> "RateFigures":
        """The figures of two disjoint sets of cases together."""
        return RateFigures(
            register_count=self.register_count + other.register_count,
            register_area_m2=self.register_area_m2 + other.register_area_m2,
            disposed_count=self.disposed_count + other.disposed_count,
            disposed_area_m2=self.disposed_area_m2 + other.disposed_area_m2,
        )

    def gap_pp(self, benchmark_pct: Decimal) -> Decimal | None:
        """Rate minus benchmark, in percentage points; None without a rate."""
        rate = self.rate_pct
        return None if rate is None else rate - Decimal(benchmark_pct)

    def area_to_benchmark_m2(self, benchmark_pct: Decimal) -> Decimal:
        """Area still to dispose of for the rate to reach the benchmark (never negative)."""
        needed = Decimal(benchmark_pct) / 100 * self.register_area_m2 - self.disposed_area_m2
        return max(ZERO_AREA, needed).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class MonthFigures:
    month: int
    end: date
    identified_count: int
    identified_area_m2: Decimal
    disposed_count: int
    disposed_area_m2: Decimal
    cumulative: RateFigures


def month_ends(year: int, as_of: date) -> list[tuple[int, date, date]]:
    """(month, first day, last day counted) for January up to `as_of`'s month; the last ends at `as_of`."""
    months = []
    for month in range(1, as_of.month + 1):
        first = date(year, month, 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
        months.append((month, first, min(last, as_of)))
    return months


def _month_bucket(condition: Q, field: str, *, before: date | None = None):
    """The month of `field` for a row meeting `condition` (0 when it lies before `before`), else null."""
    whens = [When(condition & Q(**{f"{field}__lt": before}), then=Value(0))] if before else []
    return Case(
        *whens,
        When(condition, then=ExtractMonth(field)),
        default=Value(None),
        output_field=models.IntegerField(),
    )


@dataclass(frozen=True)
class YearFigures:
    """A year's month rows up to the report date, and the forecast area at that date."""

    months: list[MonthFigures]
    forecast_area_m2: Decimal

    @property
    def totals(self) -> RateFigures:
        """The year to date: the last month's running figures, which end at the report date."""
        return self.months[-1].cumulative


class _MonthBuckets:
    """Counts and areas by the month a case entered the register and the month it was disposed."""

    def __init__(self) -> None:
        self.entered: dict[int, list] = {}
        self.disposed: dict[int, list] = {}
        self.due = ZERO_AREA

    def add(self, row: dict) -> None:
        if row["entered"] is not None:
            bucket = self.entered.setdefault(int(row["entered"]), [0, ZERO_AREA])
            bucket[0] += row["n"]
            bucket[1] += Decimal(row["case_area"])
            self.due += Decimal(row["due_area"])
        if row["left"] is not None:
            bucket = self.disposed.setdefault(int(row["left"]), [0, ZERO_AREA])
            bucket[0] += row["n"]
            bucket[1] += Decimal(row["disposed_area"])

    def year(self, year: int, as_of: date) -> YearFigures:
        register = self.entered.get(0, [0, ZERO_AREA])[:]
        disposed = [0, ZERO_AREA]
        months = []
        for month, _first, end in month_ends(year, as_of):
            new_register = self.entered.get(month, [0, ZERO_AREA])
            new_disposed = self.disposed.get(month, [0, ZERO_AREA])
            register = [register[0] + new_register[0], register[1] + new_register[1]]
            disposed = [disposed[0] + new_disposed[0], disposed[1] + new_disposed[1]]
            months.append(
                MonthFigures(
                    month=month,
                    end=end,
                    identified_count=new_register[0],
                    identified_area_m2=new_register[1].quantize(CENT),
                    disposed_count=new_disposed[0],
                    disposed_area_m2=new_disposed[1].quantize(CENT),
                    cumulative=RateFigures(
                        register_count=register[0],
                        register_area_m2=register[1].quantize(CENT),
                        disposed_count=disposed[0],
                        disposed_area_m2=disposed[1].quantize(CENT),
                    ),
                )
            )
        return YearFigures(months=months, forecast_area_m2=(disposed[1] + self.due).quantize(CENT))


class RateQuerySet(models.QuerySet):
    """The disposal rate of any queryset of disposal cases (DisposalCase.objects is one)."""

    def register(self, *, year: int, as_of: date):
        """The denominator of the disposal rate (docs/disposal-rate.md#definitions): see `register_q`."""
        return self.filter(register_q(year=year, as_of=as_of))

    def disposed_in_year(self, *, year: int, as_of: date):
        """The numerator of the disposal rate: disposed between 1 January of `year` and `as_of`."""
        return self.filter(disposed_q(start=date(year, 1, 1), end=as_of))

    def rate_figures(self, *, year: int, as_of: date) -> RateFigures:
        """The disposal rate of this queryset for `year` as of `as_of`, in one aggregate query.

        Register: identified on or before `as_of`, not withdrawn, and not disposed before
        1 January of `year`; area = Σ case area. Disposed: disposed from 1 January of `year`
        to `as_of`; area = Σ disposed area. Rate = disposed area ÷ register area × 100.
        """
        return self.rate_figures_with({}, year=year, as_of=as_of)[0]

    def rate_figures_with(self, aggregates: dict, *, year: int, as_of: date) -> tuple[RateFigures, dict]:
        """`rate_figures` and the named `aggregates` of the same rows, in one aggregate query."""
        row = self.order_by().aggregate(**_rate_aggregates("rate_", year=year, as_of=as_of), **aggregates)
        return _rate_from_row(row, "rate_"), {name: row[name] for name in aggregates}

    def forecast_area_m2(self, *, year: int, as_of: date) -> Decimal:
        """Area disposed by year end if every case now in implementing is disposed by its target date.

        Counts the year's disposed area to `as_of` plus the area of each case in the register that is
        being implemented with a target date within `year`.
        """
        register = register_q(year=year, as_of=as_of)
        due = register & Q(
            status=Status.IMPLEMENTING, target_on__gte=date(year, 1, 1), target_on__lte=date(year, 12, 31)
        )
        row = self.order_by().aggregate(
            disposed=_area_sum("disposed_area_m2", disposed_q(start=date(year, 1, 1), end=as_of)),
            due=_area_sum("case_area_m2", due),
        )
        return (Decimal(row["disposed"]) + Decimal(row["due"])).quantize(CENT)

    def rate_breakdown(self, field: str, *, year: int, as_of: date) -> dict:
        """`rate_figures` for each value of `field` (e.g. "category"), in one grouped query."""
        return self.rate_breakdowns((field,), year=year, as_of=as_of)[field]

    def rate_breakdowns(self, fields: tuple[str, ...], *, year: int, as_of: date) -> dict[str, dict]:
        """`rate_breakdown` of each of `fields`, all from one query grouped by every field at once.

        The register is grouped by the combination of the fields' values; each field's figures are
        the sums of the groups that share its value, ordered by that value."""
        rows = (
            self.order_by()
            .filter(register_q(year=year, as_of=as_of))
            .values(*fields)
            .annotate(**_rate_aggregates("", year=year, as_of=as_of))
            .order_by()
        )
        totals: dict[str, dict] = {field: {} for field in fields}
        for row in rows:
            figures = _rate_from_row(row, "")
            for field in fields:
                before = totals[field].get(row[field])
                totals[field][row[field]] = figures if before is None else before + figures
        return {
            field: {key: groups[key] for key in sorted(groups, key=lambda k: (k is None, k))}
            for field, groups in totals.items()
        }

    def monthly_figures(self, *, year: int, as_of: date) -> list[MonthFigures]:
        """The month table of the monthly report (docs/disposal-rate.md) for January to `as_of`'s
        month, in one grouped query."""
        return self.year_figures(year=year, as_of=as_of).months

    def year_figures(self, *, year: int, as_of: date) -> YearFigures:
        """The month table, the year-to-date totals and the forecast area, in one pass over the cases.

        One query groups the cases by the month they entered the register at `as_of` (0 for an
        earlier year, none when not in it) and the month they were disposed within the year up to
        `as_of` (none when not), with the count and areas of each group. A month's register is then
        the running sum of the months entered up to it, its disposed cases the running sum of the
        months disposed; nothing is counted again per month."""
        first, last = date(year, 1, 1), date(year, 12, 31)
        register = register_q(year=year, as_of=as_of)
        disposed = disposed_q(start=first, end=as_of)
        due = Q(status=Status.IMPLEMENTING, target_on__gte=first, target_on__lte=last)
        rows = (
            self.order_by()
            .filter(register | disposed)
            .annotate(
                entered=_month_bucket(register, "identified_on", before=first),
                left=_month_bucket(disposed, "disposed_on"),
            )
            .values("entered", "left")
            .annotate(
                n=Count("pk"),
                case_area=_area_sum("case_area_m2"),
                disposed_area=_area_sum("disposed_area_m2"),
                due_area=_area_sum("case_area_m2", due),
            )
            .order_by()
        )
        buckets = _MonthBuckets()
        for row in rows:
            buckets.add(row)
        return buckets.year(year, as_of)


def _rate_aggregates(prefix: str, *, year: int, as_of: date) -> dict:
    register = register_q(year=year, as_of=as_of)
    disposed = disposed_q(start=date(year, 1, 1), end=as_of)
    return {
        f"{prefix}register_count": _count(register),
        f"{prefix}register_area": _area_sum("case_area_m2", register),
        f"{prefix}disposed_count": _count(disposed),
        f"{prefix}disposed_area": _area_sum("disposed_area_m2", disposed),
    }


def _rate_from_row(row: dict, prefix: str) -> RateFigures:
    return RateFigures(
        register_count=row[f"{prefix}register_count"],
        register_area_m2=Decimal(row[f"{prefix}register_area"]).quantize(CENT),
        disposed_count=row[f"{prefix}disposed_count"],
        disposed_area_m2=Decimal(row[f"{prefix}disposed_area"]).quantize(CENT),
    )
