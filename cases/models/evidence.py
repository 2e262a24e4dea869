"""The case file: evidence documents and which of them each step of the workflow needs."""

import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from ..validators import PastDateValidator
from .base import choice_constraint
from .choices import GATED_STATUSES, Category, DisposalMethod


class DocType(models.TextChoices):
    # Right
    GRANT_CONTRACT = "grant_contract", _("land grant contract / supplementary agreement")
    ALLOCATION_DECISION = "allocation_decision", _("allocation decision")
    TITLE_CERTIFICATE = "title_certificate", _("real-estate title certificate")
    BOUNDARY_MAP = "boundary_map", _("parcel boundary map")
    DELIVERY_RECORD = "delivery_record", _("land delivery confirmation")
    PRICE_PAYMENT = "price_payment", _("land price payment receipt")
    # Development
    PLANNING_PERMIT = "planning_permit", _("planning permit")
    CONSTRUCTION_PERMIT = "construction_permit", _("construction permit")
    INVESTMENT_AUDIT = "investment_audit", _("investment audit")
    INSPECTION_RECORD = "inspection_record", _("routine inspection record")
    # Investigation
    INVESTIGATION_NOTICE = "investigation_notice", _("idle land investigation notice")
    SERVICE_RECEIPT = "service_receipt", _("proof of service")
    HOLDER_REPLY = "holder_reply", _("holder's statement")
    SITE_INSPECTION = "site_inspection", _("site inspection record / photos")
    INTERVIEW_RECORD = "interview_record", _("interview record")
    DEPARTMENT_OPINION = "department_opinion", _("department opinion")
    # Finding and decision
    IDENTIFICATION = "identification", _("identification of idle or low-efficiency land")
    DISCLOSURE = "disclosure", _("public disclosure")
    HEARING_NOTICE = "hearing_notice", _("hearing notice")
    HEARING_RECORD = "hearing_record", _("hearing record / waiver")
    DISPOSAL_PLAN = "disposal_plan", _("disposal plan")
    GOVERNMENT_APPROVAL = "government_approval", _("government approval")
    DECISION = "decision", _("disposal decision")
    AGREEMENT = "agreement", _("supplementary / cooperation agreement")
    VALUATION = "valuation", _("valuation report")
    # Completion
    PAYMENT_VOUCHER = "payment_voucher", _("payment voucher")
    DEREGISTRATION = "deregistration", _("deregistration / announcement")
    HANDOVER_RECORD = "handover_record", _("handover / land reserve record")
    ENFORCEMENT = "enforcement", _("reminder / enforcement application")
    OTHER = "other", _("other")


def evidence_storage():
    return storages["evidence"]


def evidence_file_name(instance: "EvidenceDocument", filename: str) -> str:
    """A generated name: the user's file name and path never reach the disk."""
    return f"{instance.case_id}/{uuid.uuid4().hex}"


@dataclass(frozen=True)
class CheckedUpload:
    """An uploaded file whose name, type, size and checksum have been established."""

    file: object
    name: str
    content_type: str
    size: int
    sha256: str
    # Per-file fields of the document, such as a photo's EXIF time and position.
    extra: dict = field(default_factory=dict)


class EvidenceDocumentQuerySet(models.QuerySet):
    def current(self):
        """Documents that count: neither withdrawn nor replaced by a newer version."""
        return self.filter(withdrawn_at__isnull=True, superseded_by__isnull=True)

    def store(
        self,
        *,
        case,
        uploads: list[CheckedUpload],
        by,
        ip_address: str | None = None,
        supersedes: "EvidenceDocument | None" = None,
        title: str,
        **metadata,
    ) -> list["EvidenceDocument"]:
        """Files into private storage and their records into the case file, all or none.

        A file written before a database error is removed again, so no file is left without its
        record and no record without its file.
        """
        storage = evidence_storage()
        written: list[str] = []
        try:
            with transaction.atomic():
                documents = []
                for upload in uploads:
                    document = self.model(
                        case=case,
                        title=title if len(uploads) == 1 else f"{title} · {upload.name}"[:200],
                        original_name=upload.name,
                        size=upload.size,
                        content_type=upload.content_type,
                        sha256=upload.sha256,
                        uploaded_by=by,
                        supersedes=supersedes,
                        **metadata,
                        **upload.extra,
                    )
                    document.file.save(upload.name, upload.file, save=False)
                    written.append(document.file.name)
                    document._history_user = by
                    document.save()
                    document.record_custody(CustodyAction.UPLOADED, by=by, ip_address=ip_address)
                    documents.append(document)
                if supersedes is not None:
                    supersedes.record_custody(
                        CustodyAction.SUPERSEDED, by=by, ip_address=ip_address, note=documents[0].title
                    )
                return documents
        except BaseException:
            for name in written:
                storage.delete(name)
            raise

    store.alters_data = True


