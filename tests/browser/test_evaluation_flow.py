"""The per-mu evaluation in a real browser (issue 16's done-when): a park administrator imports a
year's figures from a file, runs the evaluation, reads an enterprise's class with its reasons,
confirms and publishes the run, and opens a lead case from a D-class parcel."""

import pytest
from playwright.sync_api import expect

from cases.models import DisposalCase, Enterprise, LandParcel
from evaluation.models import EvaluationRun, RunState, YearFigures

pytestmark = pytest.mark.django_db(transaction=True)
YEAR = 2026
HEADER = (
    "园区代码,年度,企业名称,宗地编号,是否规上,税收(万元),工业增加值(万元),综合能耗(吨标准煤),"
    "主要污染物排放量(吨),研发经费(万元),主营业务收入(万元),年平均职工人数"
)
# parcel, tax, value added (万元): the last is far below the others
ROWS = (("XQ-A01", 2600, 13000), ("XQ-A02", 3100, 15000), ("XQ-A04", 3600, 16500), ("XQ-B03", 40, 300))


def figures_file(tmp_path) -> str:
    lines = [HEADER]
    for code, tax, value_added in ROWS:
        parcel = LandParcel.objects.select_related("enterprise").get(park__code="XQ", code=code)
        lines.append(
            f"XQ,{YEAR},{parcel.enterprise.name},{code},是,{tax},{value_added},1500,12,600,40000,300"
        )
    path = tmp_path / "新青亩均数据2026.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_a_park_admin_imports_runs_confirms_publishes_and_opens_a_case_from_a_d_class(
    demo, live_server, page, sign_in, screenshot, tmp_path
):
    sign_in("demo-parkadmin")
    page.goto(f"{live_server.url}/evaluation/figures/import/")
    page.locator("input[name=file]").set_input_files(figures_file(tmp_path))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("新建 4")
    assert not YearFigures.objects.filter(year=YEAR).exists()
    screenshot("evaluation-import-zh")
    with page.expect_navigation():
        page.locator("form[action='/evaluation/figures/import/confirm/'] button").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    assert YearFigures.objects.filter(year=YEAR).count() == 4

    page.goto(f"{live_server.url}/evaluation/?park=XQ&year={YEAR}")
    with page.expect_navigation():
        page.locator("form[action='/evaluation/run/'] button").click()
    run = EvaluationRun.objects.get(park__code="XQ", year=YEAR)
    assert run.state == RunState.DRAFT
    expect(page.locator("#results")).to_contain_text("珠海市桉禾五金塑胶制品有限公司")

    weakest = Enterprise.objects.get(park__code="XQ", name="珠海市桉禾五金塑胶制品有限公司")
    assert run.results.get(enterprise=weakest).grade == "D"
    page.locator("#results a", has_text="珠海市桉禾五金塑胶制品有限公司").click()
    expect(page.locator("h1")).to_contain_text("D")
    expect(page.locator("main")).to_contain_text("亩均税收")
    expect(page.locator("main")).to_contain_text("预警")  # the growth of tax per 亩 fell below 0 %
    screenshot("evaluation-sheet-zh")

    page.goto(f"{live_server.url}/evaluation/?park=XQ&year={YEAR}")
    with page.expect_navigation():
        page.locator(f"form[action='/evaluation/runs/{run.pk}/confirm/'] button").click()
    with page.expect_navigation():
        page.locator(f"form[action='/evaluation/runs/{run.pk}/publish/'] button").click()
    run.refresh_from_db()
    assert run.state == RunState.PUBLISHED
    expect(page.locator("main")).to_contain_text("已发布")
    screenshot("evaluation-results-zh")

    page.goto(f"{live_server.url}/evaluation/runs/{run.pk}/enterprises/{weakest.pk}/")
    with page.expect_navigation():
        page.locator(
            f"form[action='/evaluation/runs/{run.pk}/enterprises/{weakest.pk}/open-case/'] button"
        ).click()
    case = DisposalCase.objects.get(parcel__code="XQ-B03", status="lead", category="inefficient")
    expect(page.locator("h1")).to_contain_text(case.number)
    document = case.documents.get()
    assert document.content_type == "application/pdf"
    expect(page.locator("main")).to_contain_text(document.title)


def test_the_evaluation_pages_in_english_and_chinese(demo, live_server, page, sign_in, screenshot):
    for language, tag in (("zh-hans", "zh"), ("en", "en")):
        sign_in("demo-parkadmin", language=language)
        page.goto(f"{live_server.url}/evaluation/?park=XQ&year=2024")
        expect(page.locator("svg.eval-chart")).to_be_visible()
        screenshot(f"evaluation-2024-{tag}")
        page.goto(f"{live_server.url}/commitments/")
        expect(page.locator("main")).to_contain_text("XQ-C02")
        screenshot(f"commitments-{tag}")
        page.goto(f"{live_server.url}/radar/")
        screenshot(f"radar-evaluation-{tag}")
        page.goto(f"{live_server.url}/")
        screenshot(f"dashboard-commitments-{tag}")
        if tag == "en":
            page.goto(f"{live_server.url}/evaluation/figures/import/")
            screenshot("evaluation-import-en")


def test_the_parcel_page_shows_its_grant_commitment_and_per_mu_trend(
    demo, live_server, page, sign_in, screenshot
):
    parcel = LandParcel.objects.get(code="XQ-C01")
    for language, tag in (("zh-hans", "zh"), ("en", "en")):
        sign_in("demo-parkadmin", language=language)
        page.goto(f"{live_server.url}{parcel.get_absolute_url()}")
        panel = page.locator(".parcel-per-mu")
        expect(panel).to_be_visible()
        expect(panel).to_contain_text("2026-04-25")  # the agreed full production
        expect(panel.locator("svg.eval-trend")).to_have_count(2)
        screenshot(f"parcel-commitment-{tag}")
