"""Early warning (docs/workflow.md#statutory-deadlines): the statutory deadlines of the user's open cases.

Read from the stored deadlines: each list is filtered, ordered and paged in SQL, `PAGE_SIZE` rows
at a time with its own page parameter, so the page reads only what it shows.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from .. import scoping
from ..deadlines.agenda import shown_in_table, stored_agenda
from ..filtersets import DeadlineFilterSet
from .common import paged_section

PAGE_SIZE = 50


def _filtered(rows, filterset):
    """The rows of the park and officer chosen; a choice the form refuses is ignored (and said so)."""
    form = filterset.form
    form.is_valid()
    chosen = getattr(form, "cleaned_data", {})
    if chosen.get("park"):
        rows = rows.filter(park=chosen["park"])
    if chosen.get("officer"):
        rows = rows.filter(case__officer=chosen["officer"])
    return rows


def deadlines(request):
    """What is overdue and what falls due soon, by park and officer; what cannot be computed, and why."""
    user = request.user
    today = timezone.localdate()
    days = settings.PARKLAND_DUE_SOON_DAYS
    filterset = DeadlineFilterSet(request.GET or None, queryset=scoping.cases_for(user).open(), user=user)
    found = stored_agenda(
        _filtered(scoping.deadlines_for(user), filterset), today=today, days=days, counted=True
    )
    sections = {
        name: paged_section(
            request,
            getattr(found, name),
            f"{name}_page",
            per_page=PAGE_SIZE,
            count=found.counts[name],  # counted with the others in one query
            shown=lambda rows: shown_in_table(rows, today=today),
        )
        for name in ("overdue", "due_soon", "cannot_compute")
    }
    context = {
        "filterset": filterset,
        "today": today,
        "due_soon_days": days,
        **{name: section.rows for name, section in sections.items()},
        "sections": sections,
        "show_park": len(filterset.parks) > 1,  # the parks the filter has read already
        "is_filtered": any(request.GET.get(name) for name in filterset.form.fields),
    }
    return render(request, "cases/deadlines.html", context)
