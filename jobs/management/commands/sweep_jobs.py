"""Remove the jobs kept past PARKLAND_JOB_KEEP_DAYS with their files, and fail the jobs whose worker
went silent; `celery beat` runs the same every ten minutes (docs/jobs.md)."""

from django.core.management.base import BaseCommand

from jobs.running import sweep


class Command(BaseCommand):
    help = "Remove expired background jobs and their files; mark jobs whose worker stopped as failed."

    def handle(self, *args, **options):
        stalled, removed = sweep()
        self.stdout.write(f"{stalled} stalled job(s) marked failed, {removed} expired job(s) removed.")
