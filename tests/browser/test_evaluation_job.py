"""The 亩均 evaluation run in the background from the /evaluation/ page: the button leads to the
job's page, which links to the new run on the year's page (docs/jobs.md)."""

import pytest
from playwright.sync_api import expect

from evaluation.models import EvaluationRun
from jobs.models import Job, JobKind, JobState

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_officer_runs_the_evaluation_in_the_background_and_opens_the_run(
    demo, live_server, page, sign_in, screenshot, language
):
    seen: list[str] = []
    page.on("pageerror", lambda error: seen.append(str(error)))
    sign_in("demo-officer", language=language)
    suffix = "zh" if language == "zh-hans" else "en"
    before = set(EvaluationRun.objects.filter(park__code="XQ", year=2025).values_list("pk", flat=True))
    page.goto(f"{live_server.url}/evaluation/?park=XQ&year=2025")
    screenshot(f"evaluation-background-button-{suffix}")
    name = "后台评价" if language == "zh-hans" else "Run in the background"
    page.get_by_role("button", name=name).click()
    job = Job.objects.get(kind=JobKind.EVALUATION_RUN)
    page.wait_for_url(f"{live_server.url}/jobs/{job.pk}/")
    assert job.state == JobState.SUCCEEDED, job.error
    run = EvaluationRun.objects.filter(park__code="XQ", year=2025).exclude(pk__in=before).get()
    expect(page.locator(".alert-success")).to_contain_text(str(run.pk))
    screenshot(f"evaluation-job-{suffix}")
    page.locator("a#evaluation-run").click()
    page.wait_for_url(f"{live_server.url}/evaluation/?park=XQ&year=2025#run-{run.pk}")
    expect(page.locator(f"#run-{run.pk}")).to_be_visible()
    assert seen == []
