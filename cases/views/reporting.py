"""The monthly disposal-rate report page, its exports, month-end close and targets."""

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import figures, reporting, scoping
from ..forms import (
    TargetForm,
)
from ..models import (
    Category,
    DisposalTarget,
    Membership,
)
from ..templatetags.parkland import person
from .common import is_whole_number, require_role

Role = Membership.Role

# The monthly report ---------------------------------------------------------------------------

REPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", reporting.to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", reporting.to_xlsx),
    "json": ("application/json; charset=utf-8", reporting.to_json),
}


class BadReportRequest(Exception):
    """A report parameter that cannot be read; the message says which and why."""


def _report_parameters(request) -> dict:
    """year, park, category and as_of from the query string; 404 for a park the user may not see."""
    today = timezone.localdate()
    raw_year = request.GET.get("year", "") or str(today.year)
    if not is_whole_number(raw_year):
        raise BadReportRequest(gettext("The year must be a number such as %(year)s.") % {"year": today.year})
    year = int(raw_year)
    park = None
    if code := request.GET.get("park", ""):
        park = get_object_or_404(scoping.parks_for(request.user), code=code)
    category = request.GET.get("category", "")
    if category and category not in Category.values:
        raise BadReportRequest(gettext("Unknown category: %(category)s.") % {"category": category})
    as_of = None
    if raw := request.GET.get("as_of", ""):
        try:
            as_of = date.fromisoformat(raw)
        except ValueError as error:
            raise BadReportRequest(gettext("The report date must be a date such as 2022-12-31.")) from error
    return {"year": year, "park": park, "category": category, "as_of": as_of}


def _monthly_report(request):
    parameters = _report_parameters(request)
    try:
        return reporting.monthly_report(
            scoping.cases_for(request.user), cache_scope=scoping.scope_key(request.user), **parameters
        )
    except reporting.ReportError as error:
        raise BadReportRequest(str(error)) from error


def report_monthly(request):
    parks = list(scoping.park_roles(request.user))
    context = {"parks": parks, "categories": Category.choices, "params": request.GET}
    try:
        report = _monthly_report(request)
    except BadReportRequest as error:
        context["error"] = str(error)
        return render(request, "cases/report_monthly.html", context, status=400)
    park = report.park
    park_ids = {p.code: p.pk for p in parks}
    today = timezone.localdate()
    is_supervisor = park is not None and scoping.has_role(request.user, park, Role.SUPERVISOR)
    context.update(
        report=report,
        chart=reporting.chart(report),
        chart_narrow=reporting.chart(report, **reporting.NARROW_CHART),
        restatements=reporting.restatements(report),
        by_category=[(reporting.category_label(k), k, v) for k, v in report.by_category.items()],
        by_method=[(reporting.method_label(k), k or "none", v) for k, v in report.by_method.items()],
        by_park=[(code, park_ids.get(code, ""), v) for code, v in report.by_park.items()],
        category_label=reporting.category_label(report.category) if report.category else "",
        definitions=reporting.DEFINITIONS,
        query=request.GET.urlencode(),
        scope_query=(f"&park={park.pk}" if park else "")
        + (f"&category={report.category}" if report.category else ""),
        can_close=is_supervisor,
        closable=[
            row.figures.month
            for row in report.months
            if row.figures.month not in report.closes
            and reporting.month_end(report.year, row.figures.month) < today
        ]
        if is_supervisor
        else [],
        can_reopen=park is not None and scoping.has_role(request.user, park, Role.PARK_ADMIN),
        can_set_target=park is not None and scoping.has_role(request.user, park, Role.PARK_ADMIN),
        years=list(range(today.year, reporting.MIN_YEAR - 1, -1))[:15],
    )
    # The chart and the tables as rendered, kept with the figures they show; not when they hold
    # this user's forms to close or reopen a month.
    with_forms = bool(context["closable"]) or (context["can_reopen"] and bool(report.closes))
    tables = figures.fragment("report-tables", (*report.kept_parts, translation.get_language()))
    context["tables"] = {"seconds": 0, "key": "forms"} if with_forms else tables
    return render(request, "cases/report_monthly.html", context)


def report_monthly_print(request):
    try:
        report = _monthly_report(request)
    except BadReportRequest as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    return render(
        request, "cases/report_print.html", reporting.print_context(report, produced_by=person(request.user))
    )


def report_monthly_export(request, fmt: str):
    if fmt not in {*REPORT_FORMATS, "pdf"}:
        raise Http404(gettext("There is no %(format)s version of the report.") % {"format": fmt})
    try:
        report = _monthly_report(request)
    except BadReportRequest as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    name = f"disposal-report-{report.park.code if report.park else 'all'}-{report.year}"
    if fmt == "pdf":
        content = reporting.to_pdf(
            report, produced_by=person(request.user), base_url=request.build_absolute_uri("/")
        )
        response = HttpResponse(content, content_type="application/pdf")
    else:
        content_type, writer = REPORT_FORMATS[fmt]
        response = HttpResponse(writer(report), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(fmt != "json", f"{name}.{fmt}")
    return response


@require_POST
def report_close_month(request):
    park = get_object_or_404(scoping.parks_for(request.user), code=request.POST.get("park", ""))
    require_role(request.user, park, Role.SUPERVISOR)
    year, month = request.POST.get("year", ""), request.POST.get("month", "")
    back = f"{reverse('report-monthly')}?park={park.code}&year={year}"
    if not (is_whole_number(year) and is_whole_number(month) and 1 <= int(month) <= 12):
        messages.error(request, _("Choose a month to close."))
        return redirect(back)
    try:
        reporting.close_month(park=park, year=int(year), month=int(month), by=request.user)
    except reporting.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(year)s-%(month)s closed for %(park)s: its figures are frozen as reported.")
            % {"year": year, "month": month.zfill(2), "park": park.name},
        )
    return redirect(back)


@require_POST
def report_reopen_month(request, pk: int):
    close = get_object_or_404(scoping.month_closes_for(request.user), pk=pk)
    require_role(request.user, close.park, Role.PARK_ADMIN)
    try:
        close.reopen(request.user, request.POST.get("reason", ""))
    except reporting.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("%(close)s reopened; the closed figures stay on record.") % {"close": close}
        )
    return redirect(f"{reverse('report-monthly')}?park={close.park.code}&year={close.year}")


@require_POST
def report_set_target(request):
    park = get_object_or_404(scoping.parks_for(request.user), code=request.POST.get("park", ""))
    require_role(request.user, park, Role.PARK_ADMIN)
    form = TargetForm(request.POST)
    back = f"{reverse('report-monthly')}?park={park.code}&year={request.POST.get('year', '')}"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    target = DisposalTarget.objects.set_for(park=park, by=request.user, **form.cleaned_data)
    messages.success(
        request,
        _("The %(year)s benchmark of %(park)s is now %(rate)s%%.")
        % {"year": target.year, "park": park.name, "rate": target.rate_pct},
    )
    return redirect(back)
