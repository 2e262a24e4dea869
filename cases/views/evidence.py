"""The case file: uploads, downloads, versions, withdrawal, custody log and the zip export."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count, Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, ngettext, override
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import scoping
from ..downloads import send_file
from ..exports import Column, csv_response
from ..forms import (
    EvidenceUploadForm,
    WithdrawForm,
)
from ..history import history_of
from ..models import (
    CustodyEvent,
    EvidenceDocument,
    Membership,
)
from ..models.evidence import evidence_storage
from ..photos import location_free, strips_location
from ..templatetags.parkland import person
from ..uploads import read_chunks, stream_zip
from .common import (
    case_or_404,
    client_address,
    invalid,
    is_whole_number,
    next_step_checklist,
    refuse_if_closed,
    require_role,
)

Role = Membership.Role


def _document_or_404(request, pk: int):
    return get_object_or_404(
        scoping.documents_for(request.user).select_related(
            "case__parcel__park", "uploaded_by", "withdrawn_by", "supersedes", "superseded_by", "inspection"
        ),
        pk=pk,
    )


def evidence_upload(request, number: str):
    case = case_or_404(request, number)
    require_role(request.user, case.parcel.park, Role.OFFICER)
    if refused := refuse_if_closed(request, case):
        return refused
    supersedes, initial = _superseded_and_initial(request, case)
    posted = request.method == "POST"
    form = EvidenceUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        case=case,
        refused=getattr(request, "refused_uploads", []),
        initial=initial,
    )
    context = {
        "form": form,
        "case": case,
        "supersedes": supersedes,
        "title": _("Upload evidence") if not supersedes else _("Upload a new version"),
        "cancel_url": case.get_absolute_url(),
        "checklist": next_step_checklist(case),
    }
    if request.method != "POST":
        return render(request, "cases/evidence_form.html", context)
    if getattr(request, "upload_interrupted", False):
        form.add_error(
            None,
            _("The upload was interrupted before it finished; nothing was stored. Upload the files again."),
        )
        return invalid(request, "cases/evidence_form.html", context, status=400)
    if form.is_valid() and supersedes is not None and len(form.checked) != 1:
        form.add_error("files", _("A new version is one file."))
    if not form.is_valid():
        return invalid(request, "cases/evidence_form.html", context)
    metadata = form.metadata()
    try:
        documents = EvidenceDocument.objects.store(
            case=case,
            uploads=form.checked,
            by=request.user,
            ip_address=client_address(request),
            supersedes=supersedes,
            **metadata,
        )
    except IntegrityError:
        form.add_error(
            None,
            _(
                "The case file changed while you uploaded (the same file or a new version was added); "
                "check it and try again."
            ),
        )
        return invalid(request, "cases/evidence_form.html", context, status=409)
    messages.success(request, _added(len(documents)))
    return redirect(case.get_absolute_url())


def _superseded_and_initial(request, case):
    """The current document a new version replaces (?supersedes=), if any, and the form's first values."""
    supersedes = None
    if is_whole_number(old := request.GET.get("supersedes", "")):
        supersedes = get_object_or_404(case.documents.current(), pk=int(old))
    initial = {"obtained_on": timezone.localdate()}
    if supersedes:
        initial.update(
            doc_type=supersedes.doc_type,
            title=supersedes.title,
            issuing_authority=supersedes.issuing_authority,
            document_date=supersedes.document_date,
        )
    return supersedes, initial


def _added(count: int) -> str:
    return ngettext(
        "%(count)d document added to the case file.",
        "%(count)d documents added to the case file.",
        count,
    ) % {"count": count}


def evidence_detail(request, pk: int):
    document = _document_or_404(request, pk)
    document.record_custody(CustodyEvent.Action.VIEWED, by=request.user, ip_address=client_address(request))
    versions = _version_chain(document)
    context = {
        "document": document,
        "case": document.case,
        "versions": versions,
        "custody": document.custody.select_related("actor").order_by("-at", "-pk")[:200],
        "can_edit": scoping.has_role(request.user, document.case.parcel.park, Role.OFFICER),
        "may_change": document.case.is_open
        and scoping.has_role(request.user, document.case.parcel.park, Role.OFFICER),
        "withdraw_form": WithdrawForm(),
        "history": history_of(document),
    }
    return render(request, "cases/evidence_detail.html", context)


def _version_chain(document) -> list:
    """Every version of the document, newest first, from the case's documents in one query."""
    siblings = {
        d.pk: d
        for d in document.case.documents.filter(doc_type=document.doc_type).select_related("uploaded_by")
    }
    successor_of = {d.supersedes_id: d for d in siblings.values() if d.supersedes_id}
    newest = document
    while newest.pk in successor_of:
        newest = successor_of[newest.pk]
    chain = [newest]
    while chain[-1].supersedes_id and chain[-1].supersedes_id in siblings:
        chain.append(siblings[chain[-1].supersedes_id])
    return chain


def evidence_download(request, pk: int):
    """The file, after the permission check and its custody record; sent as PARKLAND_DOWNLOADS says."""
    document = _document_or_404(request, pk)
    stripped = strips_location(document.case.parcel.park, document.content_type)
    try:
        if stripped:
            # Only the worker can take the position out, so this copy never goes by nginx or the bucket.
            response = _location_free_response(document)
        else:
            response = send_file(
                "evidence",
                document.file.name,
                filename=document.original_name,
                content_type=document.content_type,
            )
    except FileNotFoundError as error:
        raise Http404(
            gettext("The file of this document is missing from storage; tell the system administrator.")
        ) from error
    document.record_custody(
        CustodyEvent.Action.DOWNLOADED,
        by=request.user,
        ip_address=client_address(request),
        note=_location_removed_note() if stripped else "",
    )
    return response


