"""The admin of what the reports and the ledger leave behind: month closes, imports, case numbers."""

from django.contrib import admin

from ..models import CaseNumberSequence, DataVersion, LedgerImport, MonthClose
from .base import (
    ParkListFilter,
    ReadOnlyAdmin,
    RecentYearListFilter,
    ScopedAdmin,
    SeenInTheUsersParks,
    scoped_queryset,
)


@admin.register(MonthClose)
class MonthCloseAdmin(ScopedAdmin):
    """Closes are made and reopened on the report page; here they can be read."""

    list_display = ["park", "year", "month", "closed_by", "closed_at", "reopened_at"]
    list_filter = [("park", ParkListFilter), RecentYearListFilter]
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


@admin.register(CaseNumberSequence)
class CaseNumberSequenceAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["park", "year", "last_number"]
    list_select_related = ["park"]
    list_filter = [("park", ParkListFilter), RecentYearListFilter]
    show_full_result_count = False


@admin.register(LedgerImport)
class LedgerImportAdmin(ReadOnlyAdmin, SeenInTheUsersParks, admin.ModelAdmin):
    """Imports are made on the import page or with import_ledger; here they can be read."""

    list_display = ["imported_at", "file_name", "rows", "created", "updated", "unchanged", "imported_by"]
    search_fields = ["file_name", "sha256"]
    list_select_related = ["imported_by"]
    show_full_result_count = False
    readonly_fields = [f.name for f in LedgerImport._meta.fields] + ["parks"]

    def get_queryset(self, request):
        return scoped_queryset(self, request)


@admin.register(DataVersion)
class DataVersionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The kept figures' data version (cases/figures.py), city-wide: the operator reads it."""

    list_display = ["epoch", "counter"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)
