"""/evaluation/: a park's year of 亩均效益 results by class, its runs (run, confirm, publish,
restatements), the enterprise's evaluation sheet, exports, and a case opened from a D class."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cases import scoping
from cases.models import Membership
from cases.views.common import is_whole_number, require_role

from .. import publishing
from ..chart import distribution, trend
from ..indicators import FIGURES, INDICATORS, Code, Source
from ..models import EvaluationResult, EvaluationRun, Grade, Group, RunError, RunState, YearFigures
from ..opening import open_lead_case, pdf_of
from ..running import compute_run, notes
from ..scoping import runs_for

Role = Membership.Role
PER_PAGE = 50
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}


def park_and_year(request):
    """The park (`?park=CODE`, else the user's first) and year (`?year=`, else last year) asked for."""
    parks = list(scoping.park_roles(request.user))
    if not parks:
        raise Http404
    code = request.GET.get("park") or request.POST.get("park") or parks[0].code
    park = next((p for p in parks if p.code == code), None)
    if park is None:
        raise Http404
    raw = request.GET.get("year") or request.POST.get("year") or ""
    year = int(raw) if is_whole_number(raw) and 1990 <= int(raw) <= 2100 else timezone.localdate().year - 1
    return park, year, parks


def evaluation_page(request):
    park, year, parks = park_and_year(request)
    run = EvaluationRun.objects.shown_for(park, year)
    runs = list(
        EvaluationRun.objects.filter(park=park, year=year)
        .select_related("run_by", "confirmed_by", "published_by")
        .order_by("-run_at", "-id")[:20]
    )
    context = {
        "park": park,
        "year": year,
        "parks": parks,
        "years": range(timezone.localdate().year, timezone.localdate().year - 8, -1),
        "run": run,
        "runs": runs,
        "figures_count": YearFigures.objects.filter(parcel__park=park, year=year).count(),
        "indicators": _indicator_notes(),
        "role": scoping.role_in(request.user, park),
        "can_run": scoping.has_role(request.user, park, Role.OFFICER),
        "can_confirm": scoping.has_role(request.user, park, Role.SUPERVISOR),
        "can_publish": scoping.has_role(request.user, park, Role.PARK_ADMIN),
        "query": f"park={park.code}&year={year}",
    }
    if run is not None:
        context.update(_run_context(request, run, runs))
    return render(request, "evaluation/results.html", context)


def _run_context(request, run: EvaluationRun, runs: list[EvaluationRun]) -> dict:
    results = publishing.results(run)
    grade = request.GET.get("grade", "")
    group = request.GET.get("group", "")
    if grade in Grade.values:
        results = results.filter(grade=grade)
    if group in Group.values:
        results = results.filter(group=group)
    page = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
    for result in page:
        result.alerts = [code for code, entry in result.indicators.items() if entry.get("band") == "alert"]
    newer = next((r for r in runs if r.run_at > run.run_at and r.state != RunState.SUPERSEDED), None)
    return {
        "summary": publishing.summary(run),
        "chart": distribution(run),
        "page": page,
        "grade": grade,
        "group": group,
        "grades": Grade.choices,
        "groups": Group.choices,
        "restatement": _restatement(run, newer) if newer and run.state == RunState.PUBLISHED else None,
        "newer": newer,
        "superseded": list(
            EvaluationRun.objects.filter(park=run.park, year=run.year, state=RunState.SUPERSEDED)
        ),
    }


def _restatement(published: EvaluationRun, newer: EvaluationRun) -> list[dict]:
    """The enterprises a newer run grades or scores otherwise than the published one (two queries)."""
    before = {
        r.enterprise_id: r
        for r in EvaluationResult.objects.filter(run=published).select_related("enterprise")
    }
    changes = []
    for result in EvaluationResult.objects.filter(run=newer).select_related("enterprise"):
        old = before.pop(result.enterprise_id, None)
        if old is None or old.grade != result.grade or old.score != result.score:
            changes.append({"enterprise": result.enterprise, "old": old, "new": result})
    changes.extend({"enterprise": old.enterprise, "old": old, "new": None} for old in before.values())
    return changes


def _indicator_notes() -> list[dict]:
    """Each indicator's formula, unit and the offices its figures come from, for the page's note."""
    sources = {f.field: Source(f.source).label for f in FIGURES}
    sources["land_mu"] = Source.NATURAL_RESOURCES.label
    return [
        {
            "label": Code(code).label,
            "formula": spec.formula,
            "unit": spec.unit,
            "sources": sorted({str(sources[spec.numerator]), str(sources[spec.denominator])}),
        }
        for code, spec in INDICATORS.items()
    ]


@require_POST
def run_evaluation(request):
    """Compute the year again under the park's scheme and keep it as a new run (officer and above)."""
    park, year, _parks = park_and_year(request)
    require_role(request.user, park, Role.OFFICER)
    try:
        computed = compute_run(park, year, by=request.user)
    except RunError as error:
        messages.error(request, str(error))
        return redirect(_page_url(park, year))
    for level, text in notes(computed):
        getattr(messages, level)(request, text)
    return redirect(_page_url(park, year))


def _page_url(park, year) -> str:
    return f"{reverse('evaluation:results')}?park={park.code}&year={year}"


def _scoped_run(request, pk: int) -> EvaluationRun:
    return get_object_or_404(runs_for(request.user).select_related("park"), pk=pk)


@require_POST
def confirm_run(request, pk: int):
    run = _scoped_run(request, pk)
    require_role(request.user, run.park, Role.SUPERVISOR)
    return _step(
        request, run, run.confirm, _("Run no. %(run)s confirmed; a park administrator publishes it.")
    )


@require_POST
def publish_run(request, pk: int):
    run = _scoped_run(request, pk)
    require_role(request.user, run.park, Role.PARK_ADMIN)
    return _step(request, run, run.publish, _("Run no. %(run)s published."))


def _step(request, run, method, done):
    try:
        method(by=request.user)
    except RunError as error:
        messages.error(request, str(error))
    except IntegrityError:
        messages.error(request, _("Another run of this year was published meanwhile; reload the page."))
    else:
        messages.success(request, done % {"run": run.pk})
    return redirect(_page_url(run.park, run.year))


def export(request, fmt: str):
    """The shown run of `?park=&year=` as CSV, XLSX, PDF or JSON, in the layout counties publish."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    park, year, _parks = park_and_year(request)
    run = EvaluationRun.objects.shown_for(park, year)
    if run is None:
        raise Http404
    if fmt == "json":
        body = publishing.json_bytes(publishing.as_json(run))
    elif fmt == "pdf":
        body = publishing.as_pdf(run, produced_by=request.user.get_username())
    else:
        body = {"csv": publishing.as_csv, "xlsx": publishing.as_xlsx}[fmt](run)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    name = f"亩均效益评价-{park.code}-{year}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _result(request, pk: int, enterprise_id: int) -> EvaluationResult:
    run = _scoped_run(request, pk)
    result = get_object_or_404(
        EvaluationResult.objects.select_related("enterprise", "main_parcel", "run__park"),
        run=run,
        enterprise_id=enterprise_id,
    )
    return result


def sheet_context(result: EvaluationResult) -> dict:
    """What the evaluation sheet shows: each indicator with its reasons, the figures, and the trend."""
    run = result.run
    rows = []
    for spec in run.scheme_snapshot["indicators"]:
        entry = result.indicators.get(spec["code"], {})
        rows.append(
            {
                "label": Code(spec["code"]).label,
                "unit": INDICATORS[spec["code"]].unit,
                "formula": INDICATORS[spec["code"]].formula,
                **entry,
            }
        )
    parcels = list(
        result.enterprise.year_figures.filter(parcel__park=run.park)
        .select_related("parcel")
        .order_by("parcel__code", "year")
    )
    history = (
        EvaluationResult.objects.filter(enterprise=result.enterprise, run__state=RunState.PUBLISHED)
        .select_related("run")
        .order_by("run__year")
    )
    years = list(range(run.year - 4, run.year + 1))
    scores = {r.run.year: r.score for r in history}
    scores[run.year] = result.score
    return {
        "result": result,
        "run": run,
        "rows": rows,
        "figures": [f for f in parcels if f.year == run.year],
        "score_trend": trend([(y, scores.get(y)) for y in years]),
        "score_points": [(y, scores.get(y)) for y in years],
        "parcel_trends": _parcel_trends(parcels, years),
        "grade_label": Grade(result.grade).label,
        "group_label": Group(result.group).label,
    }


def _parcel_trends(figures: list[YearFigures], years: list[int]) -> list[dict]:
    """Tax per 亩 of the enterprise on each parcel, year by year (the parcel's whole area)."""
    by_parcel = {}
    for f in figures:
        by_parcel.setdefault(f.parcel, {})[f.year] = f
    out = []
    for parcel, per_year in by_parcel.items():
        area_mu = parcel.area_mu
        points = [
            (
                y,
                (per_year[y].tax_wan / area_mu).quantize(Decimal("0.01"))
                if y in per_year and per_year[y].tax_wan is not None and area_mu
                else None,
            )
            for y in years
        ]
        out.append({"parcel": parcel, "points": points, "trend": trend(points)})
    return out


def sheet(request, pk: int, enterprise_id: int):
    result = _result(request, pk, enterprise_id)
    context = sheet_context(result)
    context["can_open"] = result.grade == Grade.D and scoping.has_role(
        request.user, result.run.park, Role.OFFICER
    )
    context["open_parcels"] = _parcels_of(result)
    return render(request, "evaluation/sheet.html", context)


def _parcels_of(result: EvaluationResult) -> list:
    """The enterprise's parcels in the run, of the run's park (the result was found through scoping)."""
    return list(result.run.park.parcels.filter(pk__in=result.parcel_ids).order_by("code"))


def sheet_pdf(request, pk: int, enterprise_id: int):
    result = _result(request, pk, enterprise_id)
    body = pdf_of(
        "evaluation/sheet_print.html", {**sheet_context(result), "produced_by": request.user.get_username()}
    )
    response = HttpResponse(body, content_type="application/pdf")
    who = result.enterprise.credit_code or result.enterprise.pk
    name = f"亩均效益评价表-{result.run.park.code}-{result.run.year}-{who}.pdf"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@require_POST
def open_case(request, pk: int, enterprise_id: int):
    """A D class opens a `lead` case on a parcel of the enterprise, its evaluation sheet as first evidence."""
    result = _result(request, pk, enterprise_id)
    require_role(request.user, result.run.park, Role.OFFICER)
    back = reverse("evaluation:sheet", args=[pk, enterprise_id])
    raw = request.POST.get("parcel", "")
    parcel = next((p for p in _parcels_of(result) if str(p.pk) == raw), None)
    if parcel is None:
        messages.error(request, _("Choose one of the enterprise's parcels."))
        return redirect(back)
    if result.grade != Grade.D:
        messages.error(request, _("Only a D class opens a case from the evaluation."))
        return redirect(back)
    run = result.run
    pdf = pdf_of(
        "evaluation/sheet_print.html", {**sheet_context(result), "produced_by": request.user.get_username()}
    )
    summary = gettext(
        "Opened from the per-mu evaluation %(year)s (run no. %(run)s, %(state)s): %(enterprise)s, "
        "class %(grade)s, score %(score)s."
    ) % {
        "year": run.year,
        "run": run.pk,
        "state": run.get_state_display(),
        "enterprise": result.enterprise.name,
        "grade": result.grade,
        "score": result.score,
    }
    try:
        case = open_lead_case(
            parcel,
            by=request.user,
            summary=summary,
            pdf=pdf,
            file_name=f"亩均效益评价表-{run.year}-{parcel.code}.pdf",
            title=gettext("Per-mu evaluation sheet %(year)s: %(enterprise)s")
            % {"year": run.year, "enterprise": result.enterprise.name},
            authority=run.park.name,
            on=(run.published_at or run.run_at).date() if run.run_at else date.today(),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    except IntegrityError:
        messages.error(request, _("Parcel %(code)s already has an open case.") % {"code": parcel.code})
        return redirect(back)
    messages.success(
        request,
        _("Case %(number)s opened as a lead, with the evaluation sheet as its first evidence.")
        % {"number": case.number},
    )
    return redirect(case.get_absolute_url())
