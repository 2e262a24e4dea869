"""The admin of disposal cases, their events, and the rows hanging from a case."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..forms.case import CaseRulesOnItsFields
from ..models import CaseEvent, DisposalCase, EvidenceDocument, RevitalisationMeasure
from ..models.workflow import HAND_EDITED_FIELDS
from .base import ParkListFilter, ScopedAdmin, ScopedInline


class CaseRowInline(ScopedInline):
    """Rows of one case shown on its page; their park is the case's."""

    park_path = "case__parcel__park"

    def park_of(self, obj):
        return obj.parcel.park if isinstance(obj, DisposalCase) else super().park_of(obj)


class CaseRecordInline(CaseRowInline):
    """Rows of one case that are a record: shown beside the case, never added or edited here."""

    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class CaseEventInline(CaseRowInline):
    """The events written by hand; status changes are the workflow's and show read-only beside them."""

    model = CaseEvent
    fields = ["occurred_on", "kind", "title", "due_on", "actor"]
    readonly_fields = ["actor"]
    verbose_name_plural = _("events recorded by hand")

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(kind=CaseEvent.Kind.STATUS_CHANGE)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Status changes are written by the workflow only.
        kind_field = formset.form.base_fields.get("kind")
        if kind_field is not None:
            kind_field.choices = [c for c in kind_field.choices if c[0] != CaseEvent.Kind.STATUS_CHANGE]
        return formset


class StatusChangeInline(CaseRecordInline):
    """The workflow's steps on this case: a record, never edited here."""

    model = CaseEvent
    fields = ["occurred_on", "from_status", "to_status", "details", "override_reason", "actor"]
    readonly_fields = fields
    show_change_link = False
    verbose_name = _("status change")
    verbose_name_plural = _("status changes (the workflow's record)")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=CaseEvent.Kind.STATUS_CHANGE)


class EvidenceDocumentInline(CaseRecordInline):
    model = EvidenceDocument
    fields = ["doc_type", "title", "original_name", "document_date", "sha256", "uploaded_by", "withdrawn_at"]
    readonly_fields = fields


class MeasureInline(CaseRowInline):
    model = RevitalisationMeasure
    fields = [
        "method",
        "partner",
        "amount_wan",
        "equity_share_pct",
        "status",
        "started_on",
        "concluded_on",
    ]


