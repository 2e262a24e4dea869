"""A real Celery worker against Redis and PostgreSQL: a job goes queued → running (with progress) →
succeeded, and a worker killed in the middle of a ledger import leaves the job failed and the
ledger untouched (docs/jobs.md). Needs redis-server on 127.0.0.1:6379 and DATABASE_URL on PostgreSQL."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import translation

from cases.models import DisposalCase, Membership
from jobs import running
from jobs.models import Job, JobKind, JobState, job_storage
from tests import factories
from tests.worlds.ledger import case_row, xlsx

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
REDIS = "redis://127.0.0.1:6379/14"
LEASE_SECONDS = 4


def redis_is_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def worker(settings):
    """A worker process (own session, so it and its pool child are killed together) on a queue of
    this test's own, reading the test database and the test's private storage."""
    if not redis_is_up():
        pytest.skip("redis-server is not running on 127.0.0.1:6379")
    settings.PARKLAND_JOB_LEASE_SECONDS = LEASE_SECONDS
    queue = f"parkland-test-{secrets.token_hex(4)}"
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CELERY_BROKER_URL": REDIS,
        "PARKLAND_REDIS_URL": "",
        "PARKLAND_JOBS_QUEUE": queue,
        "PARKLAND_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "PARKLAND_PRIVATE_ROOT": settings.STORAGES["private"]["OPTIONS"]["location"],
        "PARKLAND_EVIDENCE_ROOT": settings.STORAGES["evidence"]["OPTIONS"]["location"],
        "DJANGO_SECRET_KEY": "parkland-tests-only-not-a-secret",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "parkland",
            "worker",
            "--concurrency=1",
            "--loglevel=warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    sender = Celery("parkland-test", broker=REDIS)
    yield process, lambda job: sender.send_task("jobs.tasks.run_job", args=[job.pk], queue=queue)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    sender.close()


def ledger_job(kind: str, rows: int) -> Job:
    park = factories.make_park(code="HZ", name="海洲工业园")
    admin = factories.make_user(username="hz-admin", park=park, role=Membership.Role.PARK_ADMIN)
    factories.make_user(username="hz-officer", park=park, role=Membership.Role.OFFICER)
    job = Job.objects.create(
        kind=kind, user=admin, title="海洲台账.xlsx", parameters={"file_name": "海洲台账.xlsx", "park": ""}
    )
    data = xlsx([case_row(n) for n in range(1, rows + 1)])
    job.input_file.name = job_storage().save(f"jobs/{job.pk}/input", ContentFile(data))
    job.save(update_fields=["input_file"])
    return job


def watch(job: Job, *, until, timeout: float = 120) -> list[tuple[str, int, int]]:
    """The (state, done, total) the job passes through, read every 50 ms until `until(job)`."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        step = (job.state, job.done, job.total)
        if not seen or seen[-1] != step:
            seen.append(step)
        if until(job):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"the job did not get there in {timeout} s: {seen[-5:]}, {job.error}")


def test_a_worker_takes_a_job_from_queued_through_running_with_progress_to_succeeded(worker):
    _process, send = worker
    job = ledger_job(JobKind.LEDGER_CHECK, rows=3000)
    assert job.state == JobState.QUEUED
    send(job)
    seen = watch(job, until=lambda j: j.finished)
    assert job.state == JobState.SUCCEEDED, job.error
    states = [state for state, _done, _total in seen]
    assert states[0] == "queued" and states[-1] == "succeeded" and "running" in states
    assert any(state == "running" and 0 < done < total for state, done, total in seen), seen
    assert job.result_data["counts"] and job.result_file
    assert job.attempts == 1 and job.started_at <= job.heartbeat_at <= job.finished_at


def test_a_worker_killed_mid_import_leaves_the_job_failed_and_nothing_imported(worker):
    process, send = worker
    job = ledger_job(JobKind.LEDGER_IMPORT, rows=3000)
    send(job)
    watch(job, until=lambda j: j.state == JobState.RUNNING and j.done > 0)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    job.refresh_from_db()
    assert job.state == JobState.RUNNING  # for now: nobody has noticed yet
    time.sleep(LEASE_SECONDS + 1)
    assert running.sweep() == (1, 0)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.finished_at and job.expires_at
    with translation.override(job.language):  # the asker's language: Chinese here
        assert job.error == running.stopped_message()
    assert not DisposalCase.objects.filter(parcel__park__code="HZ").exists()
    assert settings.PARKLAND_JOB_LEASE_SECONDS == LEASE_SECONDS
