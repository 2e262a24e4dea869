"""Month-end close (docs/disposal-rate.md): a park's figures frozen for a month that has ended, and the
restatement of a closed month beside what the data gives now. Reopening is `MonthClose.reopen`."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Category, DisposalCase, DisposalTarget, MonthClose, Park
from .monthly import MAX_YEAR, MIN_YEAR, MonthlyReport, MonthRow, ReportError, month_end


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


def restatements(report: MonthlyReport) -> dict[int, Restatement]:
    """Each closed month of the report beside what the data gives for it now."""
    key = report.category or "all"
    return {
        row.figures.month: Restatement(
            report.closes[row.figures.month], report.closes[row.figures.month].figures[key], row.as_dict()
        )
        for row in report.months
        # A month that the report cuts short (as_of inside it) is not the month that was closed.
        if row.figures.month in report.closes and row.figures.end == month_end(report.year, row.figures.month)
    }


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
