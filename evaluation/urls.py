from django.urls import path

from .views import commitments, figures, results

app_name = "evaluation"

urlpatterns = [
    path("evaluation/", results.evaluation_page, name="results"),
    path("evaluation/run/", results.run_evaluation, name="run"),
    path("evaluation/export.<str:fmt>", results.export, name="export"),
    path("evaluation/runs/<int:pk>/confirm/", results.confirm_run, name="confirm"),
    path("evaluation/runs/<int:pk>/publish/", results.publish_run, name="publish"),
    path("evaluation/runs/<int:pk>/enterprises/<int:enterprise_id>/", results.sheet, name="sheet"),
    path("evaluation/runs/<int:pk>/enterprises/<int:enterprise_id>.pdf", results.sheet_pdf, name="sheet-pdf"),
    path(
        "evaluation/runs/<int:pk>/enterprises/<int:enterprise_id>/open-case/",
        results.open_case,
        name="open-case",
    ),
    path("evaluation/figures/import/", figures.import_page, name="figures-import"),
    path("evaluation/figures/import/confirm/", figures.import_confirm, name="figures-import-confirm"),
    path("evaluation/figures/import/report.xlsx", figures.import_report, name="figures-import-report"),
    path("evaluation/figures/import/template.xlsx", figures.import_template, name="figures-import-template"),
    path("commitments/", commitments.commitments_page, name="commitments"),
    path("commitments/<int:parcel_id>/open-case/", commitments.open_case, name="commitment-open-case"),
]
