"""The ledger (台账) pages: import a park's spreadsheet (dry run, then confirm), its template, and the
case list written out in ledger form (docs/data-model.md#ledger-columns-台账).

An uploaded file waits between its dry run and the confirmation as cases/ledger/staging.py keeps it.
"""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from .. import scoping
from ..forms import LedgerUploadForm
from ..ledger import staging
from ..ledger.importing import import_ledger, over_limit_message
from ..ledger.report import LedgerReport, Outcome, report_xlsx
from ..ledger.writing import XLSX_CONTENT_TYPE, ledger_xlsx, template_xlsx
from ..models import Membership, Park
from ..uploads import clean_file_name
from .case import CaseListView
from .common import invalid, require_role_somewhere

Role = Membership.Role
SHOWN_ROWS = 1000  # the page lists this many rows; the XLSX report has them all


class LedgerSizeLimitHandler(FileUploadHandler):
    """Drops an upload the moment it passes the ledger size limit, so it is never stored whole."""

    def receive_data_chunk(self, raw_data: bytes, start: int):
        if start + len(raw_data) > settings.PARKLAND_LEDGER_MAX_BYTES:
            self.request.ledger_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int):
        return None


# Pages -----------------------------------------------------------------------------------------------


@csrf_exempt
def import_page(request):
    """Upload a ledger for a dry run, and see the report of the last one (GET)."""
    require_role_somewhere(request.user, Role.PARK_ADMIN)
    # The size limit must be in place before the body is read, hence CSRF checked below, not earlier.
    request.upload_handlers.insert(0, LedgerSizeLimitHandler(request))
    return _import_page(request)


@csrf_protect
def _import_page(request):
    form = LedgerUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        if getattr(request, "ledger_too_large", False):
            form.add_error("file", over_limit_message())
        if form.is_valid() and not form.errors:
            _check_upload(request, form)
            return redirect("ledger-import")
        return invalid(request, "cases/ledger_import.html", _context(request, form))
    return render(request, "cases/ledger_import.html", _context(request, form))


def _check_upload(request, form: LedgerUploadForm) -> None:
    uploaded = form.cleaned_data["file"]
    park: Park | None = form.cleaned_data["park"]
    data = b"".join(uploaded.chunks())
    name = clean_file_name(uploaded.name) or "ledger"
    report = import_ledger(data, file_name=name, user=request.user, park=park, dry_run=True)
    meta = {
        "user": request.user.pk,
        "park": park.code if park else "",
        "state": "checked",
        "report": report.as_dict(),
    }
    staging.stage(request, data if report.ok else None, meta)


def _context(request, form) -> dict:
    token, meta = staging.pending(request)
    context = {"form": form, "report": None}
    if meta is None:
        return context
    report = LedgerReport.from_dict(meta["report"])
    only_refused = request.GET.get("only") == "refused" and report.refused
    rows = [r for r in report.rows if r.outcome == Outcome.REFUSED] if only_refused else report.rows
    context.update(
        report=report,
        state=meta["state"],
        park_code=meta.get("park", ""),
        rows=rows[:SHOWN_ROWS],
        rows_hidden=max(0, len(rows) - SHOWN_ROWS),
        only_refused=bool(only_refused),
        can_confirm=meta["state"] == "checked" and report.ok and staging.has_upload(token),
    )
    return context


@require_POST
def import_confirm(request):
    """Import the file checked before, all or nothing, checking every row again as it goes."""
    require_role_somewhere(request.user, Role.PARK_ADMIN)
    token, meta = staging.pending(request)
    data = staging.read_upload(token) if meta is not None and meta["state"] == "checked" else None
    if data is None:
        messages.error(request, _("There is no checked file waiting to be imported; upload it again."))
        return redirect("ledger-import")
    previous = LedgerReport.from_dict(meta["report"])
    park = None
    if meta.get("park"):
        park = scoping.parks_for(request.user, role=Role.PARK_ADMIN).filter(code=meta["park"]).first()
        if park is None:
            raise PermissionDenied
    report = import_ledger(data, file_name=previous.file_name, user=request.user, park=park)
    if report.imported:
        staging.discard_upload(token)
        meta["state"] = "imported"
        if report.changes_anything:
            messages.success(
                request,
                _("%(file)s imported: %(summary)s") % {"file": report.file_name, "summary": report.summary()},
            )
        else:
            messages.info(request, _("Every row is unchanged: the import changed nothing."))
    else:
        messages.error(
            request,
            _("Nothing was imported: the ledger changed since the check, and some rows are now refused."),
        )
    meta["report"] = report.as_dict()
    staging.save_meta(token, meta)
    return redirect("ledger-import")


def import_report(request):
    """The last check's or import's report as XLSX."""
    require_role_somewhere(request.user, Role.PARK_ADMIN)
    _token, meta = staging.pending(request)
    if meta is None:
        messages.error(request, _("There is no report to download; upload a file first."))
        return redirect("ledger-import")
    report = LedgerReport.from_dict(meta["report"])
    stem = Path(report.file_name).stem or "ledger"
    return _xlsx(report_xlsx(report), f"{stem}-{gettext('report')}.xlsx")


def import_template(request):
    """An empty ledger: the header, an example row, and a sheet explaining each column."""
    require_role_somewhere(request.user, Role.PARK_ADMIN)
    parks = list(scoping.parks_for(request.user, role=Role.PARK_ADMIN)[:2])
    return _xlsx(template_xlsx(park_code=parks[0].code if len(parks) == 1 else ""), "台账模板.xlsx")


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class CaseLedgerExportView(CaseListView):
    """The case list as filtered and sorted on the page, in the ledger's columns; imports back unchanged."""

    def get(self, request, *args, **kwargs):
        return _xlsx(ledger_xlsx(self.get_queryset()), "cases-ledger.xlsx")
