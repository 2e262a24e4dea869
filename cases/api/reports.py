"""The monthly report as JSON: exactly what `disposal_report --format json` writes for the same year,
park, category and report date (docs/disposal-rate.md#json), over the cases the caller may see."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from .. import reporting, scoping
from ..models import Category
from .base import ApiViewMixin
from .errors import invalid


class ReportQuery(serializers.Serializer):
    year = serializers.IntegerField(
        required=False,
        min_value=reporting.MIN_YEAR,
        max_value=reporting.MAX_YEAR,
        help_text=_("The report year; this year unless given."),
    )
    park = serializers.CharField(
        required=False, help_text=_("A park code, e.g. XQ; all your parks unless given.")
    )
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    as_of = serializers.DateField(required=False, help_text=_("The report date in the year."))


class MonthlyReportView(ApiViewMixin, APIView):
    @extend_schema(
        parameters=[ReportQuery],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="The report (docs/disposal-rate.md#json)."),
        },
    )
    def get(self, request):
        """The monthly disposal-rate report of a year, as `disposal_report --format json` writes it."""
        query = ReportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        chosen = query.validated_data
        park = None
        if code := chosen.get("park"):
            park = get_object_or_404(scoping.parks_for(request.user), code=code)
        try:
            report = reporting.monthly_report(
                scoping.cases_for(request.user),
                year=chosen.get("year") or timezone.localdate().year,
                as_of=chosen.get("as_of"),
                park=park,
                category=chosen.get("category", ""),
            )
        except reporting.ReportError as error:
            raise invalid({"as_of": [str(error)]}, status_code=400) from error
        # In the park's language, as the command writes it, whatever the caller's.
        with translation.override(settings.LANGUAGE_CODE):
            content = reporting.to_json(report)
        return HttpResponse(content, content_type="application/json")
