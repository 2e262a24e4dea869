"""The admin of evidence: documents and their custody log (read-only), and the evidence rules."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..models import CustodyEvent, DocType, EvidenceDocument, EvidenceRequirement
from .base import ParkListFilter, ParkScopedMixin, ReadOnlyAdmin, ScopedAdmin, SeenInTheUsersParks


@admin.register(EvidenceDocument)
class EvidenceDocumentAdmin(ReadOnlyAdmin, ScopedAdmin):
    """Evidence is added through the case's upload page and never deleted, here or anywhere."""

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


@admin.register(EvidenceRequirement)
class EvidenceRequirementAdmin(SeenInTheUsersParks, SimpleHistoryAdmin):
    list_display = ["to_status", "category", "disposal_method", "accepted", "note"]
    list_filter = ["to_status", "category", "disposal_method"]
    show_full_result_count = False

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

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(CustodyEvent)
class CustodyEventAdmin(ReadOnlyAdmin, ParkScopedMixin, admin.ModelAdmin):
    """The custody log is written by the application only; here it can be read and searched."""

    park_path = "document__case__parcel__park"
    list_display = ["at", "document", "action", "actor", "ip_address"]
    list_filter = ["action", ("document__case__parcel__park", ParkListFilter)]
    search_fields = ["document__title", "document__case__number", "actor__username", "ip_address"]
    list_select_related = ["document", "actor"]
    show_full_result_count = False
    readonly_fields = ["document", "action", "actor", "at", "ip_address", "note"]
