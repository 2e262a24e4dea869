"""What each kind of job does: the same code as the page that would do it in the request.

Each function takes the claimed `Job` and its `Progress`, and returns an `Outcome` (a file to
download, data for the page) or raises `JobFailed` with a message in the job's language.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from django.core.files import File
from django.http import Http404, HttpRequest, QueryDict
from django.urls import reverse
from django.utils.translation import gettext

from cases import reporting, scoping
from cases.exports import csv_chunks, export_rows, list_workbook
from cases.ledger.importing import import_ledger
from cases.ledger.report import LedgerReport, report_xlsx
from cases.ledger.writing import ledger_xlsx
from cases.models import DisposalCase, Membership, Park
from cases.templatetags.parkland import person
from cases.views import case as case_views
from cases.views import land, revitalisation
from cases.views.evidence import case_evidence_zip

from .models import Job, JobKind, job_storage
from .running import JobFailed, Outcome, Progress

Role = Membership.Role

# The lists a background export may write, by the name in its start form.
LISTS = {
    "cases": case_views.CaseListView,
    "parcels": land.ParcelListView,
    "enterprises": land.EnterpriseListView,
    "measures": revitalisation.MeasureListView,
    "partners": revitalisation.PartnerListView,
    "leads": revitalisation.LeadListView,
}
LIST_FORMATS = ("csv", "xlsx", "ledger")
REPORT_FORMATS = ("xlsx", "pdf")


def as_request(user, query: str) -> HttpRequest:
    """A GET request of `user` with `query`, for a list view's own filters and scoping."""
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict(query)
    request.user = user
    return request


def list_rows(job: Job):
    """The list view of the job, set up as the page would be; its queryset is what it would export."""
    view = LISTS[job.parameters["list"]]()
    view.setup(as_request(job.user, job.parameters.get("query", "")))
    return view, view.get_queryset()


def list_export(job: Job, progress: Progress) -> Outcome:
    view, queryset = list_rows(job)
    fmt = job.parameters["format"]
    rows = progress.counted(
        export_rows(queryset), total=queryset.count(), message=gettext("Writing the rows")
    )
    if fmt == "ledger":
        return Outcome(file_name="cases-ledger.xlsx", content=ledger_xlsx(rows))
    if fmt == "xlsx":
        content = list_workbook(view.columns, rows, title=str(view.export_title))
        return Outcome(file_name=f"{view.export_name}.xlsx", content=content)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the storage, closed with the File
    for chunk in csv_chunks(view.columns, rows):
        spool.write(chunk)
    spool.seek(0)
    return Outcome(file_name=f"{view.export_name}.csv", content=File(spool))


def report_parameters(parameters: dict) -> dict:
    """year, park, category and as_of of a report job, as `reporting.monthly_report` takes them."""
    park = Park.objects.get(code=parameters["park"]) if parameters.get("park") else None
    as_of = date.fromisoformat(parameters["as_of"]) if parameters.get("as_of") else None
    return {
        "year": parameters["year"],
        "park": park,
        "category": parameters.get("category", ""),
        "as_of": as_of,
    }


def report(job: Job, progress: Progress) -> Outcome:
    cases = scoping.cases_for(job.user) if job.user else DisposalCase.objects.all()
    progress.start(2, gettext("Computing the figures"))
    try:
        figures = reporting.monthly_report(cases, **report_parameters(job.parameters))
    except reporting.ReportError as error:
        raise JobFailed(str(error)) from error
    fmt = job.parameters["format"]
    progress.advance(1, gettext("Writing the report"))
    produced_by = person(job.user) if job.user else gettext("Parkland (scheduled)")
    content = (
        reporting.to_pdf(figures, produced_by=produced_by) if fmt == "pdf" else reporting.to_xlsx(figures)
    )
    name = f"disposal-report-{figures.park.code if figures.park else 'all'}-{figures.year}"
    if job.parameters.get("as_of"):  # a scheduled month's report names its month
        name += f"-{figures.as_of:%m}"
    return Outcome(file_name=f"{name}.{fmt}", content=content)


