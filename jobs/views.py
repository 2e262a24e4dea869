"""The jobs pages: "my jobs", one job with its progress bar, its status as JSON, its result, and the
forms that start a job; and the reminder settings (docs/jobs.md)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from cases.downloads import send_file
from cases.forms import LedgerUploadForm
from cases.ledger.report import LedgerReport, Outcome
from cases.models import CustodyEvent, Membership
from cases.uploads import clean_file_name
from cases.views.common import (
    case_or_404,
    client_address,
    is_whole_number,
    require_role,
    require_role_somewhere,
)
from cases.views.ledger import LedgerSizeLimitHandler
from cases.views.reporting import BadReportRequest, _report_parameters

from . import running
from .kinds import LIST_FORMATS, LISTS, REPORT_FORMATS, as_request
from .models import Job, JobKind, JobState, ReminderKind, ReminderOptOut, job_storage

Role = Membership.Role
SHOWN_ROWS = 200  # a background check's page lists this many refused rows; the XLSX report has all
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
    "zip": "application/zip",
}


def _language() -> str:
    language = get_language() or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _job_or_404(request, pk: int) -> Job:
    """A job the user may see (owner, park administrator, superuser); 404 otherwise."""
    return get_object_or_404(Job.objects.visible_to(request.user).select_related("user", "park"), pk=pk)


def _fail_if_stalled(job: Job) -> Job:
    """A running job whose worker went silent is marked failed as soon as anyone looks at it."""
    if job.state == JobState.RUNNING and Job.objects.stalled().filter(pk=job.pk).exists():
        running.fail(job.pk, running.stopped_message())
        job.refresh_from_db()
    return job


def _launch(request, job: Job):
    running.start(job)
    return redirect(job)


# Pages --------------------------------------------------------------------------------------------


def job_list(request):
    """The user's jobs, and those of the parks the user administers, newest first."""
    jobs = Job.objects.visible_to(request.user).select_related("user", "park")
    page = Paginator(jobs, 50).get_page(
        request.GET.get("page") if is_whole_number(request.GET.get("page", "")) else 1
    )
    return render(
        request,
        "jobs/job_list.html",
        {"page": page, "jobs": page.object_list, "keep_days": settings.PARKLAND_JOB_KEEP_DAYS},
    )


def job_detail(request, pk: int):
    job = _fail_if_stalled(_job_or_404(request, pk))
    context = {"job": job, "may_download": job.may_download(request.user)}
    if job.kind in (JobKind.LEDGER_CHECK, JobKind.LEDGER_IMPORT) and job.result_data:
        report = LedgerReport.from_dict(job.result_data)
        refused = [r for r in report.rows if r.outcome == Outcome.REFUSED]
        context.update(
            report=report,
            refused_rows=refused[:SHOWN_ROWS],
            refused_hidden=max(0, len(refused) - SHOWN_ROWS),
            can_import=job.kind == JobKind.LEDGER_CHECK
            and job.state == JobState.SUCCEEDED
            and report.ok
            and job.user_id == request.user.pk
            and not job.imports.exists(),
        )
    return render(request, "jobs/job_detail.html", context)


def job_status(request, pk: int):
    """The job's state and progress for the page's progress bar (polled by jobs/progress.js)."""
    job = _fail_if_stalled(_job_or_404(request, pk))
    finished = job.finished
    return JsonResponse(
        {
            "id": job.pk,
            "state": job.state,
            "state_label": job.get_state_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "message": job.message,
            "error": job.error,
            "finished": finished,
            "download_url": reverse("jobs:download", args=[job.pk])
            if job.result_file and job.may_download(request.user)
            else None,
        },
        headers={"Cache-Control": "no-store"},
    )


