"""The forms of evidence: uploading documents to a case file and withdrawing them."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ..models import (
    DisposalCase,
    DocType,
)
from ..models.evidence import CheckedUpload
from ..photos import PHOTO_CONTENT_TYPES, read_photo
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
        files = self.cleaned_data["files"]
        self.checked, errors = checked_uploads(self.case, files, self.refused)
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


class SiteInspectionForm(StyledForm, forms.Form):
    """A site inspection as recorded at the parcel: photos from the camera, who was there, what was seen.

    The hidden key is made when the form is shown; a resent form carries the same key, so the
    inspection is recorded once.
    """

    # Below Django's DATA_UPLOAD_MAX_NUMBER_FILES (100), so the form, not a bare 400, says so.
    MAX_PHOTOS = 30

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    occurred_on = forms.DateField(
        label=_("date of the inspection"), validators=[PastDateValidator(_("date"))]
    )
    people_present = forms.CharField(
        label=_("people present"),
        max_length=500,
        help_text=_("Names and units of everyone who took part, the land user's representative included."),
    )
    note = forms.CharField(
        label=_("what was found"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = MultipleFileField(label=_("photos"), required=False)

    def __init__(self, *args, case: DisposalCase, refused: list[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.refused = list(refused)
        self.checked: list[CheckedUpload] = []
        self.fields["photos"].widget.attrs.update(accept="image/*", capture="environment")
        for field in self.fields.values():
            field.label = capfirst(field.label)  # English labels in sentence case
        self.fields["photos"].help_text = _(
            "Take them with the camera or choose them: JPEG or PNG, up to %(count)s photos of up to "
            "%(size)s MB each. The time and place the camera recorded are kept."
        ) % {"count": self.MAX_PHOTOS, "size": settings.PARKLAND_EVIDENCE_MAX_BYTES // (1024 * 1024)}

    @staticmethod
    def max_total_bytes() -> int:
        """All the photos of one inspection together: what one evidence file may be, so a proxy that
        admits the largest evidence file (deploy/nginx: 210 MB) admits the inspection too."""
        return settings.PARKLAND_EVIDENCE_MAX_BYTES

    def clean_occurred_on(self):
        on = self.cleaned_data["occurred_on"]
        if self.case.opened_on and on < self.case.opened_on:
            raise forms.ValidationError(
                _("The case was opened on %(opened)s; the inspection cannot come before it.")
                % {"opened": self.case.opened_on.isoformat()}
            )
        return on

    def clean_photos(self) -> list:
        photos = self.cleaned_data["photos"]
        if len(photos) + len(self.refused) > self.MAX_PHOTOS:
            raise forms.ValidationError(
                _("At most %(count)s photos at a time; record the rest as a second inspection.")
                % {"count": self.MAX_PHOTOS}
            )
        if sum(photo.size for photo in photos) > self.max_total_bytes():
            raise forms.ValidationError(
                _("The photos come to more than %(size)s MB together; record them as two inspections.")
                % {"size": self.max_total_bytes() // (1024 * 1024)}
            )
        self.checked, errors = checked_uploads(self.case, photos, self.refused, photos=True)
        if errors:
            raise forms.ValidationError(errors)
        return photos


class WithdrawForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=_("reason for withdrawal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


def checked_uploads(case, files, refused, *, photos: bool = False) -> tuple[list[CheckedUpload], list]:
    """Each file's name, type, size and checksum established, or the reasons it cannot be evidence.

    `refused` are the names of files dropped for their size while they arrived. With `photos`, only
    JPEG and PNG images are taken, each decoded whole and its EXIF time and position kept.
    """
    limit_mb = settings.PARKLAND_EVIDENCE_MAX_BYTES // (1024 * 1024)
    errors = [
        _("“%(name)s” is larger than %(size)s MB and was not accepted.")
        % {"name": clean_file_name(name) or "?", "size": limit_mb}
        for name in refused
    ]
    if not files and not errors:
        errors.append(_("Choose at least one photo.") if photos else _("Choose at least one file."))
    checked: list[CheckedUpload] = []
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
            if photos and kind.content_type not in PHOTO_CONTENT_TYPES:
                raise ValueError(_("“%(name)s” is not a JPEG or PNG photo.") % {"name": name})
            extra = read_photo(upload, name).as_fields() if photos else {}
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
        checked.append(CheckedUpload(upload, name, kind.content_type, size, digest, extra))
    duplicates = {d.sha256: d for d in case.documents.filter(sha256__in=seen, withdrawn_at__isnull=True)}
    for digest, document in duplicates.items():
        errors.append(
            _("“%(name)s” is already in this case file as “%(title)s” (uploaded %(date)s).")
            % {
                "name": seen[digest],
                "title": document.title,
                "date": timezone.localtime(document.uploaded_at).strftime("%Y-%m-%d"),
            }
        )
    return checked, errors
