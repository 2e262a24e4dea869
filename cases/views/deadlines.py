"""Early warning (DESIGN.md §8): the statutory deadlines of the user's open cases."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from .. import scoping
from ..deadlines import agenda, deadlines_for
from ..filtersets import DeadlineFilterSet


def deadlines(request):
    """What is overdue and what falls due soon, by park and officer; what cannot be computed, and why."""
    user = request.user
    today = timezone.localdate()
    days = settings.PARKLAND_DUE_SOON_DAYS
    filterset = DeadlineFilterSet(request.GET or None, queryset=scoping.cases_for(user).open(), user=user)
    found = agenda(deadlines_for(filterset.qs, today=today), days=days)
    context = {
        "filterset": filterset,
        "today": today,
        "due_soon_days": days,
        "overdue": found.overdue,
        "due_soon": found.due_soon,
        "cannot_compute": found.cannot_compute,
        "show_park": scoping.parks_for(user).count() > 1,
        "is_filtered": any(request.GET.get(name) for name in filterset.form.fields),
    }
    return render(request, "cases/deadlines.html", context)
