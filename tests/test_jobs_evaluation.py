"""The 亩均 evaluation run as a background job (docs/jobs.md): the same run as the page's button,
the same permission, its steps as progress, its failure said in the asker's language."""

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from evaluation.models import EvaluationResult, EvaluationRun, RunState
from jobs import running
from jobs.models import Job, JobKind, JobState
from tests.worlds.evaluation import World, client_for, imported

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def start(client: Client, data: dict) -> Job:
    response = client.post("/jobs/start/evaluation-run/", data)
    assert response.status_code == 302, response.content[:500]
    job = Job.objects.latest("pk")
    assert response["Location"] == f"/jobs/{job.pk}/"
    return job


def graded(run: EvaluationRun) -> list[tuple]:
    return list(
        EvaluationResult.objects.filter(run=run)
        .order_by("enterprise_id")
        .values_list("enterprise_id", "group", "grade", "score", "rank", "land_m2", "tax_wan", "indicators")
    )


def test_the_job_stores_the_run_the_button_would_with_the_same_classes_and_scores(world):
    imported(world)
    officer = client_for(world.officer)
    assert officer.post("/evaluation/run/", {"park": "HZ", "year": "2024"}).status_code == 302
    by_button = EvaluationRun.objects.get()

    job = start(officer, {"park": "HZ", "year": "2024"})
    assert job.kind == JobKind.EVALUATION_RUN and job.park == world.park and job.user == world.officer
    assert job.state == JobState.SUCCEEDED, job.error
    by_job = EvaluationRun.objects.exclude(pk=by_button.pk).get()
    assert by_job.state == RunState.DRAFT and by_job.run_by == world.officer
    assert (by_job.park, by_job.year, by_job.enterprise_count) == (world.park, 2024, 4)
    assert by_job.inputs_sha256 == by_button.inputs_sha256
    assert by_job.benchmarks == by_button.benchmarks
    assert graded(by_job) == graded(by_button) and len(graded(by_job)) == 4
    # The three steps, then the run as the result, linked from the job's page.
    assert (job.done, job.total) == (3, 3)
    assert job.result_data["run"] == by_job.pk and job.result_data["enterprise_count"] == 4
    page = officer.get(f"/jobs/{job.pk}/").content.decode()
    assert f"/evaluation/?park=HZ&amp;year=2024#run-{by_job.pk}" in page
    assert f'id="run-{by_job.pk}"' in officer.get("/evaluation/?park=HZ&year=2024").content.decode()
    assert not job.result_file


def test_the_evaluation_page_offers_the_background_run_to_officers_only(world):
    imported(world)
    assert (
        "/jobs/start/evaluation-run/"
        in client_for(world.officer).get("/evaluation/?park=HZ").content.decode()
    )
    assert (
        "/jobs/start/evaluation-run/"
        not in client_for(world.viewer).get("/evaluation/?park=HZ").content.decode()
    )


def test_a_viewer_or_another_parks_officer_starts_no_evaluation_job(world):
    imported(world)
    assert (
        client_for(world.viewer)
        .post("/jobs/start/evaluation-run/", {"park": "HZ", "year": "2024"})
        .status_code
        == 403
    )
    assert (
        client_for(world.stranger)
        .post("/jobs/start/evaluation-run/", {"park": "HZ", "year": "2024"})
        .status_code
        == 404
    )
    assert client_for(world.officer).get("/jobs/start/evaluation-run/").status_code == 405
    assert not Job.objects.exists() and not EvaluationRun.objects.exists()


def test_a_year_without_figures_fails_the_job_saying_why_in_chinese_and_stores_no_run(world):
    imported(world)
    officer = client_for(world.officer)
    officer.post("/i18n/setlang/", {"language": "zh-hans"})
    job = start(officer, {"park": "HZ", "year": "2019"})
    assert job.state == JobState.FAILED and job.language == "zh-hans"
    with translation.override("zh-hans"):
        expected = gettext("There are no figures for %(year)s yet: import them first.") % {"year": 2019}
    assert job.error == expected and "2019" in job.error and expected.isascii() is False
    assert not EvaluationRun.objects.exists()
    assert job.error in officer.get(f"/jobs/{job.pk}/").content.decode()
    english = client_for(world.officer)
    english.post("/i18n/setlang/", {"language": "en"})
    job = start(english, {"park": "HZ", "year": "2019"})
    assert job.state == JobState.FAILED and job.language == "en"
    assert job.error == "There are no figures for 2019 yet: import them first."


def test_an_officer_who_lost_the_role_before_the_job_ran_gets_a_failed_job(world, monkeypatch):
    imported(world)
    officer = client_for(world.officer)
    officer.post("/i18n/setlang/", {"language": "zh-hans"})
    monkeypatch.setattr(running, "start", lambda job: job)  # left queued, as on a busy worker
    job = start(officer, {"park": "HZ", "year": "2024"})
    assert job.state == JobState.QUEUED and job.language == "zh-hans"
    world.officer.memberships.update(role="viewer")
    from jobs.kinds import evaluation_run

    running.run(job.pk, evaluation_run)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == "您已无权对该园区进行评价。"
    assert not EvaluationRun.objects.exists()