def job_download(request, pk: int):
    job = _job_or_404(request, pk)
    if not job.may_download(request.user):
        raise PermissionDenied
    if job.state != JobState.SUCCEEDED or not job.result_file:
        raise Http404(gettext("This job has no file to download."))
    extension = job.result_name.rsplit(".", 1)[-1].lower()
    if job.kind == JobKind.EVIDENCE_ZIP:
        _record_case_file_download(request, job)
    try:
        return send_file(
            "private",
            job.result_file.name,
            filename=job.result_name,
            content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
        )
    except FileNotFoundError as error:
        raise Http404(gettext("The job's file is no longer kept; start the job again.")) from error


def _record_case_file_download(request, job: Job) -> None:
    """Evidence leaving the server is in its custody log: a case file made in the background is
    recorded as exported when it is made, and as downloaded by whoever downloads it, each time."""
    note = gettext("case file made in the background (job %(number)s)") % {"number": job.pk}
    CustodyEvent.objects.bulk_create(
        CustodyEvent(
            document_id=pk,
            action=CustodyEvent.Action.DOWNLOADED,
            actor=request.user,
            ip_address=client_address(request),
            note=note,
        )
        for pk in (job.result_data or {}).get("documents", [])
    )


# Starting jobs ------------------------------------------------------------------------------------


@require_POST
def start_export(request):
    """A list (its filters and sort as on the page) written in the background: CSV, XLSX or ledger."""
    name, fmt = request.POST.get("list", ""), request.POST.get("format", "")
    if name not in LISTS or fmt not in LIST_FORMATS or (fmt == "ledger" and name != "cases"):
        raise Http404(gettext("There is no such export."))
    query = request.POST.get("query", "")
    view = LISTS[name]()
    view.setup(as_request(request.user, query))
    title = f"{view.export_title} · {'台账' if fmt == 'ledger' else fmt.upper()}"
    kind = JobKind.LEDGER_EXPORT if fmt == "ledger" else JobKind.LIST_EXPORT
    job = Job.objects.create(
        kind=kind,
        user=request.user,
        language=_language(),
        title=title[:200],
        parameters={"list": name, "format": fmt, "query": query[:2000]},
    )
    return _launch(request, job)


@require_POST
def start_report(request):
    """The monthly report as PDF or XLSX, made in the background."""
    fmt = request.POST.get("format", "")
    if fmt not in REPORT_FORMATS:
        raise Http404(gettext("There is no %(format)s version of the report.") % {"format": fmt})
    try:
        parameters = _report_parameters(as_request(request.user, request.POST.get("query", "")))
    except BadReportRequest as error:
        messages.error(request, str(error))
        return redirect("report-monthly")
    park, as_of = parameters["park"], parameters["as_of"]
    job = Job.objects.create(
        kind=JobKind.REPORT,
        user=request.user,
        park=park,
        language=_language(),
        title=f"{park.code if park else gettext('all parks')} {parameters['year']} · {fmt.upper()}",
        parameters={
            "year": parameters["year"],
            "park": park.code if park else "",
            "category": parameters["category"],
            "as_of": as_of.isoformat() if isinstance(as_of, date) else "",
            "format": fmt,
        },
    )
    return _launch(request, job)


@require_POST
def start_evidence_zip(request, number: str):
    """A case file (zip) made in the background, for cases with large evidence."""
    case = case_or_404(request, number)
    job = Job.objects.create(
        kind=JobKind.EVIDENCE_ZIP,
        user=request.user,
        park=case.parcel.park,
        language=_language(),
        title=case.number,
        parameters={"case": case.number, "ip_address": client_address(request)},
    )
    return _launch(request, job)


@require_POST
def start_evaluation_run(request):
    """The year's 亩均 evaluation of a park computed in the background (officer and above, as the
    /evaluation/ page's run button); the job's result is the new run."""
    from evaluation.views.results import park_and_year

    park, year, _parks = park_and_year(request)
    require_role(request.user, park, Role.OFFICER)
    job = Job.objects.create(
        kind=JobKind.EVALUATION_RUN,
        user=request.user,
        park=park,
        language=_language(),
        title=f"{park.name} {year}"[:200],
        parameters={"year": year},
    )
    return _launch(request, job)