class EvidenceDocument(models.Model):
    case = models.ForeignKey(
        "cases.DisposalCase",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("case"),
    )
    doc_type = models.CharField(_("document type"), max_length=30, choices=DocType.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), storage=evidence_storage, upload_to=evidence_file_name, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    issuing_authority = models.CharField(_("issuing authority"), max_length=200, blank=True)
    document_date = models.DateField(
        _("document date"), null=True, blank=True, validators=[PastDateValidator(_("document date"))]
    )
    obtained_on = models.DateField(
        _("date obtained"), null=True, blank=True, validators=[PastDateValidator(_("date obtained"))]
    )
    notes = models.TextField(_("notes"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # A photo's own account of when and where it was taken (EXIF), read by the server on upload. The
    # camera's clock and position are the photographer's device's word: `uploaded_at` stays the record.
    taken_at = models.DateTimeField(_("taken at (camera clock)"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude (from the photo)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude (from the photo)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    inspection = models.ForeignKey(
        "cases.CaseEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("site inspection"),
        help_text=_("The site inspection on the timeline this photo was taken at."),
    )

    objects = EvidenceDocumentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ["case", "doc_type", "-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="%(app_label)s_%(class)s_sha256_format",
                violation_error_message=_("A SHA-256 checksum is 64 hexadecimal characters."),
            ),
            models.CheckConstraint(
                condition=Q(size__gt=0),
                name="%(app_label)s_%(class)s_not_empty",
                violation_error_message=_("An evidence file cannot be empty."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawal_reason="", withdrawn_by__isnull=True)
                | (Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False) & ~Q(withdrawal_reason="")),
                name="%(app_label)s_%(class)s_withdrawal_complete",
                violation_error_message=_("A withdrawn document records who withdrew it, when and why."),
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(supersedes=F("pk")),
                name="%(app_label)s_%(class)s_not_superseding_itself",
                violation_error_message=_("A document cannot supersede itself."),
            ),
            models.CheckConstraint(
                condition=~Q(title="") & ~Q(original_name="") & ~Q(file=""),
                name="%(app_label)s_%(class)s_title_and_file_given",
                violation_error_message=_("A document needs a title and a file."),
            ),
            models.UniqueConstraint(
                fields=["case", "sha256"],
                condition=Q(withdrawn_at__isnull=True),
                name="%(app_label)s_%(class)s_one_copy_per_case",
                violation_error_message=_("This file is already in the case file."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="%(app_label)s_%(class)s_position_valid",
                violation_error_message=_(
                    "A photo's position has both a latitude (−90 to 90) and a longitude (−180 to 180)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(inspection__isnull=True) | Q(doc_type="site_inspection"),
                name="%(app_label)s_%(class)s_inspection_photo_type",
                violation_error_message=_("Only site inspection photos belong to a site inspection."),
            ),
            choice_constraint("doc_type", DocType),
        ]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()}：{self.title}"

    def clean(self) -> None:
        super().clean()
        if self.supersedes_id and self.case_id and self.supersedes.case_id != self.case_id:
            raise ValidationError(
                {"supersedes": _("A new version must belong to the same case as the document it replaces.")}
            )

    @property
    def position_display(self) -> str:
        """The photo's position as people write it (北纬 22.271000°, 东经 113.304000°), or ""."""
        if self.latitude is None or self.longitude is None:
            return ""
        north = _("%(degrees)s° N") if self.latitude >= 0 else _("%(degrees)s° S")
        east = _("%(degrees)s° E") if self.longitude >= 0 else _("%(degrees)s° W")
        return _("%(latitude)s, %(longitude)s") % {
            "latitude": north % {"degrees": abs(self.latitude)},
            "longitude": east % {"degrees": abs(self.longitude)},
        }

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None and not hasattr(self, "superseded_by")

    def record_custody(self, action: str, *, by, ip_address: str | None = None, note: str = "") -> None:
        CustodyEvent.objects.create(document=self, action=action, actor=by, ip_address=ip_address, note=note)

    record_custody.alters_data = True

    def withdraw(self, *, by, reason: str, ip_address: str | None = None) -> None:
        """Take the document out of the case file with a reason; the file and the record stay."""
        reason = reason.strip()
        if not reason:
            raise ValidationError({"withdrawal_reason": _("Give the reason for withdrawing the document.")})
        if self.withdrawn_at is not None:
            raise ValidationError(_("This document was already withdrawn."))
        with transaction.atomic():
            self.withdrawn_at = timezone.now()
            self.withdrawn_by = by
            self.withdrawal_reason = reason
            self._history_user = by
            self.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
            self.record_custody(CustodyAction.WITHDRAWN, by=by, ip_address=ip_address, note=reason[:500])

    withdraw.alters_data = True


class EvidenceRequirementQuerySet(models.QuerySet):
    def applying_to(self, case, status: str):
        """The requirements a move of `case` into `status` must meet."""
        return self.filter(to_status=status, category=case.category).filter(
            Q(disposal_method="") | Q(disposal_method=case.disposal_method)
        )

    def checklist(self, case, status: str) -> list[tuple["EvidenceRequirement", bool]]:
        """Each requirement for the move, with whether the case's current evidence meets it."""
        present = set(case.documents.current().values_list("doc_type", flat=True))
        return [
            (requirement, bool(present.intersection(requirement.doc_types)))
            for requirement in self.applying_to(case, status)
        ]

    def missing_for(self, case, status: str) -> list["EvidenceRequirement"]:
        return [requirement for requirement, met in self.checklist(case, status) if not met]


class EvidenceRequirement(models.Model):
    """One document a step needs: any one of `doc_types` satisfies it."""

    to_status = models.CharField(
        _("move into"),
        max_length=20,
        choices=[(s.value, s.label) for s in GATED_STATUSES],
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    disposal_method = models.CharField(
        _("only for disposal method"),
        max_length=30,
        blank=True,
        choices=DisposalMethod.choices,
        help_text=_("Leave empty when the requirement applies whatever the method."),
    )
    doc_types = models.JSONField(
        _("accepted document types"),
        help_text=_("Any one of these document types meets the requirement."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = EvidenceRequirementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence requirement")
        verbose_name_plural = _("evidence requirements")
        ordering = ["to_status", "category", "disposal_method", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_status__in=[s.value for s in GATED_STATUSES]),
                name="%(app_label)s_%(class)s_to_status_valid",
            ),
            choice_constraint("category", Category),
            choice_constraint("disposal_method", DisposalMethod, blank=True),
        ]

    def __str__(self) -> str:
        return str(_(" or ")).join(
            str(DocType(code).label) for code in self.doc_types if code in DocType.values
        )

    def clean(self) -> None:
        super().clean()
        errors = {}
        if not isinstance(self.doc_types, list) or not self.doc_types:
            errors["doc_types"] = _("Choose at least one document type.")
        elif unknown := [code for code in self.doc_types if code not in DocType.values]:
            errors["doc_types"] = _("Unknown document types: %(codes)s.") % {
                "codes": ", ".join(map(str, unknown))
            }
        if errors:
            raise ValidationError(errors)


class CustodyAction(models.TextChoices):
    UPLOADED = "uploaded", _("uploaded")
    VIEWED = "viewed", _("viewed the record")
    DOWNLOADED = "downloaded", _("downloaded")
    EXPORTED = "exported", _("exported in a case file")
    SUPERSEDED = "superseded", _("superseded by a new version")
    WITHDRAWN = "withdrawn", pgettext_lazy("evidence document", "withdrawn")


class CustodyEvent(models.Model):
    """One hand the document passed through: the chain of custody a court may ask for."""

    Action = CustodyAction

    document = models.ForeignKey(
        EvidenceDocument,
        on_delete=models.PROTECT,
        related_name="custody",
        verbose_name=_("evidence document"),
    )
    action = models.CharField(_("action"), max_length=20, choices=CustodyAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("custody event")
        verbose_name_plural = _("custody log")
        ordering = ["-at", "-pk"]
        constraints = [choice_constraint("action", CustodyAction)]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"


# What wins or loses in court: documents whose absence overturned real disposals (the evidence-chain
# warnings of docs/data-model.md#evidencedocument-证据材料).
SERVED_DOCUMENTS = {
    DocType.INVESTIGATION_NOTICE,
    DocType.IDENTIFICATION,
    DocType.HEARING_NOTICE,
    DocType.DECISION,
}


def evidence_chain_warnings(case, documents) -> list[str]:
    """The gaps in the case file a court has overturned disposals for; `documents` are the case's."""
    current = [d for d in documents if d.is_current]
    types = {d.doc_type for d in current}

    def earliest(doc_type):
        dates = [d.document_date or d.obtained_on for d in current if d.doc_type == doc_type]
        dates = [d for d in dates if d]
        return min(dates) if dates else None

    warnings = []
    if case.category == Category.IDLE and DocType.DELIVERY_RECORD not in types:
        warnings.append(
            _(
                "No proof that the land was delivered (land delivery confirmation): the holder may argue "
                "a government cause."
            )
        )
    if types & SERVED_DOCUMENTS and DocType.SERVICE_RECEIPT not in types:
        warnings.append(_("A notice or decision is on file without a proof of service."))
    fee_or_take_back = case.disposal_method in (DisposalMethod.IDLE_FEE, DisposalMethod.FREE_RECOVERY)
    if fee_or_take_back and DocType.DECISION in types:
        hearing, decision = earliest(DocType.HEARING_NOTICE), earliest(DocType.DECISION)
        if DocType.HEARING_NOTICE not in types or (hearing and decision and hearing > decision):
            warnings.append(_("No hearing notice before the fee or take-back decision."))
    if case.disposal_method == DisposalMethod.FREE_RECOVERY and DocType.GOVERNMENT_APPROVAL not in types:
        warnings.append(_("A take-back free of charge without the approving government's approval on file."))
    if case.status not in ("lead", "withdrawn") and DocType.SITE_INSPECTION not in types:
        warnings.append(_("No site inspection record or photos on file."))
    return warnings
