"""Importing yearly figures (/evaluation/figures/import/): check a file, see the report, then import
all of it or nothing, as the ledger import does and through its staging."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from cases import scoping
from cases.exports import new_workbook, workbook_bytes
from cases.ledger import staging
from cases.ledger.importing import over_limit_message
from cases.ledger.report import LedgerReport, Outcome, report_xlsx
from cases.ledger.writing import ledger_sheet
from cases.models import Membership
from cases.uploads import clean_file_name
from cases.views.common import invalid, require_role_somewhere
from cases.views.ledger import SHOWN_ROWS, LedgerSizeLimitHandler, _xlsx

from ..columns import EXAMPLE, FIGURE_COLUMNS
from ..forms import FiguresUploadForm
from ..importing import import_figures

Role = Membership.Role
SESSION_KEY = "figures_import"


@csrf_exempt
def import_page(request):
    require_role_somewhere(request.user, Role.PARK_ADMIN)
    request.upload_handlers.insert(0, LedgerSizeLimitHandler(request))
    return _import_page(request)


@csrf_protect
def _import_page(request):
    form = FiguresUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        if getattr(request, "ledger_too_large", False):
            form.add_error("file", over_limit_message())
        if form.is_valid() and not form.errors:
            uploaded, park = form.cleaned_data["file"], form.cleaned_data["park"]
            data = b"".join(uploaded.chunks())
            name = clean_file_name(uploaded.name) or "figures"
            report = import_figures(data, file_name=name, user=request.user, park=park, dry_run=True)
            meta = {
                "user": request.user.pk,
                "park": park.code if park else "",
                "state": "checked",
                "report": report.as_dict(),
            }
            staging.stage(request, data if report.ok else None, meta, session_key=SESSION_KEY)
            return redirect("evaluation:figures-import")
        return invalid(request, "evaluation/figures_import.html", _context(request, form))
    return render(request, "evaluation/figures_import.html", _context(request, form))


def _context(request, form) -> dict:
    token, meta = staging.pending(request, session_key=SESSION_KEY)
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
    """Import the file checked before, all or nothing, checking every row again."""
    require_role_somewhere(request.user, Role.PARK_ADMIN)
    token, meta = staging.pending(request, session_key=SESSION_KEY)
    data = staging.read_upload(token) if token else None
    if meta is None or meta["state"] != "checked" or data is None:
        messages.error(request, _("There is no checked file waiting to be imported; upload it again."))
        return redirect("evaluation:figures-import")
    park = None
    if meta.get("park"):
        park = scoping.parks_for(request.user, role=Role.PARK_ADMIN).filter(code=meta["park"]).first()
        if park is None:
            raise PermissionDenied
    previous = LedgerReport.from_dict(meta["report"])
    report = import_figures(data, file_name=previous.file_name, user=request.user, park=park)
    if report.imported:
        staging.discard_upload(token)
        meta["state"] = "imported"
        messages.success(
            request,
            _("%(file)s imported: %(summary)s") % {"file": report.file_name, "summary": report.summary()},
        )
    else:
        messages.error(
            request,
            _("Nothing was imported: the data changed since the check, and some rows are now refused."),
        )
    meta["report"] = report.as_dict()
    staging.save_meta(token, meta)
    return redirect("evaluation:figures-import")


def import_report(request):
    require_role_somewhere(request.user, Role.PARK_ADMIN)
    _token, meta = staging.pending(request, session_key=SESSION_KEY)
    if meta is None:
        messages.error(request, _("There is no report to download; upload a file first."))
        return redirect("evaluation:figures-import")
    return _xlsx(report_xlsx(LedgerReport.from_dict(meta["report"])), f"figures-{gettext('report')}.xlsx")


def import_template(request):
    """The figures file to fill in: its header, and a sheet explaining each column with an example."""
    require_role_somewhere(request.user, Role.PARK_ADMIN)
    from cases.ledger.writing import allowed_values

    parks = list(scoping.parks_for(request.user, role=Role.PARK_ADMIN)[:2])
    example = {**EXAMPLE, "park": parks[0].code if len(parks) == 1 else EXAMPLE["park"]}
    workbook = new_workbook()
    ledger_sheet(workbook, "亩均数据", [column.chinese for column in FIGURE_COLUMNS])
    notes = ledger_sheet(
        workbook,
        gettext("Columns"),
        [
            gettext("Chinese name"),
            gettext("English name"),
            gettext("required"),
            gettext("meaning"),
            gettext("allowed values"),
            gettext("example"),
        ],
        widths=[24, 24, 8, 60, 60, 30],
    )
    for column in FIGURE_COLUMNS:
        notes.row(
            [
                column.chinese,
                column.key,
                gettext("yes") if column.required else "",
                str(column.help),
                allowed_values(column),
                example.get(column.key, ""),
            ],
            wrap=True,
        )
    return _xlsx(workbook_bytes(workbook), "亩均数据模板.xlsx")
