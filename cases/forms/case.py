"""The staff UI's forms: choices limited to the user's parks, every model rule shown beside its field."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import scoping
from .models import (
    CaseEvent,
    DisposalCase,
    DisposalTarget,
    DocType,
    Enterprise,
    LandParcel,
    Membership,
    Partner,
    ProblemFlag,
    ProjectLead,
    RevitalisationMeasure,
)
from ..models.workflow import HAND_EDITED_FIELDS
from .models.evidence import CheckedUpload
from .templatetags.parkland import person
from .uploads import ALLOWED_EXTENSIONS, clean_file_name, kind_of, sha256_of
from .validators import PastDateValidator, use_plausible_bounds

Role = Membership.Role


class FormRenderer(TemplatesSetting):
    """Bootstrap 5 markup for every form the staff UI renders."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class DateInput(forms.DateInput):
    """The browser's own date picker, in ISO form (2023-04-12)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class StyledForm:
    """Bootstrap classes on each widget, and `is-invalid` on the fields that failed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(field, forms.DateField):
                field.widget = DateInput(attrs=widget.attrs)
            if isinstance(field, forms.DecimalField):
                widget.attrs.setdefault("inputmode", "decimal")
        # A ModelForm's fields check the model's plausible ranges, in the model's plain words.
        model = getattr(getattr(self, "_meta", None), "model", None)
        if model is not None:
            model_fields = {f.name: f for f in model._meta.concrete_fields}
            for name, field in self.fields.items():
                if name in model_fields:
                    use_plausible_bounds(field, model_fields[name])

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def _only_parks(field: forms.ModelChoiceField, parks) -> None:
    field.queryset = parks
    if parks.count() == 1:
        field.initial = parks.first().pk


class EnterpriseForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ["park", "name", "credit_code", "contact_person", "contact_phone", "address"]

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _only_parks(self.fields["park"], scoping.parks_for(user, role=Role.OFFICER))
        if self.instance.pk:
            self.fields["park"].disabled = True

    def clean_credit_code(self) -> str:
        return self.cleaned_data["credit_code"].strip().upper()


class ParcelForm(StyledForm, forms.ModelForm):
    class Meta:
        model = LandParcel
        fields = [
            "park",
            "code",
            "location",
            "area_m2",
            "land_use",
            "cadastral_code",
            "unit_number",
            "enterprise",
            "supply_method",
            "contract_number",
            "contract_signed_on",
            "land_price_wan",
            "agreed_start_on",
            "agreed_completion_on",
            "actual_start_on",
            "required_plot_ratio",
            "actual_plot_ratio",
            "building_area_m2",
            "invested_wan",
            "annual_output_wan",
            "annual_tax_wan",
        ]

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _only_parks(self.fields["park"], scoping.parks_for(user, role=Role.OFFICER))
        self.fields["enterprise"].queryset = scoping.enterprises_for(user, role=Role.OFFICER).select_related(
            "park"
        )
        if self.instance.pk:
            self.fields["park"].disabled = True