@csrf_exempt
def start_ledger_check(request):
    """A ledger checked in the background (large files): the dry run's report on the job's page."""
    require_role_somewhere(request.user, Role.PARK_ADMIN)
    if request.method != "POST":
        return redirect("ledger-import")
    # The size limit must be in place before the body is read, hence CSRF checked below, not earlier.
    request.upload_handlers.insert(0, LedgerSizeLimitHandler(request))
    return _start_ledger_check(request)


@csrf_protect
def _start_ledger_check(request):
    from cases.ledger.importing import over_limit_message

    form = LedgerUploadForm(request.POST, request.FILES, user=request.user)
    if getattr(request, "ledger_too_large", False):
        form.add_error("file", over_limit_message())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("ledger-import")
    uploaded, park = form.cleaned_data["file"], form.cleaned_data["park"]
    name = clean_file_name(uploaded.name) or "ledger"
    with transaction.atomic():
        job = Job.objects.create(
            kind=JobKind.LEDGER_CHECK,
            user=request.user,
            park=park,
            language=_language(),
            title=name[:200],
            parameters={"file_name": name, "park": park.code if park else ""},
        )
        _keep_input(job, uploaded)
    return _launch(request, job)


def _keep_input(job: Job, content) -> None:
    """The job's input in private storage, within the transaction that records the job: if either
    fails, neither the row nor the file stays."""
    name = job_storage().save(f"jobs/{job.pk}/input", content)
    try:
        job.input_file.name = name
        job.save(update_fields=["input_file"])
    except Exception:
        job_storage().delete(name)
        raise


@require_POST
def start_ledger_import(request, pk: int):
    """Import the file a background check found clean, all rows or none, as a job of its own."""
    check = _job_or_404(request, pk)
    if check.kind != JobKind.LEDGER_CHECK or check.user_id != request.user.pk:
        raise Http404
    require_role_somewhere(request.user, Role.PARK_ADMIN)
    report = LedgerReport.from_dict(check.result_data) if check.result_data else None
    if check.state != JobState.SUCCEEDED or report is None or not report.ok or check.imports.exists():
        messages.error(request, gettext("There is no checked file waiting to be imported; upload it again."))
        return redirect(check)
    if not check.input_file.name or not job_storage().exists(check.input_file.name):
        messages.error(request, gettext("The uploaded file is no longer kept; upload it again."))
        return redirect(check)
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=JobKind.LEDGER_IMPORT,
                user=request.user,
                park=check.park,
                language=_language(),
                title=check.title,
                parameters={**check.parameters, "check": check.pk},
                source=check,
            )
            with job_storage().open(check.input_file.name, "rb") as handle:
                _keep_input(job, ContentFile(handle.read()))
    except IntegrityError:  # a second click: the first import is under way
        return redirect(check.imports.get())
    return _launch(request, job)


# Reminder settings ----------------------------------------------------------------------------------


def reminder_settings(request):
    """Which e-mail reminders the user receives: one switch per kind."""
    chosen = set(ReminderOptOut.objects.filter(user=request.user).values_list("kind", flat=True))
    if request.method == "POST":
        wanted = set(request.POST.getlist("kind"))
        if unknown := wanted - set(ReminderKind.values):
            messages.error(
                request, gettext("Unknown reminder: %(kind)s.") % {"kind": ", ".join(sorted(unknown))}
            )
            return redirect("jobs:reminders")
        opt_out = set(ReminderKind.values) - wanted
        ReminderOptOut.objects.filter(user=request.user).exclude(kind__in=opt_out).delete()
        ReminderOptOut.objects.bulk_create(
            [ReminderOptOut(user=request.user, kind=kind) for kind in sorted(opt_out - chosen)],
            ignore_conflicts=True,
        )
        messages.success(request, gettext("Your reminder settings are saved."))
        return redirect("jobs:reminders")
    kinds = [(kind, label, kind not in chosen) for kind, label in ReminderKind.choices]
    return render(
        request,
        "jobs/reminder_settings.html",
        {"kinds": kinds, "has_email": bool(request.user.email), "days": settings.PARKLAND_DUE_SOON_DAYS},
    )
