"""The Django admin, scoped like the staff UI: a user sees and picks only their parks' rows."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import scoping
from .models import (
    CaseEvent,
    CaseNumberSequence,
    CustodyEvent,
    DisposalCase,
    DisposalTarget,
    DocType,
    Enterprise,
    EvidenceDocument,
    EvidenceRequirement,
    LandParcel,
    LedgerImport,
    LowEfficiencyThreshold,
    Membership,
    MonthClose,
    Park,
    Partner,
    ProjectLead,
    RevitalisationMeasure,
)
from .models.case import HAND_EDITED_FIELDS
from .validators import use_plausible_bounds

Role = Membership.Role

admin.site.site_header = _("Parkland · idle and low-efficiency land ledger")
admin.site.site_title = _("Parkland administration")
admin.site.index_title = _("Data administration")


def _scoped_choices(user, model, role: str):
    """The rows of `model` that `user` may pick in a form where they act with `role`."""
    if model is Park:
        return scoping.parks_for(user, role=role)
    if model is Enterprise:
        return scoping.enterprises_for(user, role=role)
    if model is LandParcel:
        return scoping.parcels_for(user, role=role)
    if model is DisposalCase:
        return scoping.cases_for(user, role=role)
    if model is EvidenceDocument:
        return scoping.documents_for(user, role=role)
    if model is Partner:
        return Partner.objects.filter(park__in=scoping.parks_for(user, role=role))
    if model is get_user_model():
        return scoping.users_for(user)
    return None


class ParkListFilter(admin.RelatedFieldListFilter):
    """A park filter that lists only the user's parks: another park's name is not shown either."""

    def field_choices(self, field, request, model_admin):
        return [(park.pk, str(park)) for park in scoping.parks_for(request.user)]


class ParkScopedMixin:
    """Rows and choices limited to the user's parks; rights follow the user's role in the row's park."""

    # The lookup path from the model to its park, and the least role that may add or change rows.
    park_path = "park"
    edit_role = Role.OFFICER

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.park_path}__in": scoping.parks_for(request.user)})

    def park_of(self, obj) -> Park | None:
        for attribute in self.park_path.split("__"):
            obj = getattr(obj, attribute, None)
        return obj

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and scoping.parks_for(request.user).exists()

    def has_view_permission(self, request, obj=None) -> bool:
        if obj is None:
            return self.has_module_permission(request)
        park = self.park_of(obj)
        return park is not None and scoping.has_role(request.user, park, Role.VIEWER)

    def _may_edit(self, request, obj=None) -> bool:
        if obj is None:
            return scoping.parks_for(request.user, role=self.edit_role).exists()
        park = self.park_of(obj)
        return park is not None and scoping.has_role(request.user, park, self.edit_role)

    def has_add_permission(self, request, *args) -> bool:
        return self._may_edit(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = _scoped_choices(request.user, db_field.related_model, self.edit_role)
        if choices is not None:
            kwargs["queryset"] = choices
        if db_field.related_model is Park and not request.user.is_superuser:
            # An empty park means "all parks" (a target's benchmark): only a superuser may choose it.
            kwargs["required"] = True
            kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # The model's plausible ranges, in its plain words rather than "at most 14 digits".
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            use_plausible_bounds(field, db_field)
        return field

    def history_view(self, request, object_id, extra_context=None):
        # Another park's object is as absent as one that never existed.
        if (
            not request.user.is_superuser
            and not self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        ):
            raise Http404
        return super().history_view(request, object_id, extra_context)


class ScopedAdmin(ParkScopedMixin, SimpleHistoryAdmin):
    list_per_page = 50


class ScopedInline(ParkScopedMixin, admin.TabularInline):
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        # The parent is already scoped; inlines only follow it.
        return admin.TabularInline.get_queryset(self, request)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._may_edit(request, obj) and not _is_closed_case(obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may_edit(request, obj) and not _is_closed_case(obj)

    def has_view_permission(self, request, obj=None) -> bool:
        return obj is None or ParkScopedMixin.has_view_permission(self, request, obj)


def _is_closed_case(obj) -> bool:
    # A closed case is read-only, rows hanging from it included, until it is reopened.
    return isinstance(obj, DisposalCase) and not obj.is_open


@admin.register(Park)
class ParkAdmin(ScopedAdmin):
    park_path = "pk"
    edit_role = Role.PARK_ADMIN
    list_display = ["code", "name", "district"]
    search_fields = ["code", "name", "district"]

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        return (
            queryset if request.user.is_superuser else queryset.filter(pk__in=scoping.parks_for(request.user))
        )

    def park_of(self, obj):
        return obj

    def has_add_permission(self, request, *args) -> bool:
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["code"]


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    edit_role = Role.PARK_ADMIN
    list_display = ["user", "park", "role"]
    list_filter = [("park", ParkListFilter), "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "park__code"]
    list_select_related = ["user", "park"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may_edit(request, obj)


@admin.register(LowEfficiencyThreshold)
class LowEfficiencyThresholdAdmin(ScopedAdmin):
    edit_role = Role.PARK_ADMIN
    list_display = [
        "park",
        "min_plot_ratio",
        "min_investment_per_mu_wan",
        "min_output_per_mu_wan",
        "min_tax_per_mu_wan",
    ]
    list_select_related = ["park"]


@admin.register(DisposalTarget)
class DisposalTargetAdmin(ScopedAdmin):
    edit_role = Role.PARK_ADMIN
    list_display = ["year", "park", "rate_pct"]
    list_filter = ["year", ("park", ParkListFilter)]
    list_select_related = ["park"]

    def get_queryset(self, request):
        return scoping.targets_for(request.user).select_related("park")

    def has_view_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.park_id is None:
            return self.has_module_permission(request)
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.park_id is None:
            return request.user.is_superuser
        return super().has_change_permission(request, obj)


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdmin):
    list_display = ["name", "credit_code", "park", "contact_person", "contact_phone"]
    list_filter = [("park", ParkListFilter)]
    search_fields = ["name", "credit_code", "contact_person"]
    list_select_related = ["park"]


@admin.register(LandParcel)
class LandParcelAdmin(ScopedAdmin):
    list_display = ["code", "park", "location", "area_m2", "area_mu", "land_use", "enterprise"]
    list_filter = [("park", ParkListFilter), "land_use", "supply_method"]
    search_fields = ["code", "cadastral_code", "unit_number", "location", "enterprise__name"]
    autocomplete_fields = ["enterprise"]
    list_select_related = ["park", "enterprise"]
    readonly_fields = ["area_mu", "investment_intensity_wan", "output_per_mu_wan", "tax_per_mu_wan"]
    fieldsets = [
        (None, {"fields": ["park", "code", "cadastral_code", "unit_number", "location", "land_use"]}),
        (_("Area"), {"fields": ["area_m2", "area_mu", "boundary"]}),
        (
            _("Land-use right"),
            {
                "fields": [
                    "enterprise",
                    "supply_method",
                    "contract_number",
                    "contract_signed_on",
                    "land_price_wan",
                ]
            },
        ),
        (
            _("Development"),
            {
                "fields": [
                    "agreed_start_on",
                    "agreed_completion_on",
                    "actual_start_on",
                    "required_plot_ratio",
                    "actual_plot_ratio",
                    "building_area_m2",
                ]
            },
        ),
        (
            _("Performance"),
            {
                "fields": [
                    "invested_wan",
                    "investment_intensity_wan",
                    "annual_output_wan",
                    "output_per_mu_wan",
                    "annual_tax_wan",
                    "tax_per_mu_wan",
                ]
            },
        ),
    ]

    @admin.display(description=_("area (mu)"))
    def area_mu(self, obj):
        return obj.area_mu

    @admin.display(description=_("investment intensity (10k yuan/mu)"))
    def investment_intensity_wan(self, obj):
        return obj.investment_intensity_wan

    @admin.display(description=_("output per mu (10k yuan/mu)"))
    def output_per_mu_wan(self, obj):
        return obj.output_per_mu_wan

    @admin.display(description=_("tax per mu (10k yuan/mu)"))
    def tax_per_mu_wan(self, obj):
        return obj.tax_per_mu_wan


class CaseEventInline(ScopedInline):
    """The events written by hand; status changes are the workflow's and show read-only beside them."""

    model = CaseEvent
    park_path = "case__parcel__park"
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

    def park_of(self, obj):
        return obj.parcel.park if isinstance(obj, DisposalCase) else super().park_of(obj)


class StatusChangeInline(ScopedInline):
    """The workflow's steps on this case: a record, never edited here."""

    model = CaseEvent
    park_path = "case__parcel__park"
    fields = ["occurred_on", "from_status", "to_status", "details", "override_reason", "actor"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False
    verbose_name = _("status change")
    verbose_name_plural = _("status changes (the workflow's record)")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=CaseEvent.Kind.STATUS_CHANGE)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def park_of(self, obj):
        return obj.parcel.park if isinstance(obj, DisposalCase) else super().park_of(obj)


class EvidenceDocumentInline(ScopedInline):
    model = EvidenceDocument
    park_path = "case__parcel__park"
    fields = ["doc_type", "title", "original_name", "document_date", "sha256", "uploaded_by", "withdrawn_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def park_of(self, obj):
        return obj.parcel.park if isinstance(obj, DisposalCase) else super().park_of(obj)


class MeasureInline(ScopedInline):
    model = RevitalisationMeasure
    park_path = "case__parcel__park"
    fields = [
        "method",
        "partner",
        "amount_wan",
        "equity_share_pct",
        "status",
        "started_on",
        "concluded_on",
    ]

    def park_of(self, obj):
        return obj.parcel.park if isinstance(obj, DisposalCase) else super().park_of(obj)


class DisposalCaseAdminForm(forms.ModelForm):
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
        "identified_on",
        "disposed_on",
    ]
    search_fields = ["number", "parcel__code", "parcel__location", "parcel__enterprise__name"]
    autocomplete_fields = ["parcel"]
    list_select_related = ["parcel", "parcel__park", "officer"]
    date_hierarchy = "opened_on"
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
    readonly_fields = ["from_status", "to_status", "override_reason", "actor", "created_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        # A status change is the workflow's record; it is never edited by hand.
        if obj is not None and obj.kind == CaseEvent.Kind.STATUS_CHANGE:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if obj.actor_id is None:
            obj.actor = request.user
        super().save_model(request, obj, form, change)


@admin.register(EvidenceDocument)
class EvidenceDocumentAdmin(ScopedAdmin):
    park_path = "case__parcel__park"
    list_display = [
        "title",
        "doc_type",
        "case",
        "document_date",
        "size",
        "uploaded_by",
        "uploaded_at",
        "is_current",
    ]
    list_filter = ["doc_type", ("case__parcel__park", ParkListFilter), "uploaded_at"]
    search_fields = ["title", "original_name", "sha256", "issuing_authority", "case__number"]
    list_select_related = ["case", "uploaded_by", "superseded_by"]
    readonly_fields = [
        "case",
        "doc_type",
        "title",
        "original_name",
        "size",
        "content_type",
        "sha256",
        "issuing_authority",
        "document_date",
        "obtained_on",
        "notes",
        "uploaded_by",
        "uploaded_at",
        "supersedes",
        "withdrawn_at",
        "withdrawn_by",
        "withdrawal_reason",
    ]
    exclude = ["file"]

    @admin.display(description=_("current"), boolean=True)
    def is_current(self, obj):
        return obj.is_current

    # Evidence is added through the case's upload page and never deleted, here or anywhere.
    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RevitalisationMeasure)
class RevitalisationMeasureAdmin(CaseChildAdmin):
    park_path = "case__parcel__park"
    list_display = [
        "case",
        "method",
        "partner",
        "amount_wan",
        "status",
        "started_on",
        "concluded_on",
    ]
    list_filter = ["method", "status", "partner__kind", ("case__parcel__park", ParkListFilter)]
    search_fields = ["partner__name", "project_name", "notes", "case__number"]
    autocomplete_fields = ["case"]
    list_select_related = ["case"]


@admin.register(EvidenceRequirement)
class EvidenceRequirementAdmin(SimpleHistoryAdmin):
    list_display = ["to_status", "category", "disposal_method", "accepted", "note"]
    list_filter = ["to_status", "category", "disposal_method"]

    @admin.display(description=_("accepted document types"))
    def accepted(self, obj):
        return str(obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["doc_types"] = forms.TypedMultipleChoiceField(
            label=EvidenceRequirement._meta.get_field("doc_types").verbose_name,
            help_text=EvidenceRequirement._meta.get_field("doc_types").help_text,
            choices=DocType.choices,
            widget=forms.CheckboxSelectMultiple,
        )
        return form

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and scoping.parks_for(request.user).exists()

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(CaseNumberSequence)
class CaseNumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["park", "year", "last_number"]
    list_filter = [("park", ParkListFilter), "year"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CustodyEvent)
class CustodyEventAdmin(ParkScopedMixin, admin.ModelAdmin):
    """The custody log is written by the application only; here it can be read and searched."""

    park_path = "document__case__parcel__park"
    list_display = ["at", "document", "action", "actor", "ip_address"]
    list_filter = ["action", ("document__case__parcel__park", ParkListFilter)]
    search_fields = ["document__title", "document__case__number", "actor__username", "ip_address"]
    list_select_related = ["document", "actor"]
    readonly_fields = ["document", "action", "actor", "at", "ip_address", "note"]

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MonthClose)
class MonthCloseAdmin(ScopedAdmin):
    """Closes are made and reopened on the report page; here they can be read."""

    list_display = ["park", "year", "month", "closed_by", "closed_at", "reopened_at"]
    list_filter = [("park", ParkListFilter), "year"]
    list_select_related = ["park", "closed_by"]
    readonly_fields = [
        "park",
        "year",
        "month",
        "figures",
        "cases",
        "closed_by",
        "closed_at",
        "reopened_at",
        "reopened_by",
        "reopen_reason",
    ]

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Partner)
class PartnerAdmin(ScopedAdmin):
    list_display = ["name", "kind", "park", "contact_person", "contact_phone"]
    list_filter = ["kind", ("park", ParkListFilter)]
    search_fields = ["name", "contact_person"]
    list_select_related = ["park"]


@admin.register(ProjectLead)
class ProjectLeadAdmin(ScopedAdmin):
    list_display = ["name", "investor", "park", "area_needed_m2", "land_use", "status", "case"]
    list_filter = ["status", "land_use", ("park", ParkListFilter)]
    search_fields = ["name", "investor", "industry"]
    list_select_related = ["park", "case"]
    autocomplete_fields = ["case"]
    readonly_fields = ["measure"]


@admin.register(LedgerImport)
class LedgerImportAdmin(admin.ModelAdmin):
    """Imports are made on the import page or with import_ledger; here they can be read."""

    list_display = ["imported_at", "file_name", "rows", "created", "updated", "unchanged", "imported_by"]
    search_fields = ["file_name", "sha256"]
    readonly_fields = [f.name for f in LedgerImport._meta.fields] + ["parks"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(parks__in=scoping.parks_for(request.user)).distinct()

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and scoping.parks_for(request.user).exists()

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
