"""/api/v1/: the records, a case's writes, the monthly report, the schema and its readers."""

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import case_views, docs, record_views, report_views, reports, views

router = SimpleRouter()
router.register("parks", views.ParkViewSet, basename="api-park")
router.register("parcels", record_views.ParcelViewSet, basename="api-parcel")
router.register("enterprises", record_views.EnterpriseViewSet, basename="api-enterprise")
router.register("cases", case_views.CaseViewSet, basename="api-case")
router.register("events", views.EventViewSet, basename="api-event")
router.register("evidence", views.DocumentViewSet, basename="api-evidence")
router.register("measures", views.MeasureViewSet, basename="api-measure")
router.register("partners", record_views.PartnerViewSet, basename="api-partner")
router.register("leads", record_views.LeadViewSet, basename="api-lead")
router.register("deadlines", views.DeadlineViewSet, basename="api-deadline")
router.register("targets", report_views.TargetViewSet, basename="api-target")
router.register("month-closes", report_views.MonthCloseViewSet, basename="api-month-close")


# Another system signs in with its token, not through the sign-in page: the API answers 401 itself.
api_patterns = [
    *router.urls,
    path("reports/monthly/", reports.MonthlyReportView.as_view(), name="api-report-monthly"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
for pattern in api_patterns:
    login_not_required(pattern.callback)

urlpatterns = [
    *api_patterns,
    # The readers are pages for people: the sign-in page first, as everywhere else.
    path("docs/", login_required(docs.SwaggerView.as_view()), name="api-docs"),
    path("redoc/", login_required(docs.RedocView.as_view()), name="api-redoc"),
]
