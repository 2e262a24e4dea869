"""Early warning (docs/workflow.md#statutory-deadlines): the statutory deadlines of the user's open cases.

Read from the stored deadlines: each list is filtered, ordered and paged in SQL, `PAGE_SIZE` rows
at a time with its own page parameter, so the page reads only what it shows.
"""

from typing import NamedTuple

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.shortcuts import render
from django.utils import timezone

from .. import scoping
from ..deadlines import Deadline, shown, stored_agenda
from ..filtersets import DeadlineFilterSet

PAGE_SIZE = 50


class Section(NamedTuple):
    """One list's page: its deadlines, the page, and the query strings of its neighbours."""

    deadlines: list[Deadline]
    page: Page
    previous: str
    next: str


def _section(request, rows, count: int, parameter: str, today) -> Section:
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.count = count  # counted with the others in one query
    page = paginator.get_page(request.GET.get(parameter))

    def link(number: int) -> str:
        query = request.GET.copy()
        query[parameter] = str(number)
        return "?" + query.urlencode()

    return Section(
        shown(page.object_list, today=today),
        page,
        link(page.previous_page_number()) if page.has_previous() else "",
        link(page.next_page_number()) if page.has_next() else "",
    )


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
        name: _section(request, getattr(found, name), found.counts[name], f"{name}_page", today)
        for name in ("overdue", "due_soon", "cannot_compute")
    }
    context = {
        "filterset": filterset,
        "today": today,
        "due_soon_days": days,
        **{name: section.deadlines for name, section in sections.items()},
        "sections": sections,
        "show_park": len(filterset.parks) > 1,  # the parks the filter has read already
        "is_filtered": any(request.GET.get(name) for name in filterset.form.fields),
    }
    return render(request, "cases/deadlines.html", context)
