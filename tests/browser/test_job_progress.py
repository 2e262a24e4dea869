"""A job's page follows the job: the progress bar moves as the worker writes, and the page shows the
result once the job has finished, under the Content-Security-Policy (docs/jobs.md)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from jobs.models import Job, JobKind, JobState

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_progress_bar_moves_with_the_job_and_the_page_shows_its_end(
    demo, live_server, page, sign_in, screenshot, language
):
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: seen.append(str(error)))
    owner = get_user_model().objects.get(username="demo-parkadmin")
    now = timezone.now()
    job = Job.objects.create(
        kind=JobKind.LEDGER_IMPORT,
        user=owner,
        title="新青园台账.xlsx",
        state=JobState.RUNNING,
        created_at=now,
        started_at=now,
        heartbeat_at=now + timedelta(minutes=10),
        done=1000,
        total=10000,
        message="正在逐行检查",
    )
    sign_in("demo-parkadmin", language=language)
    suffix = "zh" if language == "zh-hans" else "en"
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    bar = page.locator("#job-bar")
    expect(bar).to_have_attribute("value", "10")
    Job.objects.filter(pk=job.pk).update(done=6000, message="正在写入案件")
    expect(bar).to_have_attribute("value", "60", timeout=10_000)
    expect(page.locator("[data-job-count]")).to_have_text("6000 / 10000")
    screenshot(f"job-progress-{suffix}")

    finished = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        state=JobState.FAILED,
        error="无法连接任务队列，任务未能启动。请稍后重试。",
        finished_at=finished,
        expires_at=finished + timedelta(days=7),
    )
    expect(page.locator(".alert-danger")).to_contain_text("无法连接任务队列", timeout=10_000)
    expect(page.locator("#job-bar")).to_have_count(0)
    page.goto(f"{live_server.url}/jobs/")
    expect(page.locator("table")).to_contain_text("新青园台账.xlsx")
    screenshot(f"jobs-list-{suffix}")
    assert seen == []
