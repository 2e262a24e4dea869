"""Panels the evaluation adds to other apps' pages: the radar's ranking of low-efficiency suspects by
class, the dashboard's 开竣工预警 and the parcel page's grant commitment and 亩均 trend, each computed
for the signed-in user in a fixed number of queries."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.db.models import Sum
from django.utils import timezone

from ..chart import trend
from ..commitments import checks, parcel_check
from ..models import EvaluationResult, Grade, RunState, YearFigures
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


TREND_YEARS = 5


def parcel_trends(parcel, today) -> dict:
    """Tax and output per 亩 of the parcel (all its enterprises' figures over the parcel's whole area),
    from its first year with figures, at most the last five years up to the latest; one query."""
    sums = {
        row["year"]: row
        for row in YearFigures.objects.filter(parcel=parcel)
        .values("year")
        .annotate(tax=Sum("tax_wan"), output=Sum("output_wan"))
        .order_by("year")
    }
    if not sums:
        return {}
    last = max(sums)
    years = list(range(max(min(sums), last - TREND_YEARS + 1), last + 1))
    area_mu = parcel.area_mu

    def points(field):
        out = []
        for year in years:
            amount = sums.get(year, {}).get(field)
            value = None
            if amount is not None and area_mu:
                value = (Decimal(amount) / area_mu).quantize(Decimal("0.01"), ROUND_HALF_UP)
            out.append((year, value))
        return out

    return {"tax": trend(points("tax")), "output": trend(points("output")), "first": years[0], "last": last}


@register.inclusion_tag("evaluation/includes/parcel_per_mu.html")
def parcel_per_mu(parcel):
    """The parcel page's panel: its grant commitment (dates, committed against achieved with the gap)
    and its 亩均 trend. The parcel was found through the page's scoping; nothing when it has neither a
    commitment nor figures. Three or four queries, whatever the years."""
    today = timezone.localdate()
    check = parcel_check(parcel, today)
    production_on = check.commitment.production_on if check else None
    return {
        "parcel": parcel,
        "check": check,
        "trends": parcel_trends(parcel, today),
        "not_due": bool(check and check.gaps and production_on and production_on > today),
    }
