"""E-mail each case officer one digest of their deadlines that are overdue or fall due soon, and each
park's supervisors and administrators one of the grant commitments that warn (evaluation/reminders.py,
registered with jobs.reminders).

The work is jobs.reminders.send_reminders, which the weekday schedule also runs (docs/jobs.md): a
deadline or commitment already put in someone's digest today is not sent again, and anyone may opt out
of a kind. Officers without an e-mail address are listed as skipped; --dry-run prints each digest.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from jobs.reminders import RemindersRefused, send_reminders


class Command(BaseCommand):
    help = "E-mail each case officer a digest of their overdue deadlines and those due within --days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PARKLAND_DUE_SOON_DAYS,
            help="Include deadlines falling due within this many days (default %(default)s).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the digests instead of sending them."
        )

    def handle(self, *args, days: int, dry_run: bool, **options):
        # Said in the park's language, as the digests are, whatever the shell's locale.
        with translation.override(settings.LANGUAGE_CODE):
            try:
                send_reminders(days=days, dry_run=dry_run, write=self.stdout.write)
            except RemindersRefused as error:
                raise CommandError(str(error)) from error
