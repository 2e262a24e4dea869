"""Background jobs without a broker (run where they start): rows, results, permissions, expiry,
stalled workers, the once-per-period schedule and the reminders' log (docs/jobs.md)."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from cases.models import DisposalCase, Membership
from jobs import running, tasks
from jobs.models import Job, JobKind, JobState, ReminderLog, ReminderOptOut, ScheduledRun, job_storage
from tests import factories
from tests.worlds import evidence as evidence_world
from tests.worlds.exports import body
from tests.worlds.ledger import case_row, xlsx

pytestmark = pytest.mark.django_db
R = Membership.Role


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


@pytest.fixture
def world():
    park = factories.make_park(code="HZ", name="海洲工业园")
    other = factories.make_park(code="QT", name="其他园区")
    users = {
        "admin": factories.make_user(username="hz-admin", park=park, role=R.PARK_ADMIN),
        "officer": factories.make_user(username="hz-officer", park=park, role=R.OFFICER),
        "viewer": factories.make_user(username="hz-viewer", park=park, role=R.VIEWER),
        "stranger": factories.make_user(username="qt-officer", park=other, role=R.OFFICER),
    }
    for index in range(3):
        factories.make_case(park=park, opened_on=date(2022, 1, 10 + index))
    factories.make_case(park=other)
    return {"park": park, "other": other, **users}


def start(client, path: str, data: dict) -> Job:
    response = client.post(path, data)
    assert response.status_code == 302, response.content[:500]
    job = Job.objects.latest("pk")
    assert response["Location"] == f"/jobs/{job.pk}/"
    return job


# Exports and reports ------------------------------------------------------------------------------


def test_a_background_case_export_writes_the_filtered_list_and_only_its_owner_downloads_it(client, world):
    client.force_login(world["officer"])
    job = start(client, "/jobs/start/export/", {"list": "cases", "format": "xlsx", "query": "sort=number"})
    assert job.state == JobState.SUCCEEDED
    assert (job.done, job.total) == (3, 3)
    assert job.expires_at == job.finished_at + timedelta(days=settings.PARKLAND_JOB_KEEP_DAYS)
    response = client.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == sorted(c.number for c in DisposalCase.objects.filter(parcel__park=world["park"]))

    for intruder in ("viewer", "stranger"):
        client.force_login(world[intruder])
        assert client.get(f"/jobs/{job.pk}/").status_code == 404
        assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
        assert client.get(f"/jobs/{job.pk}/status.json").status_code == 404
    client.force_login(world["stranger"])
    assert client.get("/jobs/").context["jobs"].count() == 0


def test_a_ledger_export_in_the_background_is_the_ledger_the_page_would_give(client, world):
    client.force_login(world["officer"])
    job = start(client, "/jobs/start/export/", {"list": "cases", "format": "ledger", "query": ""})
    assert job.kind == JobKind.LEDGER_EXPORT and job.state == JobState.SUCCEEDED
    page = client.get("/cases/export.ledger.xlsx")

    def rows(data: bytes):
        return list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))

    assert rows(body(client.get(f"/jobs/{job.pk}/download/"))) == rows(body(page))


def test_an_unknown_export_or_report_format_is_refused_and_starts_nothing(client, world):
    client.force_login(world["officer"])
    assert client.post("/jobs/start/export/", {"list": "users", "format": "csv"}).status_code == 404
    assert client.post("/jobs/start/export/", {"list": "parcels", "format": "ledger"}).status_code == 404
    assert client.post("/jobs/start/report/", {"format": "docx"}).status_code == 404
    response = client.post("/jobs/start/report/", {"format": "xlsx", "query": "year=abc"}, follow=True)
    assert zh("The year must be a number such as %(year)s.").split("%")[0] in response.content.decode()
    assert client.get("/jobs/start/export/").status_code == 405
    assert not Job.objects.exists()


def test_a_park_report_job_is_downloadable_by_its_park_administrator_and_not_by_other_members(client, world):
    client.force_login(world["viewer"])
    job = start(client, "/jobs/start/report/", {"format": "xlsx", "query": "year=2022&park=HZ"})
    assert job.state == JobState.SUCCEEDED and job.park == world["park"]
    assert job.result_name == "disposal-report-HZ-2022.xlsx"
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 200
    client.force_login(world["admin"])
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 200
    client.force_login(world["officer"])
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    client.force_login(world["stranger"])
    response = client.post("/jobs/start/report/", {"format": "xlsx", "query": "year=2022&park=HZ"})
    assert response.status_code == 404  # another park's report: not even its existence


def test_the_case_file_as_a_job_holds_the_documents_and_records_the_export_in_custody(client):
    world = evidence_world.build_world()
    client.force_login(world.officer)
    evidence_world.upload(client, world.case, [("勘查.pdf", evidence_world.pdf_bytes("job"))])
    job = start(client, f"/jobs/start/evidence-zip/{world.case.number}/", {})
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.park == world.park and job.percent == 100
    archive = zipfile.ZipFile(io.BytesIO(body(client.get(f"/jobs/{job.pk}/download/"))))
    names = archive.namelist()
    assert names[:2] == ["index.csv", "index.html"] and names[2].endswith("勘查.pdf")
    assert archive.read(names[2]) == evidence_world.pdf_bytes("job")
    document = world.case.documents.get()
    assert document.custody.filter(action="exported", actor=world.officer).count() == 1
    assert document.custody.filter(action="downloaded", actor=world.officer).count() == 1
    client.force_login(world.other_officer)
    assert client.post(f"/jobs/start/evidence-zip/{world.case.number}/").status_code == 404


# The ledger -----------------------------------------------------------------------------------------


def check_in_background(client, data: bytes, name: str = "海洲台账.xlsx") -> Job:
    return start(client, "/jobs/start/ledger-check/", {"file": SimpleUploadedFile(name, data), "park": ""})


def test_a_ledger_checked_then_imported_in_the_background_writes_every_row_once(client, world):
    client.force_login(world["admin"])
    check = check_in_background(client, xlsx([case_row(1), case_row(2)]))
    assert check.state == JobState.SUCCEEDED, check.error
    assert check.result_data["rows"][0]["outcome"] == "created"
    assert DisposalCase.objects.filter(parcel__code__startswith="HZ-0").count() == 0
    page = client.get(f"/jobs/{check.pk}/")
    assert page.context["can_import"]
    imported = start(client, f"/jobs/{check.pk}/import/", {})
    assert imported.state == JobState.SUCCEEDED, imported.error
    assert imported.source == check and imported.park is None
    assert DisposalCase.objects.filter(parcel__code__in=["HZ-001", "HZ-002"]).count() == 2
    assert not job_storage().exists(imported.input_file.name)  # the upload goes once imported
    # A second click finds the import already made, and imports nothing again.
    response = client.post(f"/jobs/{check.pk}/import/")
    assert response.status_code == 302
    assert Job.objects.filter(kind=JobKind.LEDGER_IMPORT).count() == 1
    assert DisposalCase.objects.filter(parcel__code__in=["HZ-001", "HZ-002"]).count() == 2


def test_a_ledger_refused_at_import_fails_the_job_in_chinese_and_writes_nothing(client, world):
    client.force_login(world["admin"])
    check = check_in_background(client, xlsx([case_row(1)]))
    # Meanwhile the officer named in the file loses the park: the import refuses the row.
    Membership.objects.filter(user=world["officer"]).delete()
    before = DisposalCase.objects.count()
    imported = start(client, f"/jobs/{check.pk}/import/", {})
    assert imported.state == JobState.FAILED
    assert imported.error == zh(
        "Nothing was imported: the ledger changed since the check, and some rows are now refused."
    )
    assert imported.result_data["rows"][0]["outcome"] == "refused"
    assert not imported.result_file
    assert DisposalCase.objects.count() == before


def test_only_a_park_administrator_checks_a_ledger_and_a_bad_upload_starts_no_job(client, world):
    client.force_login(world["officer"])
    response = client.post("/jobs/start/ledger-check/", {"file": SimpleUploadedFile("a.xlsx", b"x")})
    assert response.status_code == 403
    client.force_login(world["admin"])
    response = client.post("/jobs/start/ledger-check/", {"park": ""}, follow=True)
    assert response.redirect_chain[-1][0] == "/import/"
    assert not Job.objects.exists()


def test_an_unreadable_ledger_fails_its_check_saying_why_in_the_users_language(client, world):
    client.force_login(world["admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    check = check_in_background(client, b"not a spreadsheet at all", name="ledger.xlsx")
    assert check.language == "en"
    assert check.state == JobState.SUCCEEDED  # the check ran; its report refuses the file
    assert check.result_data["errors"]
    assert not client.get(f"/jobs/{check.pk}/").context["can_import"]


# The row's rules --------------------------------------------------------------------------------------


def test_the_database_refuses_a_job_in_an_impossible_state(world):
    now = timezone.now()
    impossible = [
        {"state": JobState.RUNNING},  # running without a start and a heartbeat
        {"state": JobState.FAILED, "finished_at": now, "expires_at": now},  # failed without a reason
        {"state": JobState.SUCCEEDED, "finished_at": now, "expires_at": now},  # succeeded, never started
        {"state": JobState.QUEUED, "result_file": "jobs/1/x"},  # a result before it ran
        {"state": JobState.QUEUED, "done": 5, "total": 3},
        {"state": "paused"},
        {"kind": "mining"},
        {"language": "fr"},
    ]
    for fields in impossible:
        with pytest.raises(IntegrityError), transaction.atomic():
            Job.objects.create(**{"kind": JobKind.REPORT, "title": "x", **fields})
    Job.objects.create(kind=JobKind.REPORT, title="a queued job is fine")


def test_a_job_whose_worker_went_silent_fails_in_its_language_when_looked_at_or_swept(
    client, world, settings
):
    settings.PARKLAND_JOB_LEASE_SECONDS = 60
    long_ago = timezone.now() - timedelta(minutes=5)
    common = {"kind": JobKind.REPORT, "user": world["officer"], "title": "x", "state": JobState.RUNNING}
    looked_at = Job.objects.create(**common, created_at=long_ago, started_at=long_ago, heartbeat_at=long_ago)
    swept = Job.objects.create(**common, created_at=long_ago, started_at=long_ago, heartbeat_at=long_ago)
    now = timezone.now()
    alive = Job.objects.create(**common, created_at=now, started_at=now, heartbeat_at=now)
    client.force_login(world["officer"])
    status = client.get(f"/jobs/{looked_at.pk}/status.json").json()
    assert status["state"] == "failed" and status["finished"]
    assert status["error"] == zh(
        "The worker running this job stopped before it finished (the server restarted or ran out of "
        "memory). Nothing of it was kept; start it again."
    )
    out = io.StringIO()
    call_command("sweep_jobs", stdout=out)
    assert "1 stalled job(s) marked failed" in out.getvalue()
    swept.refresh_from_db()
    alive.refresh_from_db()
    assert swept.state == JobState.FAILED and alive.state == JobState.RUNNING
    # A stalled job claimed again by a returning message runs once more, then never again.
    assert running.claim(alive.pk) is None


def test_an_expired_job_goes_with_its_files_and_a_kept_one_stays(client, world, settings):
    client.force_login(world["officer"])
    kept = start(client, "/jobs/start/export/", {"list": "parcels", "format": "csv", "query": ""})
    gone = start(client, "/jobs/start/export/", {"list": "cases", "format": "csv", "query": ""})
    Job.objects.filter(pk=gone.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert job_storage().exists(gone.result_file.name)
    assert running.sweep() == (0, 1)
    assert not job_storage().exists(gone.result_file.name)
    assert list(Job.objects.values_list("pk", flat=True)) == [kept.pk]
    assert job_storage().exists(kept.result_file.name)


def test_an_unexpected_error_fails_the_job_with_a_message_and_leaves_no_file(client, world, monkeypatch):
    from jobs import kinds

    def broken(job, progress):
        raise ZeroDivisionError

    monkeypatch.setitem(kinds.WORK, JobKind.LIST_EXPORT, broken)
    client.force_login(world["officer"])
    job = start(client, "/jobs/start/export/", {"list": "cases", "format": "csv", "query": ""})
    assert job.state == JobState.FAILED and not job.result_file
    expected = zh("The job stopped on an unexpected error (%(error)s); tell the system administrator.")
    assert job.error == expected % {"error": "ZeroDivisionError"}
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404


def test_a_job_that_cannot_reach_the_broker_fails_instead_of_waiting_for_ever(
    world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr(tasks.run_job, "delay", unreachable)
    job = Job.objects.create(kind=JobKind.REPORT, user=world["officer"], title="x")
    with django_capture_on_commit_callbacks(execute=True):
        running.start(job)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == zh("The job queue cannot be reached, so the job did not start. Try again later.")


# Pages --------------------------------------------------------------------------------------------------


def test_my_jobs_lists_in_a_fixed_number_of_queries_and_park_admins_see_their_parks_jobs(
    client, world, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for _index in range(count):
            Job.objects.create(kind=JobKind.REPORT, user=world["viewer"], park=world["park"], title="x")

    client.force_login(world["admin"])
    add(1)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/jobs/").status_code == 200
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/jobs/")
    assert len(response.context["jobs"]) == 21
    client.force_login(world["officer"])
    assert len(client.get("/jobs/").context["jobs"]) == 0


def test_the_status_answers_the_progress_bar(client, world):
    now = timezone.now()
    job = Job.objects.create(
        kind=JobKind.LEDGER_CHECK,
        user=world["admin"],
        title="x",
        state=JobState.RUNNING,
        created_at=now,
        started_at=now,
        heartbeat_at=now,
        done=40,
        total=160,
        message="检查各行",
    )
    client.force_login(world["admin"])
    status = client.get(f"/jobs/{job.pk}/status.json").json()
    assert status == {
        "id": job.pk,
        "state": "running",
        "state_label": zh("running"),
        "done": 40,
        "total": 160,
        "percent": 25,
        "message": "检查各行",
        "error": "",
        "finished": False,
        "download_url": None,
    }
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f'data-job-status-url="/jobs/{job.pk}/status.json"' in page
    assert '<progress class="w-100" id="job-bar" max="100" value="25">' in page
    assert "/static/jobs/progress.js" in page


# Scheduled work and reminders ------------------------------------------------------------------------


def test_month_start_reports_run_once_per_month_however_many_beats_ask(world):
    first = tasks.month_start_reports("2026-12-01")
    assert len(first) == 4  # two parks, PDF and XLSX
    assert tasks.month_start_reports("2026-12-01") == []
    assert ScheduledRun.objects.get().period == "2026-11"
    reports = Job.objects.filter(kind=JobKind.REPORT)
    assert reports.count() == 4
    assert set(reports.values_list("state", flat=True)) == {JobState.SUCCEEDED}
    assert reports.filter(park=world["park"], user=None).count() == 2


def officer_with_overdue_deadline(world):
    officer = world["officer"]
    officer.email = "officer@example.cn"
    officer.save()
    case = factories.make_case(park=world["park"], status="investigating", officer=officer)
    factories.make_event(
        case=case, kind="notice_served", occurred_on=timezone.localdate() - timedelta(days=60)
    )
    return officer


def test_weekday_reminders_send_each_deadline_once_a_day_and_respect_an_opt_out(client, world):
    officer = officer_with_overdue_deadline(world)
    today = timezone.localdate().isoformat()
    assert tasks.weekday_reminders(today) is not None
    assert tasks.weekday_reminders(today) is None  # a second beat the same day
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.filter(officer=officer, kind="overdue").exists()
    # The command by hand the same day sends nothing again.
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert len(mail.outbox) == 1
    assert "0" in out.getvalue().splitlines()[-1]
    # Tomorrow it would be sent again, unless the officer opted out of overdue deadlines.
    ReminderLog.objects.update(sent_on=timezone.localdate() - timedelta(days=1))
    client.force_login(officer)
    response = client.post("/reminders/", {"kind": ["due_soon", "commitment"]})
    assert response.status_code == 302
    assert list(ReminderOptOut.objects.filter(user=officer).values_list("kind", flat=True)) == ["overdue"]
    call_command("send_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    client.post("/reminders/", {"kind": ["due_soon", "overdue", "commitment"]})
    assert not ReminderOptOut.objects.filter(user=officer).exists()
    call_command("send_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 2


def test_the_database_keeps_one_reminder_per_officer_kind_deadline_and_day(world):
    fields = {"officer": world["officer"], "kind": "overdue", "subject": "HZ-2022-001:reply:1:2022-02-01"}
    ReminderLog.objects.create(**fields, sent_on=date(2026, 11, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderLog.objects.create(**fields, sent_on=date(2026, 11, 30))
    ReminderLog.objects.create(**fields, sent_on=date(2026, 12, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduledRun.objects.create(kind="weekday_reminders", period="30/11/2026")


def test_an_unknown_reminder_kind_is_refused_and_changes_nothing(client, world):
    client.force_login(world["officer"])
    response = client.post("/reminders/", {"kind": ["overdue", "fireworks"]}, follow=True)
    assert "fireworks" in response.content.decode()
    assert not ReminderOptOut.objects.exists()


def test_the_admin_shows_jobs_schedule_and_reminders_read_only_to_superusers_only(client, world):
    Job.objects.create(kind=JobKind.REPORT, user=world["officer"], title="x")
    paths = [f"/admin/jobs/{name}/" for name in ("job", "scheduledrun", "reminderlog", "reminderoptout")]
    client.force_login(factories.make_user(is_staff=True, is_superuser=True))
    for path in paths:
        assert client.get(path).status_code == 200, path
    assert client.get(f"/admin/jobs/job/{Job.objects.get().pk}/change/").status_code == 200
    assert client.get("/admin/jobs/job/add/").status_code == 403
    staff = world["admin"]
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    for path in paths:
        assert client.get(path).status_code == 403, path


def test_a_checks_page_costs_the_same_queries_for_a_ledger_of_2_or_40_rows(
    client, world, django_assert_max_num_queries
):
    client.force_login(world["admin"])
    small = check_in_background(client, xlsx([case_row(n) for n in range(1, 3)]))
    large = check_in_background(client, xlsx([case_row(n, officer="nobody") for n in range(1, 41)]))
    with django_assert_max_num_queries(20) as counted:
        assert client.get(f"/jobs/{small.pk}/").status_code == 200
    with django_assert_max_num_queries(len(counted.captured_queries)):
        page = client.get(f"/jobs/{large.pk}/")
    assert len(page.context["refused_rows"]) == 40 and not page.context["can_import"]


def test_a_ledger_upload_the_storage_refuses_leaves_no_job_behind(client, world, monkeypatch):
    storage = job_storage()

    def full(name, content, max_length=None):
        raise OSError("No space left on device")

    monkeypatch.setattr(storage, "save", full)
    monkeypatch.setattr("jobs.views.job_storage", lambda: storage)
    client.force_login(world["admin"])
    with pytest.raises(OSError):
        check_in_background(client, xlsx([case_row(1)]))
    assert not Job.objects.exists()
