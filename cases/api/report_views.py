"""The report's writes, as the monthly report page makes them (cases/views/reporting.py): a park's
disposal-rate target (a park administrator), a month closed (a supervisor) and reopened with a reason
(a park administrator). The park is found among the user's (another park is 404), then the role."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import reporting, scoping
from ..forms import TargetForm
from ..models import DisposalTarget, Membership, MonthClose
from ..views.common import is_whole_number, require_role
from . import serializers, views, writes
from .errors import Problem, invalid
from .parsers import JSONParser

Role = Membership.Role


class TargetWriteSerializer(drf_serializers.Serializer):
    park = drf_serializers.IntegerField(help_text=_("The id of one of your parks."))
    year = drf_serializers.IntegerField()
    rate_pct = drf_serializers.DecimalField(max_digits=4, decimal_places=1)


class CloseMonthSerializer(drf_serializers.Serializer):
    park = drf_serializers.IntegerField(help_text=_("The id of one of your parks."))
    year = drf_serializers.IntegerField()
    month = drf_serializers.IntegerField(min_value=1, max_value=12)


class ReopenSerializer(drf_serializers.Serializer):
    reason = drf_serializers.CharField(help_text=_("Why the month is reopened."))


def _park(request, data: dict, role: str):
    """The body's park among the user's (404), where the user holds `role` (403)."""
    raw = data.get("park")
    if raw in (None, ""):
        raise invalid({"park": [gettext("This field is required.")]})
    if isinstance(raw, bool) or not is_whole_number(str(raw)):
        raise Problem("not-found", 404)
    park = get_object_or_404(scoping.parks_for(request.user), pk=int(raw))
    require_role(request.user, park, role)
    return park


class TargetViewSet(views.TargetViewSet):
    __doc__ = views.TargetViewSet.__doc__
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [JSONParser]

    @extend_schema(
        request=TargetWriteSerializer,
        responses={200: serializers.TargetSerializer, 201: serializers.TargetSerializer},
    )
    def create(self, request):
        """Set a park's target for a year (a park administrator): made if it has none, else replaced."""
        data = writes.form_data(request.data)
        writes.refuse_fields(data, ("park", "year", "rate_pct"))
        park = _park(request, data, Role.PARK_ADMIN)
        form = writes.checked_form(TargetForm(data))
        existed = DisposalTarget.objects.filter(park=park, year=form.cleaned_data["year"]).exists()
        target = DisposalTarget.objects.set_for(park=park, by=request.user, **form.cleaned_data)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(serializers.TargetSerializer(target).data, status=code)


class MonthCloseViewSet(views.MonthCloseViewSet):
    __doc__ = views.MonthCloseViewSet.__doc__
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [JSONParser]

    @extend_schema(request=CloseMonthSerializer, responses={201: serializers.MonthCloseSerializer})
    def create(self, request):
        """Close a month that has ended (a supervisor): its figures frozen as reported."""
        data = writes.form_data(request.data)
        writes.refuse_fields(data, ("park", "year", "month"))
        park = _park(request, data, Role.SUPERVISOR)
        period = CloseMonthSerializer(data=data | {"park": park.pk})
        if not period.is_valid():
            raise invalid(period.errors)
        year, month = period.validated_data["year"], period.validated_data["month"]
        try:
            close = reporting.close_month(park=park, year=year, month=month, by=request.user)
        except reporting.ReportError as error:
            if MonthClose.objects.in_force().filter(park=park, year=year, month=month).exists():
                raise Problem("conflict", 409, str(error)) from error
            raise invalid({"non_field_errors": [str(error)]}) from error
        return Response(serializers.MonthCloseSerializer(close).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReopenSerializer, responses={200: serializers.MonthCloseSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Reopen a closed month with a reason (a park administrator); the close stays on record."""
        close = get_object_or_404(self.get_queryset(), pk=pk)
        require_role(request.user, close.park, Role.PARK_ADMIN)
        data = writes.form_data(request.data)
        writes.refuse_fields(data, ("reason",))
        with transaction.atomic():
            close = MonthClose.objects.select_for_update().select_related("park").get(pk=close.pk)
            if close.reopened_at is not None:
                raise Problem("conflict", 409, gettext("This month was already reopened."))
            try:
                close.reopen(request.user, str(data.get("reason") or ""))
            except reporting.ReportError as error:
                raise invalid({"reason": [str(error)]}) from error
        return Response(serializers.MonthCloseSerializer(close).data)
