"""The evaluation's pages: the figures import (dry run, report, confirm, all or nothing), a run
computed, confirmed by a supervisor and published by a park administrator, the results page and its
exports, the evaluation sheet, a D class opening a lead case with the sheet as its first evidence,
and evaluate_per_mu's JSON."""

import csv as csv_module
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from cases.models import DisposalCase, Membership
from evaluation.models import EvaluationRun, RunState, YearFigures
from tests import factories
from tests.worlds.evaluation import World, client_for, imported, upload

pytestmark = pytest.mark.django_db
R = Membership.Role


@pytest.fixture
def world():
    return World()


def test_a_park_administrator_imports_figures_after_a_dry_run_that_writes_nothing(world):
    client = client_for(world.admin)
    response = upload(client, world.csv())
    assert response.status_code == 302
    page = client.get("/evaluation/figures/import/")
    assert "created 4" in page.content.decode()
    assert YearFigures.objects.count() == 0
    response = client.post("/evaluation/figures/import/confirm/")
    assert response.status_code == 302
    figures = YearFigures.objects.get(enterprise=world.firms[0][0], year=2024)
    assert figures.tax_wan == Decimal(300)
    assert figures.tax_wan_source == "tax" and figures.tax_wan_on is not None
    assert figures.history.first().history_change_reason.startswith(
        "导入亩均数据 imported from 海洲亩均数据.csv"
    )


def test_one_refused_row_refuses_the_file_and_says_where_and_why(world):
    client = client_for(world.admin)
    data = world.csv().replace(b"HZ-03", b"HZ-99").replace(b",5,25,", b",-5,25,")
    upload(client, data)
    page = client.get("/evaluation/figures/import/").content.decode()
    assert "The park has no parcel with this number." in page
    assert "refused 1" in page
    assert client.post("/evaluation/figures/import/confirm/").status_code == 302
    assert YearFigures.objects.count() == 0


def test_a_figure_below_zero_is_refused_with_its_column(world):
    client = client_for(world.admin)
    upload(client, world.csv().replace(b",500,2,100,", b",-500,2,100,", 1))
    page = client.get("/evaluation/figures/import/").content.decode()
    assert "综合能耗(吨标准煤)" in page and "A figure cannot be negative." in page


def test_importing_the_same_file_again_changes_nothing_and_a_new_value_updates(world):
    imported(world)
    client = client_for(world.admin)
    upload(client, world.csv())
    assert "unchanged 4" in client.get("/evaluation/figures/import/").content.decode()
    upload(client, world.csv(taxes=(310, 200, 150, 5)))
    assert "updated 1" in client.get("/evaluation/figures/import/").content.decode()


@pytest.mark.parametrize("role", ["officer", "supervisor", "viewer"])
def test_only_a_park_administrator_imports_figures(world, role):
    client = client_for(getattr(world, role))
    assert client.get("/evaluation/figures/import/").status_code == 403
    assert client.get("/evaluation/figures/import/template.xlsx").status_code == 403


