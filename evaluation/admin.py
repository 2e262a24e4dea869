"""The evaluation in the Django admin, scoped by park and role like the cases app's admin: the yearly
figures (editable by officers), schemes with their indicators and industry table (park
administrators; copyable to the next year), grant commitments, and runs read-only."""

from django.contrib import admin, messages
from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _

from cases.admin.base import ParkScopedMixin, ReadOnlyAdmin, ScopedAdmin
from cases.models import Membership

from . import scoping
from .models import (
    EvaluationRun,
    EvaluationScheme,
    GrantCommitment,
    IndustryBenchmark,
    SchemeIndicator,
    YearFigures,
)

Role = Membership.Role


class EvaluationScoped(ScopedAdmin):
    """ScopedAdmin with this app's scoping functions."""

    rows_for = None

    def get_queryset(self, request):
        queryset = type(self).rows_for(request.user)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset


@admin.register(YearFigures)
class YearFiguresAdmin(EvaluationScoped):
    rows_for = staticmethod(scoping.figures_for)
    park_path = "parcel__park"
    list_display = ("year", "enterprise", "parcel", "is_tenant", "above_scale", "tax_wan", "value_added_wan")
    list_filter = ("year", "above_scale", "is_tenant")
    search_fields = ("enterprise__name", "enterprise__credit_code", "parcel__code")
    list_select_related = ("enterprise", "parcel")
    autocomplete_fields = ()
    raw_id_fields = ("enterprise", "parcel")
    readonly_fields = ("updated_at", "updated_by")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class SchemeIndicatorInline(ParkScopedMixin, admin.TabularInline):
    model = SchemeIndicator
    park_path = "scheme__park"
    edit_role = Role.PARK_ADMIN
    extra = 0
    fields = (
        "position",
        "code",
        "weight",
        "benchmark_kind",
        "benchmark_value",
        "cap_ratio",
        "alert_below",
        "excellent_from",
    )

    def get_queryset(self, request):
        return scoping.scheme_indicators_for(request.user)


@admin.register(EvaluationScheme)
class EvaluationSchemeAdmin(EvaluationScoped):
    rows_for = staticmethod(scoping.schemes_for)
    edit_role = Role.PARK_ADMIN
    list_display = ("park", "year", "name", "version", "a_min", "b_min", "c_min", "average_years")
    list_filter = ("year",)
    readonly_fields = ("version",)
    inlines = [SchemeIndicatorInline]
    actions = ["copy_to_next_year"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and any(f.has_changed() for f in formsets):
            form.instance.touch()

    @admin.action(description=_("Copy to the next year"))
    def copy_to_next_year(self, request, queryset):
        for scheme in queryset.select_related("park"):
            if not self._may_edit(request, scheme):
                continue
            try:
                copy = scheme.copy_to(scheme.year + 1)
            except IntegrityError:
                messages.error(
                    request,
                    _("%(park)s already has a scheme for %(year)s.")
                    % {"park": scheme.park.code, "year": scheme.year + 1},
                )
                continue
            messages.success(request, _("Copied to %(scheme)s.") % {"scheme": copy})


@admin.register(IndustryBenchmark)
class IndustryBenchmarkAdmin(EvaluationScoped):
    rows_for = staticmethod(scoping.industry_benchmarks_for)
    park_path = "indicator__scheme__park"
    edit_role = Role.PARK_ADMIN
    list_display = ("indicator", "industry_code", "value")
    search_fields = ("industry_code",)
    raw_id_fields = ("indicator",)


@admin.register(GrantCommitment)
class GrantCommitmentAdmin(EvaluationScoped):
    rows_for = staticmethod(scoping.commitments_for)
    park_path = "parcel__park"
    list_display = ("parcel", "investment_per_mu_wan", "output_per_mu_wan", "tax_per_mu_wan", "production_on")
    search_fields = ("parcel__code",)
    raw_id_fields = ("parcel",)


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnlyAdmin, EvaluationScoped):
    rows_for = staticmethod(scoping.runs_for)
    list_display = (
        "__str__",
        "park",
        "year",
        "state",
        "scheme_version",
        "enterprise_count",
        "run_by",
        "run_at",
    )
    list_filter = ("state", "year")
    list_select_related = ("park", "run_by")
