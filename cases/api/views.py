"""The records, read: each list and row through its scoping function (another park's row is 404),
filtered by the staff page's own FilterSet, in a stable order, a page at a time."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import scoping
from ..filtersets import (
    CaseFilterSet,
    DeadlineFilterSet,
    EnterpriseFilterSet,
    LeadFilterSet,
    MeasureFilterSet,
    ParcelFilterSet,
    PartnerFilterSet,
)
from ..forms import WithdrawForm
from ..models import Membership
from ..views import evidence as evidence_pages
from ..views.common import client_address, require_role
from . import serializers, writes
from .base import ApiViewMixin
from .errors import Problem, invalid
from .parsers import JSONParser

Role = Membership.Role


class ScopedViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    # A read-only list and row of `rows_for(user)`, in `ordering` (ending in a unique key).

    rows_for = None
    ordering: tuple[str, ...] = ("pk",)
    related: tuple[str, ...] = ()

    def get_queryset(self):
        rows = type(self).rows_for(self.request.user)
        if self.related:
            rows = rows.select_related(*self.related)
        return rows.order_by(*self.ordering)


class ParkViewSet(ScopedViewSet):
    """The parks you belong to."""

    rows_for = scoping.parks_for
    serializer_class = serializers.ParkSerializer
    ordering = ("code", "pk")


class ParcelViewSet(ScopedViewSet):
    """Land parcels of your parks, filtered as the parcel list filters them."""

    rows_for = scoping.parcels_for
    serializer_class = serializers.ParcelSerializer
    filterset_class = ParcelFilterSet
    related = ("park",)
    ordering = ("park__code", "code", "pk")


class EnterpriseViewSet(ScopedViewSet):
    """Land users (enterprises) of your parks."""

    rows_for = scoping.enterprises_for
    serializer_class = serializers.EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    related = ("park",)
    ordering = ("name", "pk")


class PartnerViewSet(ScopedViewSet):
    """Revitalisation partners (banks, funds, developers) of your parks."""

    rows_for = scoping.partners_for
    serializer_class = serializers.PartnerSerializer
    filterset_class = PartnerFilterSet
    related = ("park",)
    ordering = ("name", "pk")


class LeadViewSet(ScopedViewSet):
    """Project leads (investment-promotion projects looking for land) of your parks."""

    rows_for = scoping.leads_for
    serializer_class = serializers.LeadSerializer
    filterset_class = LeadFilterSet
    related = ("park",)
    ordering = ("-created_at", "-pk")


class MeasureViewSet(ScopedViewSet):
    """Revitalisation measures of your parks' cases."""

    rows_for = scoping.measures_for
    serializer_class = serializers.MeasureSerializer
    filterset_class = MeasureFilterSet
    related = ("case",)
    ordering = ("-started_on", "-pk")


BY_CASE = extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("case", str, description="A case number: its rows only.")]
    )
)


class ByCaseMixin:
    """`?case=<number>`: the rows of one case (among the user's)."""

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if number := self.request.query_params.get("case"):
            queryset = queryset.filter(case__number=number)
        return queryset


