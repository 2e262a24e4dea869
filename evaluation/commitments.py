"""The checks on 标准地 grant commitments (docs/evaluation.md#grant-commitments): 开竣工预警 before and
after each agreed date, the parcels due for their 达产 review this year, and every breach with its gap."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from cases.models.base import m2_to_mu

from .models import GrantCommitment, YearFigures

CENT = Decimal("0.01")


@dataclass
class Warning:
    """An agreed start or completion not yet reached: how many days before (positive) or past (negative)."""

    what: object
    agreed_on: date
    days: int
    level: str  # "before" or "overdue"
    threshold: int


@dataclass
class Gap:
    what: object
    committed: Decimal
    actual: Decimal | None

    @property
    def gap(self) -> Decimal | None:
        return None if self.actual is None else (self.actual - self.committed).quantize(CENT, ROUND_HALF_UP)


@dataclass
class CommitmentCheck:
    commitment: GrantCommitment
    warnings: list[Warning] = field(default_factory=list)
    breaches: list = field(default_factory=list)  # Gap, or a text for a date
    gaps: list[Gap] = field(default_factory=list)
    review_year: int | None = None
    figures_year: int | None = None

    @property
    def parcel(self):
        return self.commitment.parcel


def warning_days() -> tuple[list[int], list[int]]:
    return settings.PARKLAND_COMMITMENT_WARN_BEFORE_DAYS, settings.PARKLAND_COMMITMENT_WARN_AFTER_DAYS


def date_warning(what, agreed_on: date | None, done_on: date | None, today: date) -> Warning | None:
    """The warning an agreed date gives today: within the largest 'before' window, or past by at least
    the smallest 'after' number of days; None once done or outside every window."""
    if agreed_on is None or done_on is not None:
        return None
    before, after = warning_days()
    days = (agreed_on - today).days
    if days >= 0 and before and days <= max(before):
        return Warning(what, agreed_on, days, "before", min(b for b in before if b >= days))
    if days < 0 or (days == 0 and 0 in after):
        passed = [a for a in after if -days >= a]
        if passed:
            return Warning(what, agreed_on, days, "overdue", max(passed))
    return None


def checks(commitments, today: date) -> list[CommitmentCheck]:
    """Every commitment checked, in three queries whatever their number (commitments, figures by parcel)."""
    rows = list(
        commitments.select_related("parcel__park", "parcel__enterprise").order_by(
            "parcel__park__code", "parcel__code"
        )
    )
    last_year = today.year - 1
    sums = (
        YearFigures.objects.filter(parcel__in=[c.parcel_id for c in rows], year__lte=last_year)
        .values("parcel_id", "year")
        .annotate(tax=Sum("tax_wan"), output=Sum("output_wan"))
        .order_by("parcel_id", "year")
    )
    latest = {}
    for row in sums:
        latest[row["parcel_id"]] = row  # the last year ≤ last year with figures
    return [_check(c, latest.get(c.parcel_id), today) for c in rows]


def _check(commitment: GrantCommitment, figures: dict | None, today: date) -> CommitmentCheck:
    parcel = commitment.parcel
    check = CommitmentCheck(commitment)
    for what, agreed, done in (
        (_("start"), parcel.agreed_start_on, parcel.actual_start_on),
        (_("completion"), parcel.agreed_completion_on, commitment.actual_completion_on),
    ):
        warning = date_warning(what, agreed, done, today)
        if warning:
            check.warnings.append(warning)
        if agreed and ((done is None and agreed < today) or (done is not None and done > agreed)):
            late = ((done or today) - agreed).days
            check.breaches.append(
                _("%(what)s %(days)s days past the agreed %(date)s")
                % {"what": what, "days": late, "date": agreed.isoformat()}
            )
    if commitment.production_on and commitment.production_on.year == today.year:
        check.review_year = today.year
    if commitment.production_on and commitment.production_on <= today:
        _figure_gaps(check, figures)
    return check


def _figure_gaps(check: CommitmentCheck, figures: dict | None) -> None:
    commitment, parcel = check.commitment, check.commitment.parcel
    area_mu = m2_to_mu(parcel.area_m2)
    check.figures_year = figures["year"] if figures else None

    def per_mu(amount):
        return (
            None
            if amount is None or not area_mu
            else (Decimal(amount) / area_mu).quantize(CENT, ROUND_HALF_UP)
        )

    for what, committed, actual in (
        (_("investment intensity"), commitment.investment_per_mu_wan, per_mu(parcel.invested_wan)),
        (_("output per mu"), commitment.output_per_mu_wan, per_mu(figures["output"]) if figures else None),
        (_("tax per mu"), commitment.tax_per_mu_wan, per_mu(figures["tax"]) if figures else None),
    ):
        if committed is None:
            continue
        gap = Gap(what, committed, actual)
        check.gaps.append(gap)
        if actual is None or actual < committed:
            check.breaches.append(gap)


def parcel_check(parcel, today: date) -> CommitmentCheck | None:
    """The parcel's commitment checked as on /commitments/, with the committed figures compared to the
    latest year's even before the 达产 date (where a shortfall is shown, not yet a breach); None when the
    parcel has no commitment. Two queries."""
    found = checks(GrantCommitment.objects.filter(parcel=parcel), today)
    if not found:
        return None
    check = found[0]
    if not check.gaps:
        preview = CommitmentCheck(check.commitment)
        sums = (
            YearFigures.objects.filter(parcel=parcel, year__lte=today.year - 1)
            .values("year")
            .annotate(tax=Sum("tax_wan"), output=Sum("output_wan"))
            .order_by("-year")[:1]
        )
        _figure_gaps(preview, next(iter(sums), None))
        check.gaps, check.figures_year = preview.gaps, preview.figures_year
    return check
