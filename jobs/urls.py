from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("jobs/", views.job_list, name="list"),
    path("jobs/<int:pk>/", views.job_detail, name="detail"),
    path("jobs/<int:pk>/status.json", views.job_status, name="status"),
    path("jobs/<int:pk>/download/", views.job_download, name="download"),
    path("jobs/<int:pk>/import/", views.start_ledger_import, name="start-ledger-import"),
    path("jobs/start/export/", views.start_export, name="start-export"),
    path("jobs/start/report/", views.start_report, name="start-report"),
    path("jobs/start/ledger-check/", views.start_ledger_check, name="start-ledger-check"),
    path("jobs/start/evidence-zip/<str:number>/", views.start_evidence_zip, name="start-evidence-zip"),
    path("jobs/start/evaluation-run/", views.start_evaluation_run, name="start-evaluation-run"),
    path("reminders/", views.reminder_settings, name="reminders"),
]