@BY_CASE
class EventViewSet(ByCaseMixin, ScopedViewSet):
    """Timeline events of your parks' cases, newest first."""

    rows_for = scoping.events_for
    serializer_class = serializers.EventSerializer
    related = ("case",)
    ordering = ("-occurred_on", "-created_at", "-pk")

    @extend_schema(request=None, responses={200: serializers.EventSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def met(self, request, pk=None):
        """Mark the deadline this event recorded as met today, as the case page does (an officer)."""
        event = get_object_or_404(self.get_queryset().select_related("case__parcel__park"), pk=pk)
        case = event.case
        require_role(request.user, case.parcel.park, Role.OFFICER)
        if not case.is_open:
            raise Problem(
                "conflict",
                409,
                gettext("Case %(number)s is closed and cannot be edited; a park administrator can reopen it.")
                % {"number": case.number},
            )
        if event.due_on is None:
            raise invalid({"due_met_on": [gettext("Only an event with a deadline can have it met.")]})
        if event.due_met_on is not None:
            raise Problem("conflict", 409, gettext("This deadline was already marked as met."))
        event.mark_deadline_met(request.user, timezone.localdate())
        return Response(serializers.EventSerializer(event).data)


class TargetViewSet(ScopedViewSet):
    """Disposal-rate targets of your parks and those of all parks."""

    rows_for = scoping.targets_for
    serializer_class = serializers.TargetSerializer
    ordering = ("-year", "park__code", "pk")


class MonthCloseViewSet(ScopedViewSet):
    """Month-end closes: a month's reported figures as frozen."""

    rows_for = scoping.month_closes_for
    serializer_class = serializers.MonthCloseSerializer
    related = ("park",)
    ordering = ("-year", "-month", "park__code", "-closed_at", "-pk")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("park", int, description="A park's id, as /deadlines/ filters it."),
            OpenApiParameter("officer", int, description="A case officer's id."),
        ]
    )
)
class DeadlineViewSet(ScopedViewSet):
    """The stored deadlines of open cases, filtered by park and case officer as /deadlines/ does."""

    rows_for = scoping.deadlines_for
    serializer_class = serializers.DeadlineSerializer
    ordering = ("due", "case_number", "rule_order", "pk")

    def filter_queryset(self, queryset):
        filterset = DeadlineFilterSet(
            self.request.query_params or None,
            queryset=scoping.cases_for(self.request.user),
            user=self.request.user,
        )
        if filterset.is_bound and not filterset.is_valid():
            raise invalid(filterset.errors, status_code=400)
        chosen = filterset.form.cleaned_data if filterset.is_bound else {}
        if chosen.get("park"):
            queryset = queryset.filter(park=chosen["park"])
        if chosen.get("officer"):
            queryset = queryset.filter(case__officer=chosen["officer"])
        return queryset


@extend_schema_view(
    download=extend_schema(
        responses={(200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The file.")}
    )
)
@BY_CASE
class DocumentViewSet(ByCaseMixin, ScopedViewSet):
    """Evidence documents of your parks' cases (metadata; the file by its download address)."""

    rows_for = scoping.documents_for
    serializer_class = serializers.DocumentSerializer
    related = ("case__parcel__park",)
    ordering = ("-uploaded_at", "-pk")

    @extend_schema(request=writes.WithdrawSerializer, responses={200: serializers.DocumentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def withdraw(self, request, pk=None):
        """Take the document out of the case file with a reason; the file and the record stay."""
        document = get_object_or_404(self.get_queryset().select_related("case__parcel__park"), pk=pk)
        require_role(request.user, document.case.parcel.park, Role.OFFICER)
        if not document.case.is_open:
            raise Problem("conflict", 409, gettext("The case is closed; a park administrator can reopen it."))
        form = writes.checked_form(WithdrawForm(writes.form_data(request.data)))
        try:
            document.withdraw(
                by=request.user, reason=form.cleaned_data["reason"], ip_address=client_address(request)
            )
        except ValidationError as error:
            raise invalid({"reason": error.messages}) from error
        return Response(serializers.DocumentSerializer(document).data)

    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The file itself, as the page's download sends it, and noted in the custody log."""
        get_object_or_404(self.get_queryset(), pk=pk)
        return evidence_pages.evidence_download(request._request, int(pk))


class CaseRowsMixin:
    """Disposal cases of your parks, by number, filtered as the case list filters them."""

    rows_for = scoping.cases_for
    serializer_class = serializers.CaseSerializer
    filterset_class = CaseFilterSet
    related = ("parcel__park",)
    ordering = ("-opened_on", "-number", "pk")
    lookup_field = "number"
    lookup_value_regex = "[^/]+"
