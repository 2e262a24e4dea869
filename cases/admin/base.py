"""What every admin page shares: rows, choices and rights limited to the user's parks."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .. import scoping
from ..models import (
    CaseDeadline,
    CaseEvent,
    CustodyEvent,
    DisposalCase,
    DisposalTarget,
    Enterprise,
    EvidenceDocument,
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
from ..validators import use_plausible_bounds

Role = Membership.Role

admin.site.site_header = _("Parkland · idle and low-efficiency land ledger")
admin.site.site_title = _("Parkland administration")
admin.site.index_title = _("Data administration")

# Every park-owned model and the scoping function that gives a user its rows.
SCOPES = {
    Park: scoping.parks_for,
    Membership: scoping.memberships_for,
    LowEfficiencyThreshold: scoping.thresholds_for,
    DisposalTarget: scoping.targets_for,
    Enterprise: scoping.enterprises_for,
    LandParcel: scoping.parcels_for,
    DisposalCase: scoping.cases_for,
    CaseEvent: scoping.events_for,
    CaseDeadline: scoping.deadlines_for,
    EvidenceDocument: scoping.documents_for,
    CustodyEvent: scoping.custody_events_for,
    RevitalisationMeasure: scoping.measures_for,
    Partner: scoping.partners_for,
    ProjectLead: scoping.leads_for,
    MonthClose: scoping.month_closes_for,
    LedgerImport: scoping.ledger_imports_for,
}


def _scoped_choices(user, model, role: str):
    """The rows of `model` that `user` may pick in a form where they act with `role`."""
    if model is get_user_model():
        return scoping.users_for(user)
    rows_for = SCOPES.get(model)
    return rows_for(user, role=role) if rows_for is not None else None


def scoped_queryset(model_admin, request):
    """The admin's rows of its model for the user who looks, in the admin's ordering."""
    queryset = SCOPES[model_admin.model](request.user)
    ordering = model_admin.get_ordering(request)
    return queryset.order_by(*ordering) if ordering else queryset


def park_roles(request) -> dict[Park, str]:
    """The user's parks and role in each, read once per request: an admin page asks, for every model
    of its menu, whether the user may look, add or change, and its park filter lists the parks. The
    same read as the staff pages' menus and filters (`scoping.park_roles`)."""
    return scoping.park_roles(request.user)


def holds_role(request, role: str, park: Park | None = None) -> bool:
    """Whether the user holds at least `role` in `park`, or without a park in one of their parks."""
    roles = park_roles(request)
    needed = Membership.rank_of(role)
    if park is None:
        return any(Membership.rank_of(held) >= needed for held in roles.values())
    return Membership.rank_of(roles.get(park)) >= needed


class ParkListFilter(admin.RelatedFieldListFilter):
    """A park filter that lists only the user's parks: another park's name is not shown either."""

    def field_choices(self, field, request, model_admin):
        return [(park.pk, str(park)) for park in park_roles(request)]


class RecentYearListFilter(admin.SimpleListFilter):
    """A year filter offering next year and the ten before it, read from the calendar rather than
    from every distinct year of the table on each page; any other year still filters by `?year=`."""

    parameter_name = "year"

    def __init__(self, request, params, model, model_admin):
        self.title = model._meta.get_field("year").verbose_name
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        this_year = timezone.localdate().year
        return [(str(year), str(year)) for year in range(this_year + 1, this_year - 11, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(year=int(value)) if value and value.isdigit() else queryset


class SeenInTheUsersParks:
    """Read-only rights for a page that is not owned by one park: anyone with a park may look."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and bool(park_roles(request))

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)


class ParkScopedMixin:
    """Rows and choices limited to the user's parks; rights follow the user's role in the row's park."""

    # The lookup path from the model to its park, and the least role that may add or change rows.
    park_path = "park"
    edit_role = Role.OFFICER

    def get_queryset(self, request):
        return scoped_queryset(self, request)

    def park_of(self, obj) -> Park | None:
        for attribute in self.park_path.split("__"):
            obj = getattr(obj, attribute, None)
        return obj

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and bool(park_roles(request))

    def has_view_permission(self, request, obj=None) -> bool:
        if obj is None:
            return self.has_module_permission(request)
        park = self.park_of(obj)
        return park is not None and holds_role(request, Role.VIEWER, park)

    def _may_edit(self, request, obj=None) -> bool:
        if obj is None:
            return holds_role(request, self.edit_role)
        park = self.park_of(obj)
        return park is not None and holds_role(request, self.edit_role, park)

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


class ReadOnlyAdmin:
    """Rows written by the application only: here they can be read, never added, changed or deleted."""

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ScopedAdmin(ParkScopedMixin, SimpleHistoryAdmin):
    list_per_page = 50
    # A filtered page counts its own rows only, not the whole table's again beside them.
    show_full_result_count = False


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
