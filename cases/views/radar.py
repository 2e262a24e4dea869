"""The radar (docs/workflow.md#the-radar): suspected idle land, suspected low-efficiency land and
stalled cases."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import scoping
from ..models import Category, DisposalCase, Membership
from ..models.land import years_before
from ..models.radar import failing_indicators, stalled_cases
from .common import has_role_somewhere, is_whole_number, paged_section, require_role

Role = Membership.Role


# The quietest stalled cases shown.
STALLED_SHOWN = 100
# Each list of suspects is shown this many parcels at a time, with its own page parameter.
PAGE_SIZE = 50


def radar(request):
    user = request.user
    today = timezone.localdate()
    parcels = scoping.parcels_for(user)
    idle = parcels.suspected_idle(today)
    two_years = years_before(today, 2)
    sections = {
        "idle2": paged_section(
            request, idle.filter(agreed_start_on__lte=two_years), "idle2_page", per_page=PAGE_SIZE
        ),
        "idle1": paged_section(
            request, idle.filter(agreed_start_on__gt=two_years), "idle1_page", per_page=PAGE_SIZE
        ),
        "low": paged_section(request, parcels.suspected_low_efficiency(), "low_page", per_page=PAGE_SIZE),
    }
    for parcel in sections["low"].rows:
        parcel.failing = failing_indicators(parcel)
    days = settings.PARKLAND_STALLED_AFTER_DAYS
    return render(
        request,
        "cases/radar.html",
        {
            "today": today,
            "sections": sections,
            "idle_two_years": sections["idle2"].rows,
            "idle_one_year": sections["idle1"].rows,
            "low_efficiency": sections["low"].rows,
            "stalled": stalled_cases(scoping.cases_for(user), today, days)[:STALLED_SHOWN],
            "stalled_shown": STALLED_SHOWN,
            "stalled_days": days,
            "can_open": has_role_somewhere(user, Role.OFFICER),
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
