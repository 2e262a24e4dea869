"""The Celery tasks: a job's run, the sweep of expired and stalled jobs, and the scheduled work.

The scheduled tasks run from one `celery beat`; each first writes its (kind, period) `ScheduledRun`,
which the database lets exist once, so a second beat or a repeated message does nothing.
"""

from __future__ import annotations

import logging
import socket
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import running
from .models import Job, JobKind, JobState, ScheduledKind, ScheduledRun

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def run_job(self, job_id: int) -> None:
    """Run one job. A message given back after its worker died finds the job still "running" with a
    fresh heartbeat: it looks again once the lease has run out, and then claims it or leaves it."""
    from .kinds import WORK

    job = Job.objects.filter(pk=job_id).only("kind", "state").first()
    if job is None:
        return
    redelivered = bool(self.request.delivery_info and self.request.delivery_info.get("redelivered"))
    if redelivered and job.state == JobState.RUNNING and not Job.objects.stalled().filter(pk=job_id).exists():
        raise self.retry(countdown=settings.PARKLAND_JOB_LEASE_SECONDS + 1)
    running.run(job_id, WORK[job.kind])


@shared_task
def sweep_jobs() -> dict:
    """Fail the jobs whose worker went silent; remove the jobs (and files) kept past their time."""
    stalled, removed = running.sweep()
    return {"stalled": stalled, "removed": removed}


def once(kind: str, period: str) -> ScheduledRun | None:
    """The run of `kind` for `period`, if this caller is the first to take it; None otherwise."""
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(kind=kind, period=period, host=socket.gethostname()[:200])
    except IntegrityError:
        logger.info("%s %s already ran", kind, period)
        return None


@shared_task
def month_start_reports(today: str | None = None) -> list[int]:
    """On the first of a month: each park's monthly report of the month just closed, PDF and XLSX,
    kept as jobs that the park's administrators find under /jobs/."""
    from cases.models import Park

    day = timezone.localdate() if today is None else timezone.datetime.fromisoformat(today).date()
    closed = day.replace(day=1) - timedelta(days=1)
    run = once(ScheduledKind.MONTH_START_REPORTS, f"{closed:%Y-%m}")
    if run is None:
        return []
    jobs = []
    for park in Park.objects.order_by("code"):
        for fmt in ("pdf", "xlsx"):
            job = Job.objects.create(
                kind=JobKind.REPORT,
                park=park,
                language=settings.LANGUAGE_CODE,
                title=f"{park.code} {closed:%Y-%m} {fmt.upper()}",
                parameters={
                    "year": closed.year,
                    "park": park.code,
                    "as_of": closed.isoformat(),
                    "format": fmt,
                },
            )
            jobs.append(job)
    run.jobs.set(jobs)
    for job in jobs:
        running.start(job)
    return [job.pk for job in jobs]


@shared_task
def weekday_reminders(today: str | None = None) -> int | None:
    """On a weekday morning: the deadline reminders, once for the day however many beats run."""
    day = timezone.localdate() if today is None else timezone.datetime.fromisoformat(today).date()
    run = once(ScheduledKind.WEEKDAY_REMINDERS, day.isoformat())
    if run is None:
        return None
    job = Job.objects.create(
        kind=JobKind.REMINDERS, language=settings.LANGUAGE_CODE, title=day.isoformat(), parameters={}
    )
    run.jobs.set([job])
    running.start(job)
    return job.pk
