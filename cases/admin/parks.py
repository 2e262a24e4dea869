"""The admin of parks and what belongs to a park as a whole: memberships, thresholds, targets."""

from django.contrib import admin

from ..models import DisposalTarget, LowEfficiencyThreshold, Membership, Park
from .base import ParkListFilter, RecentYearListFilter, Role, ScopedAdmin


@admin.register(Park)
class ParkAdmin(ScopedAdmin):
    park_path = "pk"
    edit_role = Role.PARK_ADMIN
    list_display = ["code", "name", "district", "strip_photo_location"]
    search_fields = ["code", "name", "district"]

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
    list_filter = [RecentYearListFilter, ("park", ParkListFilter)]
    list_select_related = ["park"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("park")

    def has_view_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.park_id is None:
            return self.has_module_permission(request)
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.park_id is None:
            return request.user.is_superuser
        return super().has_change_permission(request, obj)