class DisposalCaseAdminForm(CaseRulesOnItsFields, forms.ModelForm):
    """The admin's case form: it states the version it was opened at, like the staff form."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = DisposalCase
        # The status and the rate's figures are the workflow's, whatever the fieldsets say.
        fields = HAND_EDITED_FIELDS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
            self.fields["expected_version"].required = True

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            # The admin saves inside one transaction: the row stays locked until the save.
            current = (
                DisposalCase.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
            )
            if list(current) != [expected]:
                raise forms.ValidationError(
                    _("Someone else saved case %(number)s meanwhile; reload it and make your change again.")
                    % {"number": self.instance.number},
                    code="stale",
                )
        return cleaned


@admin.register(DisposalCase)
class DisposalCaseAdmin(ScopedAdmin):
    """Cases in the admin follow the staff pages' rules.

    The status and the rate's figures (identification date, disposal date and area) change only
    through the workflow on the case page; every save states its version; a closed case is
    read-only here until a park administrator reopens it on the case page.
    """

    form = DisposalCaseAdminForm
    park_path = "parcel__park"
    list_display = [
        "number",
        "parcel",
        "category",
        "status",
        "case_area_m2",
        "identified_on",
        "disposal_method",
        "disposed_on",
        "officer",
    ]
    list_filter = [
        "status",
        "category",
        "disposal_method",
        ("parcel__park", ParkListFilter),
        "litigation",
        "low_willingness",
        "evidence_difficulty",
        "litigation_risk",
        "funding_gap",
        "opened_on",
        "identified_on",
        "disposed_on",
    ]
    search_fields = ["number", "parcel__code", "parcel__location", "parcel__enterprise__name"]
    autocomplete_fields = ["parcel"]
    # The opening date is a filter, not a date hierarchy: the hierarchy reads the first and last
    # dates and every year of the whole table on each page.
    list_select_related = ["parcel", "parcel__park", "officer"]
    readonly_fields = [
        "number",
        "status",
        "identified_on",
        "disposed_on",
        "disposed_area_m2",
        "case_area_mu",
        "version",
        "created_by",
        "updated_by",
        "created_at",
        "updated_at",
    ]
    inlines = [StatusChangeInline, CaseEventInline, EvidenceDocumentInline, MeasureInline]
    fieldsets = [
        (None, {"fields": ["number", "parcel", "category", "status", "idle_cause", "officer"]}),
        (_("Area"), {"fields": ["case_area_m2", "case_area_mu", "disposed_area_m2"]}),
        (
            _("Dates and method"),
            {
                "fields": [
                    "opened_on",
                    "identified_on",
                    "disposal_method",
                    "decision_on",
                    "target_on",
                    "disposed_on",
                ]
            },
        ),
        (
            _("Problem areas"),
            {
                "fields": [
                    ("low_willingness", "low_willingness_note"),
                    ("evidence_difficulty", "evidence_difficulty_note"),
                    ("litigation_risk", "litigation_risk_note"),
                    ("funding_gap", "funding_gap_note"),
                    "litigation",
                ]
            },
        ),
        (_("Summary"), {"fields": ["summary"]}),
        (
            _("Record"),
            {
                "fields": [
                    "version",
                    "expected_version",
                    "created_by",
                    "created_at",
                    "updated_by",
                    "updated_at",
                ]
            },
        ),
    ]

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and not obj.is_open:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("area under disposal (mu)"))
    def case_area_mu(self, obj):
        return obj.case_area_mu

    def save_model(self, request, obj, form, change):
        if change:
            obj.save_versioned(by=request.user, expected_version=form.cleaned_data["expected_version"])
        else:
            obj.created_by = obj.updated_by = request.user
            obj._history_user = request.user
            obj.save()

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, CaseEvent) and instance.actor_id is None:
                instance.actor = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()


class OpenCaseChildForm(forms.ModelForm):
    """An event or measure is recorded only on an open case: a closed case's file stays as reported."""

    def clean_case(self):
        case = self.cleaned_data.get("case")
        if case is not None and not case.is_open:
            raise forms.ValidationError(
                _("Case %(number)s is closed and cannot be edited; a park administrator can reopen it.")
                % {"number": case.number}
            )
        return case


class CaseChildAdmin(ScopedAdmin):
    """Rows hanging from a case: read-only once the case is closed."""

    form = OpenCaseChildForm

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and not obj.case.is_open:
            return False
        return super().has_change_permission(request, obj)


@admin.register(CaseEvent)
class CaseEventAdmin(CaseChildAdmin):
    park_path = "case__parcel__park"
    list_display = ["occurred_on", "case", "kind", "title", "due_on", "actor"]
    list_filter = ["kind", ("case__parcel__park", ParkListFilter), "occurred_on"]
    search_fields = ["title", "details", "case__number"]
    autocomplete_fields = ["case", "evidence"]
    list_select_related = ["case", "actor"]
    # A title the system wrote keeps its code: shown in the reader's language, never typed.
    readonly_fields = [
        "from_status",
        "to_status",
        "override_reason",
        "title_code",
        "title_params",
        "actor",
        "created_at",
    ]

    def has_change_permission(self, request, obj=None) -> bool:
        # A status change is the workflow's record; it is never edited by hand.
        if obj is not None and obj.kind == CaseEvent.Kind.STATUS_CHANGE:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if obj.actor_id is None:
            obj.actor = request.user
        super().save_model(request, obj, form, change)
