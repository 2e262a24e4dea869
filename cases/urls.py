from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.CaseListView.as_view(), name="case-list"),
    path("cases/export.<str:export>", views.CaseListView.as_view(), name="case-export"),
    path("cases/new/", views.case_create, name="case-create"),
    path("cases/<str:number>/", views.case_detail, name="case-detail"),
    path("cases/<str:number>/edit/", views.case_edit, name="case-edit"),
    path("cases/<str:number>/transition/", views.case_transition, name="case-transition"),
    path("cases/<str:number>/events/new/", views.event_create, name="event-create"),
    path("cases/<str:number>/events/<int:pk>/met/", views.event_deadline_met, name="event-deadline-met"),
    path("cases/<str:number>/measures/new/", views.measure_create, name="measure-create"),
    path("parcels/", views.ParcelListView.as_view(), name="parcel-list"),
    path("parcels/export.<str:export>", views.ParcelListView.as_view(), name="parcel-export"),
    path("parcels/new/", views.parcel_create, name="parcel-create"),
    path("parcels/<int:pk>/", views.parcel_detail, name="parcel-detail"),
    path("parcels/<int:pk>/edit/", views.parcel_edit, name="parcel-edit"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise-list"),
    path("enterprises/export.<str:export>", views.EnterpriseListView.as_view(), name="enterprise-export"),
    path("enterprises/new/", views.enterprise_create, name="enterprise-create"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise-edit"),
    path("cases/<str:number>/evidence/new/", views.evidence_upload, name="evidence-upload"),
    path("cases/<str:number>/evidence.zip", views.case_evidence_zip, name="case-evidence-zip"),
    path("evidence/<int:pk>/", views.evidence_detail, name="evidence-detail"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence-download"),
    path("evidence/<int:pk>/withdraw/", views.evidence_withdraw, name="evidence-withdraw"),
    path("evidence/<int:pk>/custody.csv", views.evidence_custody_export, name="evidence-custody-export"),
]
