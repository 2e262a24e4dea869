"""Turning a D class or a broken commitment into a `lead` case, with the figures behind it as the
case's first evidence: a generated PDF of the enterprise's evaluation sheet or the commitment check."""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cases.models import Category, DisposalCase, LandParcel
from cases.models.evidence import CheckedUpload, DocType, EvidenceDocument


def pdf_of(template: str, context: dict, *, landscape: bool = False) -> bytes:
    """A page of the evaluation's printable templates as an A4 PDF (WeasyPrint, the Chinese font embedded)."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    # The monthly report's print stylesheet, read from disk rather than fetched from the site.
    stylesheets = [
        CSS(filename=finders.find("parkland/report-print.css")),
        CSS(filename=finders.find("evaluation/print.css")),
    ]
    if landscape:
        stylesheets.append(CSS(string="@page { size: A4 landscape; }"))
    html = render_to_string(template, {**context, "produced_at": timezone.now()})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=stylesheets)


def open_lead_case(
    parcel: LandParcel, *, by, summary: str, pdf: bytes, file_name: str, title: str, authority: str, on: date
) -> DisposalCase:
    """A `lead` case on the whole parcel for low-efficiency land, with `pdf` stored as its first evidence,
    all or nothing: a refused case leaves no file behind (EvidenceDocument.objects.store)."""
    today = timezone.localdate()
    with transaction.atomic():
        case = DisposalCase(
            parcel=parcel,
            category=Category.INEFFICIENT,
            case_area_m2=parcel.area_m2,
            opened_on=today,
            officer=by,
            created_by=by,
            updated_by=by,
            summary=summary,
        )
        case._history_user = by
        case.full_clean(exclude=["number"])
        case.save()
        upload = CheckedUpload(
            file=ContentFile(pdf, name=file_name),
            name=file_name,
            content_type="application/pdf",
            size=len(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(),
        )
        EvidenceDocument.objects.store(
            case=case,
            uploads=[upload],
            by=by,
            title=title,
            doc_type=DocType.INSPECTION_RECORD,
            issuing_authority=authority,
            document_date=on,
            obtained_on=today,
        )
    return case
