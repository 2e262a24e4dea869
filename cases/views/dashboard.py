"""The dashboard: the rate against its benchmark, open cases by status and flag, deadlines, money."""

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.utils import timezone

from .. import scoping
from ..deadlines import agenda_heads, shown
from ..figures import cached
from ..models import (
    OPEN_STATUSES,
    DisposalTarget,
    Membership,
    ProblemFlag,
)
from .common import has_role_somewhere

Role = Membership.Role
# How many overdue and how many due-soon deadlines the dashboard lists (the rest on /deadlines/).
AGENDA_ROWS = 20


def dashboard(request):
    user = request.user
    today = timezone.localdate()
    year = today.year
    cases = scoping.cases_for(user)
    parks = list(scoping.park_roles(user))
    park = parks[0] if len(parks) == 1 else None

    # What reads every case or measure in scope, kept in the cache until those rows change
    # (cases/figures.py): the benchmark, the rate, the open cases by status and flag, the money.
    def kept():
        figures, open_sums = cases.rate_figures_with(_OPEN_SUMS, year=year, as_of=today)
        return (
            DisposalTarget.objects.benchmark_pct(park=park, year=year),
            figures,
            _open_by_status_and_flag(open_sums),
            list(scoping.measures_for(user).money_by_method(year)),
        )

    benchmark, figures, (status_rows, flag_rows), money_rows = cached(
        "dashboard", (scoping.scope_key(user), today), kept
    )
    events = scoping.events_for(user).select_related("case__parcel__park", "case__officer")
    days = settings.PARKLAND_DUE_SOON_DAYS
    upcoming = agenda_heads(scoping.deadlines_for(user), today=today, days=days, limit=AGENDA_ROWS)
    context = {
        "money_rows": money_rows,
        "money_agreed": sum(row["agreed"] for row in money_rows),
        "money_completed": sum(row["completed"] for row in money_rows),
        "year": year,
        "today": today,
        "park": park,
        "parks": parks,
        "figures": figures,
        "benchmark": benchmark,
        "gap_pp": figures.gap_pp(benchmark),
        "area_to_benchmark": figures.area_to_benchmark_m2(benchmark),
        "status_rows": status_rows,
        "open_total": sum(r["count"] for r in status_rows),
        "flag_rows": flag_rows,
        "my_cases": cases.open()
        .filter(officer=user)
        .select_related("parcel__park", "parcel__enterprise")
        .order_by("target_on", "number")[:10],
        "overdue": shown(upcoming.overdue, today=today),
        "due_soon": shown(upcoming.due_soon, today=today),
        "due_soon_days": days,
        "overrides": events.exclude(override_reason="")
        .select_related("actor")
        .order_by("-occurred_on", "-pk")[:10],
        "can_edit": has_role_somewhere(user, Role.OFFICER),
    }
    return render(request, "cases/dashboard.html", context)


def _open_sums() -> dict:
    """The open cases' count and area under each status and each problem flag, as aggregates."""
    sums = {}
    for status in OPEN_STATUSES:
        sums[f"{status}_count"] = Count("pk", filter=Q(status=status))
        sums[f"{status}_area"] = Sum("case_area_m2", filter=Q(status=status))
    for flag in ProblemFlag:
        chosen = Q(status__in=OPEN_STATUSES, **{flag.value: True})
        sums[f"{flag.value}_count"] = Count("pk", filter=chosen)
        sums[f"{flag.value}_area"] = Sum("case_area_m2", filter=chosen)
    return sums


# Summed in the same query as the rate: one pass over the cases in scope.
_OPEN_SUMS = _open_sums()


def _open_by_status_and_flag(sums: dict) -> tuple[list[dict], list[dict]]:
    """The rows of the open cases by status and by flag, from `_OPEN_SUMS`' values."""
    status_rows = [
        {"status": status, "count": sums[f"{status}_count"], "area": sums[f"{status}_area"] or 0}
        for status in OPEN_STATUSES
    ]
    flag_rows = [
        {"flag": flag, "count": sums[f"{flag.value}_count"], "area": sums[f"{flag.value}_area"] or 0}
        for flag in ProblemFlag
    ]
    return status_rows, flag_rows
