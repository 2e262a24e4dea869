"""The dashboard: the rate against its benchmark, open cases by status and flag, deadlines, money."""

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.utils import timezone

from .. import scoping
from ..deadlines import shown, stored_agenda
from ..figures import cached
from ..models import (
    OPEN_STATUSES,
    DisposalTarget,
    Membership,
    ProblemFlag,
)
from .common import has_role_somewhere

Role = Membership.Role


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
        return (
            DisposalTarget.objects.benchmark_pct(park=park, year=year),
            cases.rate_figures(year=year, as_of=today),
            _open_by_status_and_flag(cases),
            list(scoping.measures_for(user).money_by_method(year)),
        )

    benchmark, figures, (status_rows, flag_rows), money_rows = cached(
        "dashboard", (scoping.scope_key(user), today), kept
    )
    events = scoping.events_for(user).select_related("case__parcel__park", "case__officer")
    upcoming = stored_agenda(scoping.deadlines_for(user), today=today, days=settings.PARKLAND_DUE_SOON_DAYS)
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
        "overdue": shown(upcoming.overdue[:20], today=today),
        "due_soon": shown(upcoming.due_soon[:20], today=today),
        "due_soon_days": settings.PARKLAND_DUE_SOON_DAYS,
        "overrides": events.exclude(override_reason="")
        .select_related("actor")
        .order_by("-occurred_on", "-pk")[:10],
        "can_edit": has_role_somewhere(user, Role.OFFICER),
    }
    return render(request, "cases/dashboard.html", context)


def _open_by_status_and_flag(cases):
    """The open cases' count and area under each status and each problem flag, in one query."""
    per_flag = {}
    for flag in ProblemFlag:
        per_flag[f"{flag.value}_count"] = Count("pk", filter=Q(**{flag.value: True}))
        per_flag[f"{flag.value}_area"] = Sum("case_area_m2", filter=Q(**{flag.value: True}))
    grouped = cases.open().order_by().values("status")
    by_status = {
        row["status"]: row
        for row in grouped.annotate(count=Count("pk"), area=Sum("case_area_m2"), **per_flag)
    }
    status_rows = [
        {
            "status": status,
            "count": by_status.get(status, {}).get("count", 0),
            "area": by_status.get(status, {}).get("area") or 0,
        }
        for status in OPEN_STATUSES
    ]
    flag_rows = [
        {
            "flag": flag,
            "count": sum(row[f"{flag.value}_count"] for row in by_status.values()),
            "area": sum((row[f"{flag.value}_area"] or 0 for row in by_status.values()), 0),
        }
        for flag in ProblemFlag
    ]
    return status_rows, flag_rows