def test_the_template_names_every_column_and_imports_nothing(world):
    response = client_for(world.admin).get("/evaluation/figures/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert headers[:5] == ["园区代码", "年度", "统一社会信用代码", "企业名称", "宗地编号"]
    assert "税收来源" in headers


def test_a_run_is_confirmed_by_a_supervisor_and_published_by_a_park_administrator(world):
    imported(world)
    officer = client_for(world.officer)
    assert officer.post("/evaluation/run/", {"park": "HZ", "year": "2024"}).status_code == 302
    run = EvaluationRun.objects.get()
    assert run.state == RunState.DRAFT and run.enterprise_count == 4
    assert officer.post(f"/evaluation/runs/{run.pk}/confirm/").status_code == 403
    assert client_for(world.supervisor).post(f"/evaluation/runs/{run.pk}/publish/").status_code == 403
    client_for(world.supervisor).post(f"/evaluation/runs/{run.pk}/confirm/")
    client_for(world.admin).post(f"/evaluation/runs/{run.pk}/publish/")
    run.refresh_from_db()
    assert run.state == RunState.PUBLISHED and run.published_by == world.admin


def test_another_parks_run_is_not_found(world):
    imported(world)
    client_for(world.admin).post("/evaluation/run/", {"park": "HZ", "year": "2024"})
    run = EvaluationRun.objects.get()
    stranger = client_for(world.stranger)
    assert stranger.get("/evaluation/?park=HZ&year=2024").status_code == 404
    assert stranger.post(f"/evaluation/runs/{run.pk}/confirm/").status_code == 404
    enterprise = world.firms[0][0]
    assert stranger.get(f"/evaluation/runs/{run.pk}/enterprises/{enterprise.pk}/").status_code == 404


def test_the_results_page_shows_classes_reasons_and_the_formulas(world):
    imported(world)
    client = client_for(world.admin)
    client.post("/evaluation/run/", {"park": "HZ", "year": "2024"})
    page = client.get("/evaluation/?park=HZ&year=2024").content.decode()
    assert "Results by class of publication" in page
    assert "<svg" in page
    assert "tax paid ÷ land used (mu)" in page
    run = EvaluationRun.objects.get()
    weakest = world.firms[3][0]
    sheet = client.get(f"/evaluation/runs/{run.pk}/enterprises/{weakest.pk}/").content.decode()
    assert "Open a lead case" in sheet
    assert "benchmark" in sheet.lower()  # the column is headed "Benchmark value"


def test_the_results_page_reads_the_same_number_of_queries_whatever_the_enterprises(
    world, django_assert_max_num_queries
):
    imported(world)
    client = client_for(world.admin)
    client.post("/evaluation/run/", {"park": "HZ", "year": "2024"})
    client.get("/evaluation/?park=HZ&year=2024")
    with django_assert_max_num_queries(30) as few:
        client.get("/evaluation/?park=HZ&year=2024")
    budget = len(few)  # read now: the next request empties the connection's query log
    for index in range(4, 24):
        enterprise = factories.make_enterprise(park=world.park, credit_code=factories.credit_code())
        parcel = factories.make_parcel(park=world.park, code=f"HZ-{index:02d}", enterprise=enterprise)
        YearFigures.objects.create(enterprise=enterprise, parcel=parcel, year=2024, tax_wan=Decimal(index))
    client.post("/evaluation/run/", {"park": "HZ", "year": "2024"})
    with django_assert_max_num_queries(budget):
        client.get("/evaluation/?park=HZ&year=2024")


def test_exports_give_every_enterprise_in_the_layout_published(world):
    imported(world)
    client = client_for(world.admin)
    client.post("/evaluation/run/", {"park": "HZ", "year": "2024"})
    csv = client.get("/evaluation/export.csv?park=HZ&year=2024")
    assert csv.content.startswith("\ufeff".encode())
    assert csv.content.decode("utf-8-sig").count("\n") == 5
    xlsx = client.get("/evaluation/export.xlsx?park=HZ&year=2024")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert sheet.max_row == 5
    # The same rows as the CSV, class of publication, rank, name and credit code as text.
    lines = list(csv_module.reader(io.StringIO(csv.content.decode("utf-8-sig"))))
    cells = [[c.value for c in row[:4]] for row in sheet.iter_rows(min_row=2)]
    assert cells == [[line[0], int(line[1]), line[2], line[3]] for line in lines[1:]]
    pdf = client.get("/evaluation/export.pdf?park=HZ&year=2024")
    assert pdf.content.startswith(b"%PDF")
    data = json.loads(client.get("/evaluation/export.json?park=HZ&year=2024").content)
    assert set(data) == {"park", "year", "scheme", "enterprises"}


def test_a_d_class_opens_a_lead_case_with_the_evaluation_sheet_as_first_evidence(world):
    imported(world)
    client = client_for(world.admin)
    client.post("/evaluation/run/", {"park": "HZ", "year": "2024"})
    run = EvaluationRun.objects.get()
    weakest, parcel = world.firms[3]
    assert run.results.get(enterprise=weakest).grade == "D"
    response = client.post(
        f"/evaluation/runs/{run.pk}/enterprises/{weakest.pk}/open-case/", {"parcel": parcel.pk}
    )
    case = DisposalCase.objects.get(parcel=parcel)
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.status == "lead" and case.category == "inefficient"
    document = case.documents.get()
    assert document.content_type == "application/pdf" and document.size > 1000
    again = client.post(
        f"/evaluation/runs/{run.pk}/enterprises/{weakest.pk}/open-case/", {"parcel": parcel.pk}
    )
    assert again.status_code == 302
    assert DisposalCase.objects.filter(parcel=parcel).count() == 1


def test_a_class_above_d_opens_no_case(world):
    imported(world)
    client = client_for(world.admin)
    client.post("/evaluation/run/", {"park": "HZ", "year": "2024"})
    run = EvaluationRun.objects.get()
    strongest, parcel = world.firms[0]
    client.post(f"/evaluation/runs/{run.pk}/enterprises/{strongest.pk}/open-case/", {"parcel": parcel.pk})
    assert not DisposalCase.objects.exists()


def test_evaluate_per_mu_writes_the_json_named_in_the_issue(world, capsysbinary):
    imported(world)
    call_command("evaluate_per_mu", "--park", "HZ", "--year", "2024", "--format", "json", "--output", "-")
    data = json.loads(capsysbinary.readouterr().out)
    assert data["park"] == "HZ" and data["year"] == 2024
    assert data["scheme"]["name"]
    first = data["enterprises"][0]
    assert set(first) == {"credit_code", "name", "class", "score", "indicators"}
    assert first["class"] in "ABCD" and isinstance(first["score"], str)
    assert isinstance(first["indicators"]["tax_per_mu"]["value"], str)


def test_a_newer_run_is_shown_as_a_restatement_and_the_published_result_stays(world):
    imported(world)
    admin = client_for(world.admin)
    admin.post("/evaluation/run/", {"park": "HZ", "year": "2024"})
    published = EvaluationRun.objects.get()
    admin.post(f"/evaluation/runs/{published.pk}/confirm/")
    admin.post(f"/evaluation/runs/{published.pk}/publish/")
    before = dict(published.results.values_list("enterprise_id", "score"))
    imported(world, taxes=(300, 200, 150, 400))
    admin.post("/evaluation/run/", {"park": "HZ", "year": "2024"})
    page = admin.get("/evaluation/?park=HZ&year=2024").content.decode()
    assert "A newer run" in page and f"Run no. {published.pk}" in page
    assert dict(published.results.values_list("enterprise_id", "score")) == before
    newer = EvaluationRun.objects.exclude(pk=published.pk).get()
    admin.post(f"/evaluation/runs/{newer.pk}/confirm/")
    admin.post(f"/evaluation/runs/{newer.pk}/publish/")
    published.refresh_from_db()
    assert published.state == RunState.SUPERSEDED
    assert f"restates run no. {published.pk}" in admin.get("/evaluation/?park=HZ&year=2024").content.decode()
