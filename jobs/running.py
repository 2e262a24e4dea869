"""How a job is queued, claimed by one worker, kept alive, and finished (docs/jobs.md).

A worker claims a queued job with a locked read, then writes a heartbeat while it runs; a job whose
heartbeat is older than PARKLAND_JOB_LEASE_SECONDS has lost its worker and is marked failed (or
claimed again when its message comes back), so no job stays "running" for ever.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from time import monotonic

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from .models import Job, JobState, job_storage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 2
PROGRESS_EVERY_SECONDS = 0.5


class JobFailed(Exception):
    """A job that cannot finish for a reason the user can act on; the message is shown as it is."""

    def __init__(self, message: str, *, data: dict | None = None):
        super().__init__(message)
        self.message = message
        self.data = data


@dataclass
class Outcome:
    """What a finished job leaves: a file to download (bytes or an open file), data, a last message."""

    file_name: str = ""
    content: bytes | File | None = None
    data: dict | None = None
    message: str = ""


@dataclass
class Progress:
    """Writes a running job's progress, at most twice a second, with its heartbeat."""

    job: Job
    alias: str = "default"
    _written_at: float = field(default=0.0, repr=False)

    def start(self, total: int, message: str = "") -> None:
        self.job.total, self.job.done = max(0, total), 0
        if message:
            self.job.message = message[:200]
        self._write()

    def advance(self, done: int, message: str = "") -> None:
        self.job.done = min(done, self.job.total) if self.job.total else 0
        if message:
            self.job.message = message[:200]
        if monotonic() - self._written_at >= PROGRESS_EVERY_SECONDS:
            self._write()

    def counted(self, rows: Iterable, *, total: int, message: str = "") -> Iterator:
        """`rows` again, the progress advancing as they are read."""
        self.start(total, message)
        done = 0
        for done, row in enumerate(rows, 1):
            yield row
            self.advance(done)
        self.advance(done)
        self._write()

    def _write(self) -> None:
        self._written_at = monotonic()
        Job.objects.using(self.alias).filter(pk=self.job.pk, state=JobState.RUNNING).update(
            done=self.job.done, total=self.job.total, message=self.job.message, heartbeat_at=timezone.now()
        )


def progress_alias() -> str:
    """The database connection progress is written through: a second one where settings give it, so
    that progress made inside a long transaction (the ledger import) is seen while it runs."""
    return "jobs" if "jobs" in settings.DATABASES else "default"


def start(job: Job) -> Job:
    """Run `job`: queued on the broker once its row is committed, or here and now without a broker."""
    from .tasks import run_job

    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_job.apply(args=[job.pk])
        job.refresh_from_db()
        return job

    def send():
        try:
            run_job.delay(job.pk)
        except Exception:  # the broker is down: the job must not wait for ever
            logger.exception("job %s could not be queued", job.pk)
            with translation.override(job.language):
                fail(
                    job.pk,
                    gettext("The job queue cannot be reached, so the job did not start. Try again later."),
                )

    transaction.on_commit(send)
    return job


def claim(job_id: int) -> Job | None:
    """Take a queued job, or a running one whose worker has gone silent; None if it is not ours to run."""
    now = timezone.now()
    lease = timedelta(seconds=settings.PARKLAND_JOB_LEASE_SECONDS)
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return None
        stalled = job.state == JobState.RUNNING and job.heartbeat_at < now - lease
        if job.state != JobState.QUEUED and not stalled:
            return None
        if job.attempts >= MAX_ATTEMPTS:
            with translation.override(job.language):
                _fail_locked(job, stopped_message(), now=now)
            return None
        job.state, job.heartbeat_at, job.attempts = JobState.RUNNING, now, job.attempts + 1
        job.started_at = job.started_at or now
        job.done = 0
        job.save(update_fields=["state", "heartbeat_at", "attempts", "started_at", "done"])
        return job