def _location_free_response(document) -> StreamingHttpResponse:
    handle = evidence_storage().open(document.file.name, "rb")

    def chunks():
        with handle:
            yield from location_free(handle, document.content_type)

    response = StreamingHttpResponse(chunks(), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _location_removed_note() -> str:
    # Stored in the working language, as the other texts the system writes into the record.
    with override(settings.LANGUAGE_CODE):
        return str(_("copy without the photo's position"))


@require_POST
def evidence_withdraw(request, pk: int):
    document = _document_or_404(request, pk)
    require_role(request.user, document.case.parcel.park, Role.OFFICER)
    if refused := refuse_if_closed(request, document.case):
        return refused
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for withdrawing the document."))
        return redirect("evidence-detail", pk=document.pk)
    try:
        document.withdraw(
            by=request.user, reason=form.cleaned_data["reason"], ip_address=client_address(request)
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Withdrawn: %(title)s. The file stays in the record.") % {"title": document.title}
        )
    return redirect("evidence-detail", pk=document.pk)


CUSTODY_COLUMNS = [
    Column("at", _("at"), lambda e: e.at),
    Column("document", _("evidence document"), lambda e: e.document.title),
    Column("action", _("action"), lambda e: e.get_action_display()),
    Column("actor", _("by"), lambda e: person(e.actor) if e.actor else ""),
    Column("ip_address", _("from address"), lambda e: e.ip_address or ""),
    Column("note", _("note"), lambda e: e.note),
]


def evidence_custody_export(request, pk: int):
    document = _document_or_404(request, pk)
    events = document.custody.select_related("actor", "document").order_by("at", "pk")
    return csv_response(CUSTODY_COLUMNS, events, f"custody-{document.pk}")


def case_evidence_zip(request, number: str):
    """Every current document of the case and an index (CSV and printable HTML), streamed as a zip."""
    case = case_or_404(request, number)
    documents = list(
        case.documents.current()
        .select_related("uploaded_by")
        .annotate(
            downloads=Count("custody", filter=Q(custody__action=CustodyEvent.Action.DOWNLOADED)),
            custody_events=Count("custody"),
        )
        .order_by("doc_type", "document_date", "pk")
    )
    now = timezone.localtime()
    names = {
        d.pk: f"{index:02d}-{_path_safe(d.get_doc_type_display())}-{d.original_name}"
        for index, d in enumerate(documents, 1)
    }
    _refuse_missing_files(documents)
    park = case.parcel.park
    stripped = {d.pk for d in documents if strips_location(park, d.content_type)}
    _record_export(request, documents, stripped)
    columns = _index_columns(names, stripped)
    index_csv = csv_response(columns, documents, "index").content
    index_html = render_to_string(
        "cases/evidence_index.html",
        {
            "case": case,
            "documents": documents,
            "names": names,
            "stripped": stripped,
            "columns": columns,
            "now": now,
            "user": request.user,
        },
        request=request,
    ).encode("utf-8")

    def file_chunks(document):
        with evidence_storage().open(document.file.name, "rb") as handle:
            if document.pk in stripped:
                yield from location_free(handle, document.content_type)
            else:
                yield from read_chunks(handle)

    entries = [
        ("index.csv", now, [index_csv]),
        ("index.html", now, [index_html]),
        *((f"files/{names[d.pk]}", timezone.localtime(d.uploaded_at), file_chunks(d)) for d in documents),
    ]
    response = StreamingHttpResponse(stream_zip(entries), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, f"{case.number}-evidence.zip")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _record_export(request, documents, stripped: set[int]) -> None:
    """One custody record per exported document; those sent without their position say so."""
    CustodyEvent.objects.bulk_create(
        CustodyEvent(
            document=d,
            action=CustodyEvent.Action.EXPORTED,
            actor=request.user,
            ip_address=client_address(request),
            note=_location_removed_note() if d.pk in stripped else "",
        )
        for d in documents
    )


def _refuse_missing_files(documents) -> None:
    """404 naming the first document whose file is not in storage: no case file goes out incomplete."""
    storage = evidence_storage()
    if missing := [d for d in documents if not storage.exists(d.file.name)]:
        raise Http404(
            gettext(
                "The file of “%(title)s” is missing from storage, so the case file cannot be exported; "
                "tell the system administrator."
            )
            % {"title": missing[0].title}
        )


def _index_columns(names: dict, stripped: set[int]) -> list[Column]:
    """The columns of a case file's index, `names` being each document's file name in the archive and
    `stripped` the documents whose copy in it goes without the photo's position."""
    return [
        Column("file", _("file in this archive"), lambda d: names[d.pk]),
        Column("doc_type", _("document type"), lambda d: d.get_doc_type_display()),
        Column("title", _("title"), lambda d: d.title),
        Column("document_date", _("document date"), lambda d: d.document_date),
        Column("obtained_on", _("date obtained"), lambda d: d.obtained_on),
        Column("issuing_authority", _("issuing authority"), lambda d: d.issuing_authority),
        Column("sha256", _("SHA-256"), lambda d: d.sha256),
        Column(
            "position_removed",
            _("position removed from this copy (SHA-256 is the original's)"),
            lambda d: _("yes") if d.pk in stripped else "",
        ),
        Column("size", _("size (bytes)"), lambda d: d.size),
        Column(
            "uploaded",
            _("uploaded"),
            lambda d: f"{timezone.localtime(d.uploaded_at):%Y-%m-%d %H:%M} {person(d.uploaded_by)}",
        ),
        Column("custody", _("custody events / downloads"), lambda d: f"{d.custody_events} / {d.downloads}"),
    ]


def _path_safe(text: str) -> str:
    """A label usable in an archive path: its slashes would make folders."""
    return str(text).replace("/", "／").replace("\\", "＼")
