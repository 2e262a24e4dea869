"""The disposal rate (docs/disposal-rate.md#definitions): which cases are in the register, which
count as disposed, and the figures that follow from them for a year, its months and its breakdowns,
each in one aggregate query."""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce

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


def _area_sum(field: str, condition: Q):
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
        row = self.order_by().aggregate(**_rate_aggregates("", year=year, as_of=as_of))
        return _rate_from_row(row, "")

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
        rows = (
            self.order_by()
            .filter(register_q(year=year, as_of=as_of))
            .values(field)
            .annotate(**_rate_aggregates("", year=year, as_of=as_of))
            .order_by(field)
        )
        return {row[field]: _rate_from_row(row, "") for row in rows}

    def monthly_figures(self, *, year: int, as_of: date) -> list[MonthFigures]:
        """The month table of the monthly report (docs/disposal-rate.md) for January to `as_of`'s
        month, in one aggregate query."""
        aggregates = {}
        for month, first, end in month_ends(year, as_of):
            in_month = register_q(year=year, as_of=end) & Q(identified_on__gte=first)
            disposed_in_month = disposed_q(start=first, end=end)
            aggregates[f"m{month}_new_identified_count"] = _count(in_month)
            aggregates[f"m{month}_new_identified_area"] = _area_sum("case_area_m2", in_month)
            aggregates[f"m{month}_new_disposed_count"] = _count(disposed_in_month)
            aggregates[f"m{month}_new_disposed_area"] = _area_sum("disposed_area_m2", disposed_in_month)
            aggregates.update(_rate_aggregates(f"m{month}_", year=year, as_of=end))
        row = self.order_by().aggregate(**aggregates)
        return [
            MonthFigures(
                month=month,
                end=end,
                identified_count=row[f"m{month}_new_identified_count"],
                identified_area_m2=Decimal(row[f"m{month}_new_identified_area"]).quantize(CENT),
                disposed_count=row[f"m{month}_new_disposed_count"],
                disposed_area_m2=Decimal(row[f"m{month}_new_disposed_area"]).quantize(CENT),
                cumulative=_rate_from_row(row, f"m{month}_"),
            )
            for month, _first, end in month_ends(year, as_of)
        ]


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