def stopped_message() -> str:
    return gettext(
        "The worker running this job stopped before it finished (the server restarted or ran out of "
        "memory). Nothing of it was kept; start it again."
    )


def _expiry(now):
    return now + timedelta(days=settings.PARKLAND_JOB_KEEP_DAYS)


def _fail_locked(job: Job, message: str, *, now, data: dict | None = None) -> None:
    job.state, job.error, job.finished_at, job.expires_at = JobState.FAILED, message, now, _expiry(now)
    job.result_file = ""
    if data is not None:
        job.result_data = data
    job.save()


def fail(job_id: int, message: str, *, data: dict | None = None) -> bool:
    """Mark an unfinished job failed with `message`; False if it had already finished."""
    now = timezone.now()
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return False
        _fail_locked(job, message, now=now, data=data)
        return True


def succeed(job: Job, outcome: Outcome) -> bool:
    """Store the result file and mark the job succeeded; the file is removed again if the job was
    taken from this worker meanwhile (marked failed), so no result is left without its row."""
    name = ""
    if outcome.content is not None:
        content = outcome.content if isinstance(outcome.content, File) else ContentFile(outcome.content)
        name = job_storage().save(f"jobs/{job.pk}/{secrets.token_hex(8)}", content)
    now = timezone.now()
    updated = Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
        state=JobState.SUCCEEDED,
        result_file=name,
        result_name=outcome.file_name[:200],
        result_data=outcome.data,
        message=(outcome.message or job.message)[:200],
        done=job.total,
        heartbeat_at=now,
        finished_at=now,
        expires_at=_expiry(now),
    )
    if not updated and name:
        job_storage().delete(name)
    return bool(updated)


class Heartbeat:
    """While a job runs on a worker, a thread writes its heartbeat every sixth of the lease, on its own
    connection, so a long step without progress (reading a sheet, drawing a PDF) keeps the lease."""

    def __init__(self, job: Job):
        self.job = job
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self):
        if not settings.CELERY_TASK_ALWAYS_EAGER and connection.vendor != "sqlite":
            self.thread = threading.Thread(
                target=self._beat, daemon=True, name=f"job-{self.job.pk}-heartbeat"
            )
            self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=10)

    def _beat(self) -> None:
        interval = max(1.0, settings.PARKLAND_JOB_LEASE_SECONDS / 6)
        try:
            while not self.stop.wait(interval):
                try:
                    Job.objects.filter(pk=self.job.pk, state=JobState.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    logger.warning("job %s: heartbeat not written", self.job.pk, exc_info=True)
        finally:
            close_old_connections()
            connection.close()


def run(job_id: int, work: Callable[[Job, Progress], Outcome]) -> None:
    """Claim the job, run `work` in the job's language with a heartbeat, and record how it ended."""
    job = claim(job_id)
    if job is None:
        return
    progress = Progress(job, alias=progress_alias())
    with translation.override(job.language), Heartbeat(job):
        try:
            outcome = work(job, progress)
        except JobFailed as error:
            fail(job.pk, error.message, data=error.data)
        except Exception as error:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            fail(
                job.pk,
                gettext("The job stopped on an unexpected error (%(error)s); tell the system administrator.")
                % {"error": type(error).__name__},
            )
        else:
            succeed(job, outcome)


def sweep(now=None) -> tuple[int, int]:
    """Mark jobs that lost their worker failed, and remove expired jobs with their files.

    Returns (stalled jobs failed, expired jobs removed)."""
    now = now or timezone.now()
    stalled = 0
    for job in Job.objects.stalled(now).only("pk", "language"):
        with translation.override(job.language):
            stalled += fail(job.pk, stopped_message())
    removed = 0
    for job in Job.objects.expired(now).only("pk", "input_file", "result_file"):
        for name in (job.input_file.name, job.result_file.name):
            if name:
                job_storage().delete(name)
        job.delete()
        removed += 1
    return stalled, removed
