"""Land: the parcels (宗地) and the enterprises holding them — lists, details, create and edit."""

from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from .. import cells, scoping
from ..exports import Column
from ..filtersets import EnterpriseFilterSet, ParcelFilterSet
from ..forms import (
    EnterpriseForm,
    ParcelForm,
)
from ..history import history_of
from ..models import (
    OPEN_STATUSES,
    DisposalCase,
    LandParcel,
    Membership,
)
from ..templatetags.tables import choice_label
from .common import ScopedListView, record_pages

Role = Membership.Role


LAND_USE_LABEL = choice_label(LandParcel.LandUse.choices)

PARCEL_COLUMNS = [
    Column("code", _("parcel number"), lambda p: p.code, "code", cell=cells.parcel_code),
    Column("park", _("park"), lambda p: p.park.code, "park__code"),
    Column("location", _("location"), lambda p: p.location, "location", in_table=False),
    Column("area_m2", _("area (m²)"), lambda p: p.area_m2, "area_m2", format="area"),
    Column("area_mu", _("area (mu)"), lambda p: p.area_mu, in_table=False),
    Column(
        "land_use",
        _("land use"),
        lambda p: LAND_USE_LABEL(p.land_use),
        "land_use",
    ),
    Column(
        "enterprise",
        _("land user"),
        lambda p: p.enterprise.name if p.enterprise else "",
        "enterprise__name",
        cell=cells.parcel_enterprise,
    ),
    Column(
        "cadastral_code",
        _("cadastral parcel code"),
        lambda p: p.cadastral_code,
        "cadastral_code",
        css="font-monospace small",
    ),
    Column("agreed_start_on", _("agreed start date"), lambda p: p.agreed_start_on, "agreed_start_on"),
    Column("actual_start_on", _("actual start date"), lambda p: p.actual_start_on, "actual_start_on"),
    Column(
        "open_cases",
        _("open cases"),
        lambda p: p.open_cases,
        "open_cases",
        cell=cells.parcel_open_cases,
        align="num",
    ),
]


class ParcelListView(ScopedListView):
    filterset_class = ParcelFilterSet
    template_name = "cases/parcel_list.html"
    columns = PARCEL_COLUMNS
    default_sort = "park__code,code"
    export_name = "parcels"
    export_title = _("land parcels")
    area_field = "area_m2"
    kept_totals = kept_rows = True

    def base_queryset(self):
        # Counted for the rows shown only (a correlated subquery), not grouped over every parcel.
        open_cases = DisposalCase.objects.filter(parcel=OuterRef("pk"), status__in=OPEN_STATUSES)
        return (
            scoping.parcels_for(self.request.user)
            .select_related("park", "enterprise")
            .defer("boundary")
            .annotate(open_cases=_aggregate_of(open_cases, "COUNT", "pk", IntegerField()))
        )


ENTERPRISE_COLUMNS = [
    Column("name", _("name"), lambda e: e.name, "name", cell=cells.own_link),
    Column("park", _("park"), lambda e: e.park.code, "park__code"),
    Column(
        "credit_code",
        _("unified social credit code"),
        lambda e: e.credit_code,
        "credit_code",
        css="font-monospace small",
    ),
    Column("contact_person", _("contact person"), lambda e: e.contact_person, "contact_person"),
    Column("contact_phone", _("contact phone"), lambda e: e.contact_phone, None),
    Column(
        "parcel_count",
        _("parcels"),
        lambda e: e.parcel_count,
        "parcel_count",
        cell=cells.enterprise_parcels,
        align="num",
    ),
    Column("parcel_area", _("land held (m²)"), lambda e: e.parcel_area, "parcel_area", format="area"),
]


class EnterpriseListView(ScopedListView):
    filterset_class = EnterpriseFilterSet
    template_name = "cases/enterprise_list.html"
    columns = ENTERPRISE_COLUMNS
    kept_totals = kept_rows = True
    default_sort = "name"
    export_name = "enterprises"
    export_title = _("enterprises")

    def base_queryset(self):
        parcels = LandParcel.objects.filter(enterprise=OuterRef("pk"))
        area = LandParcel._meta.get_field("area_m2")
        return (
            scoping.enterprises_for(self.request.user)
            .select_related("park")
            .annotate(
                parcel_count=_aggregate_of(parcels, "COUNT", "pk", IntegerField()),
                parcel_area=_aggregate_of(parcels, "SUM", "area_m2", area),
            )
        )


def _aggregate_of(rows, function: str, field: str, output_field) -> Subquery:
    """COUNT or SUM of `rows` (filtered by an OuterRef) for each row of the list: a correlated
    subquery, evaluated for the rows of the page only, never a GROUP BY over the whole table."""
    value = Func(F(field), function=function, output_field=output_field)
    return Subquery(rows.order_by().annotate(value=value).values("value")[:1], output_field=output_field)


# Parcels and enterprises ----------------------------------------------------------------------


def parcel_detail(request, pk: int):
    parcel = get_object_or_404(scoping.parcels_for(request.user).select_related("park", "enterprise"), pk=pk)
    cases = list(parcel.cases.select_related("officer").order_by("-opened_on"))
    context = {
        "parcel": parcel,
        "cases": cases,
        # A parcel has at most one open case: the page leads to it instead of offering a new one.
        "open_case": next((case for case in cases if case.status in OPEN_STATUSES), None),
        "history": history_of(parcel),
        "can_edit": scoping.has_role(request.user, parcel.park, Role.OFFICER),
    }
    return render(request, "cases/parcel_detail.html", context)


def enterprise_detail(request, pk: int):
    enterprise = get_object_or_404(scoping.enterprises_for(request.user).select_related("park"), pk=pk)
    context = {
        "enterprise": enterprise,
        "parcels": enterprise.parcels.select_related("park").annotate(
            open_cases=Count("cases", filter=Q(cases__status__in=OPEN_STATUSES))
        ),
        "cases": DisposalCase.objects.filter(parcel__enterprise=enterprise)
        .select_related("parcel", "officer")
        .order_by("-opened_on"),
        "history": history_of(enterprise),
        "can_edit": scoping.has_role(request.user, enterprise.park, Role.OFFICER),
    }
    return render(request, "cases/enterprise_detail.html", context)


parcel_create, parcel_edit = record_pages(
    scoping.parcels_for,
    ParcelForm,
    list_url="parcel-list",
    new_title=_("New parcel"),
    edit_title=lambda parcel: _("Edit parcel %(code)s") % {"code": parcel.code},
)
enterprise_create, enterprise_edit = record_pages(
    scoping.enterprises_for, EnterpriseForm, list_url="enterprise-list", new_title=_("New enterprise")
)
