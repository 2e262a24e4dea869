"""Panels the evaluation adds to other apps' pages: the radar's ranking of low-efficiency suspects by
class and the dashboard's 开竣工预警, each computed for the signed-in user in a fixed number of queries."""

from django import template
from django.utils import timezone

from ..commitments import checks
from ..models import EvaluationResult, Grade, RunState
from ..scoping import commitments_for, runs_for

register = template.Library()
SHOWN = 50
BELOW = (Grade.C, Grade.D)


def ranking(user) -> list[EvaluationResult]:
    """C and D classes of each park's latest published year, D first, then the larger land, then the
    longer run of years in C or D (docs/evaluation.md#into-the-workflow)."""
    runs = runs_for(user).filter(state=RunState.PUBLISHED)
    latest = {}
    for run_id, park_id, year in runs.values_list("pk", "park_id", "year"):
        if park_id not in latest or year > latest[park_id][1]:
            latest[park_id] = (run_id, year)
    wanted = [run_id for run_id, _year in latest.values()]
    results = list(
        EvaluationResult.objects.filter(run__in=wanted, grade__in=BELOW)
        .select_related("enterprise", "main_parcel", "run__park")
        .order_by("-grade", "-land_m2", "enterprise__name")[:SHOWN]
    )
    history = {}
    for row in EvaluationResult.objects.filter(
        run__in=runs, enterprise__in=[r.enterprise_id for r in results]
    ).values_list("enterprise_id", "run__year", "grade"):
        history.setdefault(row[0], {})[row[1]] = row[2]
    for result in results:
        years, year = 0, result.run.year
        while history.get(result.enterprise_id, {}).get(year) in BELOW:
            years, year = years + 1, year - 1
        result.years_below = years
    results.sort(key=lambda r: (r.grade != Grade.D, -r.land_m2, -r.years_below))
    return results


@register.inclusion_tag("evaluation/includes/radar_ranking.html", takes_context=True)
def low_efficiency_ranking(context):
    return {"results": ranking(context["request"].user), "request": context["request"]}


@register.inclusion_tag("evaluation/includes/commitment_warnings.html", takes_context=True)
def commitment_warnings(context):
    today = timezone.localdate()
    found = [c for c in checks(commitments_for(context["request"].user), today) if c.warnings or c.breaches]
    return {"checks": found[:20], "more": max(0, len(found) - 20), "today": today}