class CaseForm(StyledForm, forms.ModelForm):
    # The version the user started from; a save over someone else's later save is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = DisposalCase
        fields = HAND_EDITED_FIELDS
        widgets = {f"{flag.value}_note": forms.Textarea(attrs={"rows": 2}) for flag in ProblemFlag} | {
            "summary": forms.Textarea(attrs={"rows": 4})
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        parcels = scoping.parcels_for(user, role=Role.OFFICER).select_related("park", "enterprise")
        self.fields["parcel"].queryset = parcels
        self.fields["parcel"].label_from_instance = lambda p: f"{p.park.code} · {p.code} · {p.location}"
        self.fields["officer"].queryset = scoping.users_for(user, role=Role.OFFICER)
        self.fields["officer"].label_from_instance = person
        if self.instance.pk:
            self.fields["parcel"].disabled = True
            self.fields["version"].initial = self.instance.version
            # An edit states which version it started from, or it could overwrite someone's save.
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = _(
                "This form lost track of the version it was opened at; reload the case and edit again."
            )
        else:
            del self.fields["version"]


class EventForm(StyledForm, forms.ModelForm):
    class Meta:
        model = CaseEvent
        fields = ["kind", "occurred_on", "title", "details", "due_on", "evidence"]
        widgets = {"details": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, case: DisposalCase, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.case = case
        # Status changes are written by the workflow, never by hand.
        self.fields["kind"].choices = [
            c for c in self.fields["kind"].choices if c[0] != CaseEvent.Kind.STATUS_CHANGE
        ]
        self.fields["evidence"].queryset = case.documents.current()


class MeasureForm(StyledForm, forms.ModelForm):
    """A measure with the fields its method needs; the page shows only those (data-method markers)."""

    METHOD_FIELDS = {
        "loan": ("term_months", "interest_rate_pct", "interest_subsidy_wan", "collateral_parcel", "drawn_on"),
        "equity_acquisition": ("equity_share_pct", "registered_on"),
        "joint_development": ("project_name", "partner_share_pct", "holder_share_pct", "contract_signed_on"),
    }

    class Meta:
        model = RevitalisationMeasure
        fields = [
            "method",
            "partner",
            "amount_wan",
            "term_months",
            "interest_rate_pct",
            "interest_subsidy_wan",
            "collateral_parcel",
            "drawn_on",
            "equity_share_pct",
            "registered_on",
            "project_name",
            "partner_share_pct",
            "holder_share_pct",
            "contract_signed_on",
            "started_on",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, case: DisposalCase, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.case = case
        park = case.parcel.park
        self.fields["partner"].queryset = Partner.objects.filter(park=park)
        self.fields["collateral_parcel"].queryset = LandParcel.objects.filter(park=park)
        for method, names in self.METHOD_FIELDS.items():
            for name in names:
                self.fields[name].widget.attrs["data-method"] = method

    def clean(self):
        cleaned = super().clean()
        # Fields of another method are dropped rather than refused: the page hides them.
        method = cleaned.get("method")
        for other, names in self.METHOD_FIELDS.items():
            if other != method:
                for name in names:
                    if name in cleaned:
                        cleaned[name] = "" if name == "project_name" else None
                        setattr(self.instance, name, cleaned[name])
        return cleaned


class MeasureStepForm(StyledForm, forms.Form):
    to = forms.ChoiceField(label=_("move to"))
    on = forms.DateField(label=_("date"), validators=[PastDateValidator(_("date"))])
    reason = forms.CharField(label=_("note or reason"), required=False, max_length=2000)

    def __init__(self, *args, steps, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(s, RevitalisationMeasure.MeasureStatus(s).label) for s in steps]


class PartnerForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["park", "name", "kind", "contact_person", "contact_phone", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _only_parks(self.fields["park"], scoping.parks_for(user, role=Role.OFFICER))
        if self.instance.pk:
            self.fields["park"].disabled = True


class LeadForm(StyledForm, forms.ModelForm):
    class Meta:
        model = ProjectLead
        fields = [
            "park",
            "name",
            "investor",
            "industry",
            "area_needed_m2",
            "land_use",
            "min_plot_ratio",
            "planned_investment_wan",
            "contact",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _only_parks(self.fields["park"], scoping.parks_for(user, role=Role.OFFICER))
        if self.instance.pk:
            self.fields["park"].disabled = True


class TransitionForm(StyledForm, forms.Form):
    """One step of the workflow, with the figures the step carries and nothing else.

    The step into `identified` takes 认定日期, the step into `disposed` takes 处置完成日期 and
    已处置面积; backward steps, withdrawals and reopenings take a reason. Built for one transition
    (`transition`) it has only that step's fields; built with `targets` alone it only checks `to`.
    """

    to = forms.ChoiceField(label=_("move to"), widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    override_reason = forms.CharField(
        label=_("Evidence missing: to move on anyway, give the reason (recorded on the case)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    identified_on = forms.DateField(label=_("Identification date"))
    disposed_on = forms.DateField(label=_("Disposal completed on"))
    disposed_area_m2 = forms.DecimalField(
        label=_("Disposed area (m²)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )

    REASON_LABELS = {
        "back": _("Reason for going back"),
        "withdraw": _("Reason for withdrawing"),
        "reopen": _("Reason for reopening"),
    }

    def __init__(self, *args, targets, transition=None, case=None, offer_override=False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = targets
        self.transition = transition
        if transition is None:
            return
        # Several steps share the page: ids stay apart, names stay `to`, `reason`… as the URL expects.
        self.auto_id = f"step-{transition.target}-%s"
        today = timezone.localdate()
        self.fields["to"].initial = transition.target
        takes_identification = transition.target == "identified" and transition.kind == "forward"
        takes_disposal = transition.target == "disposed"
        keep = {"to"}
        if transition.needs_reason:
            keep.add("reason")
            self.fields["reason"].required = True
            self.fields["reason"].label = self.REASON_LABELS.get(transition.kind, _("reason"))
        if offer_override:
            keep.add("override_reason")
        if takes_identification:
            keep.add("identified_on")
            self.fields["identified_on"].initial = today
            self.fields["identified_on"].widget.attrs["max"] = today.isoformat()
            if case is not None:
                self.fields["identified_on"].widget.attrs["min"] = case.opened_on.isoformat()
        if takes_disposal:
            keep |= {"disposed_on", "disposed_area_m2"}
            self.fields["disposed_on"].initial = today
            self.fields["disposed_on"].widget.attrs["max"] = today.isoformat()
            if case is not None:
                self.fields["disposed_area_m2"].initial = case.case_area_m2
                self.fields["disposed_area_m2"].validators.append(MaxValueValidator(case.case_area_m2))
                self.fields["disposed_area_m2"].widget.attrs["max"] = str(case.case_area_m2)
                self.fields["disposed_area_m2"].help_text = _("At most the %(area)s m² under disposal.") % {
                    "area": case.case_area_m2
                }
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def step_figures(self) -> dict:
        """The figures to hand to `DisposalCase.transition_to`."""
        return {
            name: self.cleaned_data[name]
            for name in ("identified_on", "disposed_on", "disposed_area_m2")
            if self.cleaned_data.get(name) is not None
        }


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


class TargetForm(forms.Form):
    year = forms.IntegerField(label=_("year"))
    rate_pct = forms.DecimalField(label=_("target disposal rate (%)"), max_digits=4, decimal_places=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            use_plausible_bounds(field, DisposalTarget._meta.get_field(name))


class LedgerUploadForm(StyledForm, forms.Form):
    """A ledger file to check (a dry run), and the park it goes into when it has no park column."""

    file = forms.FileField(label=_("ledger file (XLSX or CSV)"))
    park = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("park"),
        empty_label=_("as the file's park column says"),
        help_text=_("A file without a park column goes into this park; a file with one may name only it."),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"
        _only_parks(self.fields["park"], scoping.parks_for(user, role=Role.PARK_ADMIN))