def evidence_zip(job: Job, progress: Progress) -> Outcome:
    """The case file, made by the page's own view (its checks, custody records and index) as the
    user who asked, and written to a file instead of streamed."""
    request = as_request(job.user, "")
    request.META["REMOTE_ADDR"] = job.parameters.get("ip_address") or ""
    case = scoping.cases_for(job.user).filter(number=job.parameters["case"]).first()
    if case is None:
        raise JobFailed(gettext("The case is no longer there or you may no longer see it."))
    try:
        response = case_evidence_zip(request, case.number)
    except Http404 as error:
        raise JobFailed(str(error)) from error
    documents = dict(case.documents.current().values_list("pk", "size"))
    size = sum(documents.values())
    progress.start(size or 1, gettext("Packing the documents"))
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the storage, closed with the File
    for data in response.streaming_content:
        spool.write(data)
        progress.advance(spool.tell())
    spool.seek(0)
    # The documents in the zip: each download of it is written to their custody logs (jobs/views.py).
    name = f"{case.number}-evidence.zip"
    return Outcome(file_name=name, content=File(spool), data={"documents": list(documents)})


def _ledger_input(job: Job) -> bytes:
    if not job.input_file.name or not job_storage().exists(job.input_file.name):
        raise JobFailed(gettext("The uploaded file is no longer kept; upload it again."))
    with job_storage().open(job.input_file.name, "rb") as handle:
        return handle.read()


def _ledger_park(job: Job) -> Park | None:
    code = job.parameters.get("park", "")
    return Park.objects.get(code=code) if code else None


def _tell(progress: Progress):
    def tell(done: int, total: int, step: str) -> None:
        if total and total != progress.job.total:
            progress.start(total, step)
        else:
            progress.advance(done, step)

    return tell


def _report_outcome(report: LedgerReport) -> Outcome:
    stem = Path(report.file_name).stem or "ledger"
    return Outcome(
        file_name=f"{stem}-{gettext('report')}.xlsx",
        content=report_xlsx(report),
        data=report.as_dict(),
        message=report.summary(),
    )


def ledger_check(job: Job, progress: Progress) -> Outcome:
    """A dry run: every row checked, nothing written; the report is the result."""
    report = import_ledger(
        _ledger_input(job),
        file_name=job.parameters["file_name"],
        user=job.user,
        park=_ledger_park(job),
        dry_run=True,
        progress=_tell(progress),
    )
    return _report_outcome(report)


def ledger_import(job: Job, progress: Progress) -> Outcome:
    """The import, all rows or none in one transaction; a refused file fails the job with its report."""
    report = import_ledger(
        _ledger_input(job),
        file_name=job.parameters["file_name"],
        user=job.user,
        park=_ledger_park(job),
        progress=_tell(progress),
    )
    if not report.imported:
        raise JobFailed(
            " ".join(report.errors)
            or gettext(
                "Nothing was imported: the ledger changed since the check, and some rows are now refused."
            ),
            data=report.as_dict(),
        )
    job_storage().delete(job.input_file.name)
    return _report_outcome(report)


def evaluation_run(job: Job, progress: Progress) -> Outcome:
    """The year's 亩均 evaluation computed and stored as a new run, as the /evaluation/ page's run
    button does (evaluation.running.compute_run); the result is the run itself."""
    from evaluation.models import RunError
    from evaluation.running import STEPS, compute_run, notes

    year = job.parameters["year"]
    if job.user is None or job.park is None or not scoping.has_role(job.user, job.park, Role.OFFICER):
        raise JobFailed(gettext("You may no longer run the evaluation of this park."))
    progress.start(STEPS)
    try:
        computed = compute_run(
            job.park, year, by=job.user, step=lambda done, step: progress.advance(done, step)
        )
    except RunError as error:
        raise JobFailed(str(error)) from error
    said = notes(computed)
    run = computed.run
    return Outcome(
        data={
            "run": run.pk,
            "park": job.park.code,
            "year": year,
            "enterprise_count": run.enterprise_count,
            "landless": computed.landless,
            "scheme": computed.scheme,
            "url": f"{reverse('evaluation:results')}?park={job.park.code}&year={year}#run-{run.pk}",
            "notes": [text for _level, text in said],
        },
        message=said[-1][1],
    )


def reminders(job: Job, progress: Progress) -> Outcome:
    from .reminders import send_reminders

    progress.start(0, gettext("Sending the reminders"))
    lines = []
    summary = send_reminders(days=job.parameters.get("days"), dry_run=False, write=lines.append)
    return Outcome(data={"lines": lines}, message=summary)


WORK = {
    JobKind.LEDGER_CHECK: ledger_check,
    JobKind.LEDGER_IMPORT: ledger_import,
    JobKind.LIST_EXPORT: list_export,
    JobKind.LEDGER_EXPORT: list_export,
    JobKind.REPORT: report,
    JobKind.EVIDENCE_ZIP: evidence_zip,
    JobKind.REMINDERS: reminders,
    JobKind.EVALUATION_RUN: evaluation_run,
}
