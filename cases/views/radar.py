"""The radar (DESIGN.md §8): suspected idle land, suspected low-efficiency land and stalled cases."""

import calendar
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Max, Q, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import scoping
from ..models import OPEN_STATUSES, Category, DisposalCase, Membership, Status
from ..models.base import M2_PER_MU
from ..models.land import LandUse
from .common import is_whole_number, require_role

Role = Membership.Role
INDUSTRIAL_USES = (LandUse.INDUSTRIAL, LandUse.WAREHOUSE, LandUse.NEW_INDUSTRIAL)
PER_MU = DecimalField(max_digits=20, decimal_places=6)


def years_before(day: date, years: int) -> date:
    """The latest date whose `years`-th anniversary has come by `day`.

    Anniversaries follow the statutory clocks (cases.deadlines.add_months): 29 February's falls on
    28 February in other years, so on 28 February of a common year the cut-off reaches back to
    29 February of a leap year.
    """
    year = day.year - years
    last_of_month = calendar.monthrange(year, day.month)[1]
    if day.month == 2 and day.day == calendar.monthrange(day.year, 2)[1]:
        return date(year, 2, last_of_month)
    return date(year, day.month, min(day.day, last_of_month))


def _not_handled(parcels):
    # Land with an open case is being handled; land with a disposed case has been dealt with.
    return parcels.exclude(cases__status__in=[*OPEN_STATUSES, Status.DISPOSED])


def suspected_idle(parcels, today: date):
    """Parcels whose agreed start is at least one full year past, not started, with no case open or
    disposed."""
    return (
        _not_handled(
            parcels.filter(agreed_start_on__lte=years_before(today, 1), actual_start_on__isnull=True)
        )
        .select_related("park", "enterprise")
        .order_by("agreed_start_on", "code")
    )


def _per_mu(field: str):
    # value ÷ (area ÷ 666.67) = value × (10000/15) ÷ area, for display.
    return ExpressionWrapper(F(field) * Value(M2_PER_MU) / F("area_m2"), output_field=PER_MU)


def suspected_low_efficiency(parcels):
    """Industrial parcels in use below any of their park's thresholds, with no case open or disposed.

    Per-亩 figures are compared as value × 10000 < threshold × area × 15, without the repeating
    666.67, so a parcel exactly at a threshold is never below it.

    Land not yet started is idle, not low-efficiency: the idle lists show it."""
    thresholds = "park__thresholds__"
    scaled = {}
    for value, limit in (
        ("invested_wan", "min_investment_per_mu_wan"),
        ("annual_output_wan", "min_output_per_mu_wan"),
        ("annual_tax_wan", "min_tax_per_mu_wan"),
    ):
        scaled[f"{value}_scaled"] = ExpressionWrapper(F(value) * 10000, output_field=PER_MU)
        scaled[f"{limit}_scaled"] = ExpressionWrapper(
            F(f"{thresholds}{limit}") * F("area_m2") * 15, output_field=PER_MU
        )
    below = (
        Q(actual_plot_ratio__lt=F(f"{thresholds}min_plot_ratio"))
        | Q(invested_wan_scaled__lt=F("min_investment_per_mu_wan_scaled"))
        | Q(annual_output_wan_scaled__lt=F("min_output_per_mu_wan_scaled"))
        | Q(annual_tax_wan_scaled__lt=F("min_tax_per_mu_wan_scaled"))
    )
    return (
        _not_handled(parcels.filter(land_use__in=INDUSTRIAL_USES, park__thresholds__isnull=False))
        .filter(actual_start_on__isnull=False)
        .alias(**scaled)
        .annotate(
            investment_per_mu=_per_mu("invested_wan"),
            output_per_mu=_per_mu("annual_output_wan"),
            tax_per_mu=_per_mu("annual_tax_wan"),
        )
        .filter(below)
        .select_related("park__thresholds", "enterprise")
        .order_by("park__code", "code")
    )


