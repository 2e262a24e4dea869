"""The forms of evidence: uploading documents to a case file and withdrawing them."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import (
    DisposalCase,
    DocType,
)
from ..models.evidence import CheckedUpload
from ..uploads import ALLOWED_EXTENSIONS, clean_file_name, kind_of, sha256_of
from ..validators import PastDateValidator
from .base import StyledForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class EvidenceUploadForm(StyledForm, forms.Form):
    """Metadata for one or several files; each file is checked for type, size and duplicates."""

    doc_type = forms.ChoiceField(label=_("document type"), choices=DocType.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    issuing_authority = forms.CharField(label=_("issuing authority"), max_length=200, required=False)
    document_date = forms.DateField(
        label=_("document date"), required=False, validators=[PastDateValidator(_("document date"))]
    )
    obtained_on = forms.DateField(
        label=_("date obtained"), required=False, validators=[PastDateValidator(_("date obtained"))]
    )
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label=_("files"), required=False)

    def __init__(self, *args, case: DisposalCase, refused: list[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.refused = list(refused)
        self.checked: list[CheckedUpload] = []
        self.fields["files"].widget.attrs["accept"] = ",".join(ALLOWED_EXTENSIONS)
        # Set per request, so that it is in the language of the page.
        self.fields["files"].help_text = _(
            "PDF, JPEG, PNG, TIFF, Word, Excel, OFD or MP4; up to %(size)s MB each."
        ) % {"size": settings.PARKLAND_EVIDENCE_MAX_BYTES // (1024 * 1024)}

    def clean_files(self) -> list:
        limit_mb = settings.PARKLAND_EVIDENCE_MAX_BYTES // (1024 * 1024)
        errors = [
            _("“%(name)s” is larger than %(size)s MB and was not accepted.")
            % {"name": clean_file_name(name) or "?", "size": limit_mb}
            for name in self.refused
        ]
        files = self.cleaned_data["files"]
        if not files and not errors:
            errors.append(_("Choose at least one file."))
        seen: dict[str, str] = {}
        for upload in files:
            name = clean_file_name(upload.name)
            if not name:
                errors.append(_("A file has no usable name; rename it and upload it again."))
                continue
            if upload.size == 0:
                errors.append(_("“%(name)s” is empty.") % {"name": name})
                continue
            try:
                kind = kind_of(upload, name)
            except ValueError as error:
                errors.append(str(error))
                continue
            digest, size = sha256_of(upload.chunks())
            upload.seek(0)
            if digest in seen:
                errors.append(
                    _("“%(name)s” is the same file as “%(other)s”.") % {"name": name, "other": seen[digest]}
                )
                continue
            seen[digest] = name
            self.checked.append(CheckedUpload(upload, name, kind.content_type, size, digest))
        duplicates = {
            d.sha256: d for d in self.case.documents.filter(sha256__in=seen, withdrawn_at__isnull=True)
        }
        for digest, document in duplicates.items():
            errors.append(
                _("“%(name)s” is already in this case file as “%(title)s” (uploaded %(date)s).")
                % {
                    "name": seen[digest],
                    "title": document.title,
                    "date": timezone.localtime(document.uploaded_at).strftime("%Y-%m-%d"),
                }
            )
        if errors:
            raise forms.ValidationError(errors)
        return files

    def clean(self):
        cleaned = super().clean()
        document_date, obtained_on = cleaned.get("document_date"), cleaned.get("obtained_on")
        if document_date and obtained_on and obtained_on < document_date:
            self.add_error("obtained_on", _("A document cannot be obtained before its own date."))
        return cleaned

    def metadata(self) -> dict:
        data = self.cleaned_data
        return {
            "doc_type": data["doc_type"],
            "title": data["title"].strip(),
            "issuing_authority": data["issuing_authority"].strip(),
            "document_date": data["document_date"],
            "obtained_on": data["obtained_on"],
            "notes": data["notes"].strip(),
        }


class WithdrawForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=_("reason for withdrawal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
