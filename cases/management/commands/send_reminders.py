"""E-mail each case officer one digest of their deadlines that are overdue or fall due soon.

Meant for cron on weekdays (the README shows the line). Officers without an e-mail address are
listed as skipped; nothing is sent with --dry-run, which prints each digest instead.
"""

from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cases.deadlines import deadlines_for, pending
from cases.models import DisposalCase
from cases.templatetags.parkland import person


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
        if days < 0:
            raise CommandError("--days cannot be negative.")
        today = timezone.localdate()
        by_officer: dict = defaultdict(list)
        unassigned = []
        for deadline in pending(deadlines_for(DisposalCase.objects.open(), today=today), days=days):
            if deadline.case.officer is None:
                unassigned.append(deadline)
            else:
                by_officer[deadline.case.officer].append(deadline)

        messages = []
        skipped = 0
        with translation.override(settings.LANGUAGE_CODE):
            for officer in sorted(by_officer, key=lambda user: user.get_username()):
                deadlines = by_officer[officer]
                who = f"{officer.get_username()} ({person(officer)})"
                if not officer.email or not officer.is_active:
                    skipped += 1
                    reason = "no e-mail address" if officer.is_active else "inactive account"
                    self.stdout.write(f"skipped  {who}: {reason}; {len(deadlines)} deadline(s)")
                    continue
                message = self.digest(officer, deadlines, today=today, days=days)
                messages.append(message)
                verb = "would send" if dry_run else "sending"
                self.stdout.write(f"{verb}  {who} <{officer.email}>: {len(deadlines)} deadline(s)")
                if dry_run:
                    self.stdout.write(f"Subject: {message.subject}\n\n{message.body}")
        for deadline in unassigned:
            self.stdout.write(f"no officer  {deadline.case.number}: {deadline.label} due {deadline.due}")

        if messages and not dry_run:
            get_connection().send_messages(messages)
        done = "would be sent" if dry_run else "sent"
        self.stdout.write(f"{len(messages)} digest(s) {done}, {skipped} officer(s) skipped.")

    def digest(self, officer, deadlines, *, today, days: int) -> EmailMessage:
        base_url = settings.PARKLAND_BASE_URL
        rows = [(deadline, base_url + deadline.case.get_absolute_url()) for deadline in deadlines]
        context = {"officer": officer, "rows": rows, "today": today, "days": days, "count": len(rows)}
        subject = render_to_string("cases/email/deadline_digest_subject.txt", context).strip()
        body = render_to_string("cases/email/deadline_digest.txt", context)
        return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [officer.email])