def failing_indicators(parcel) -> list[str]:
    """Which thresholds the parcel misses, in words, from the values annotated above."""
    limits = parcel.park.thresholds
    checks = (
        (parcel.actual_plot_ratio, limits.min_plot_ratio, _("plot ratio %(value)s < %(limit)s")),
        (
            parcel.investment_per_mu,
            limits.min_investment_per_mu_wan,
            _("investment %(value)s < %(limit)s 10k yuan/mu"),
        ),
        (parcel.output_per_mu, limits.min_output_per_mu_wan, _("output %(value)s < %(limit)s 10k yuan/mu")),
        (parcel.tax_per_mu, limits.min_tax_per_mu_wan, _("tax %(value)s < %(limit)s 10k yuan/mu")),
    )
    area = parcel.area_m2
    exact = {  # the per-亩 values, exact, for the comparison the database made
        1: parcel.invested_wan,
        2: parcel.annual_output_wan,
        3: parcel.annual_tax_wan,
    }
    failing = []
    for index, (value, limit, text) in enumerate(checks):
        if value is None or limit is None:
            continue
        below = value < limit if index == 0 else exact[index] * 10000 < limit * area * 15
        if below:
            shown = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
            failing.append(str(text % {"value": shown, "limit": limit}))
    return failing


def stalled_cases(cases, today: date, days: int):
    """Open cases with no timeline event (nor opening) for `days` days, quietest first."""
    return (
        cases.filter(status__in=OPEN_STATUSES)
        .annotate(last_activity=Coalesce(Max("events__occurred_on"), F("opened_on")))
        .filter(last_activity__lt=today - timedelta(days=days))
        .select_related("parcel__park", "parcel__enterprise", "officer")
        .order_by("last_activity", "number")
    )


def radar(request):
    user = request.user
    today = timezone.localdate()
    parcels = scoping.parcels_for(user)
    idle = list(suspected_idle(parcels, today))
    two_years = years_before(today, 2)
    low = list(suspected_low_efficiency(parcels))
    for parcel in low:
        parcel.failing = failing_indicators(parcel)
    days = settings.PARKLAND_STALLED_AFTER_DAYS
    return render(
        request,
        "cases/radar.html",
        {
            "today": today,
            "idle_two_years": [p for p in idle if p.agreed_start_on <= two_years],
            "idle_one_year": [p for p in idle if p.agreed_start_on > two_years],
            "low_efficiency": low,
            "stalled": stalled_cases(scoping.cases_for(user), today, days)[:100],
            "stalled_days": days,
            "can_open": scoping.parks_for(user, role=Role.OFFICER).exists(),
        },
    )


@require_POST
def open_case(request):
    """One click from the radar: a `lead` case on the parcel, the whole parcel under disposal."""
    raw = request.POST.get("parcel", "")
    parcel = get_object_or_404(
        scoping.parcels_for(request.user).select_related("park"), pk=int(raw) if is_whole_number(raw) else 0
    )
    require_role(request.user, parcel.park, Role.OFFICER)
    category = request.POST.get("category", "")
    if category not in Category.values:
        messages.error(request, _("Choose whether the case is about idle or low-efficiency land."))
        return redirect("radar")
    case = DisposalCase(
        parcel=parcel,
        category=category,
        case_area_m2=parcel.area_m2,
        opened_on=timezone.localdate(),
        officer=request.user,
        created_by=request.user,
        updated_by=request.user,
        summary=str(_("Opened from the radar.")),
    )
    case._history_user = request.user
    try:
        with transaction.atomic():
            case.full_clean(exclude=["number"])
            case.save()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("radar")
    except IntegrityError:
        messages.error(request, _("Parcel %(code)s already has an open case.") % {"code": parcel.code})
        return redirect("radar")
    messages.success(request, _("Case %(number)s opened as a lead.") % {"number": case.number})
    return redirect(case.get_absolute_url())
