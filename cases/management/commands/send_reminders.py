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
from django.utils.translation import gettext as _

from cases.deadlines import shown, stored_agenda
from cases.models import CaseDeadline
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
        # Said in the park's language, as the digests are, whatever the shell's locale.
        with translation.override(settings.LANGUAGE_CODE):
            self.send(days=days, dry_run=dry_run)

    def send(self, *, days: int, dry_run: bool) -> None:
        if days < 0:
            raise CommandError(_("--days cannot be negative."))
        today = timezone.localdate()
        by_officer: dict = defaultdict(list)
        unassigned = []
        found = stored_agenda(CaseDeadline.objects.all(), today=today, days=days)
        for deadline in shown(found.overdue, today=today) + shown(found.due_soon, today=today):
            if deadline.case.officer is None:
                unassigned.append(deadline)
            else:
                by_officer[deadline.case.officer].append(deadline)

        messages = []
        skipped = 0
        for officer in sorted(by_officer, key=lambda user: user.get_username()):
            deadlines = by_officer[officer]
            who = f"{officer.get_username()} ({person(officer)})"
            if not officer.email or not officer.is_active:
                skipped += 1
                reason = _("no e-mail address") if officer.is_active else _("inactive account")
                self.stdout.write(
                    _("skipped  %(who)s: %(reason)s; %(count)s deadline(s)")
                    % {"who": who, "reason": reason, "count": len(deadlines)}
                )
                continue
            message = self.digest(officer, deadlines, today=today, days=days)
            messages.append(message)
            line = (
                _("would send  %(who)s <%(email)s>: %(count)s deadline(s)")
                if dry_run
                else _("sending  %(who)s <%(email)s>: %(count)s deadline(s)")
            )
            self.stdout.write(line % {"who": who, "email": officer.email, "count": len(deadlines)})
            if dry_run:
                self.stdout.write(
                    _("Subject: %(subject)s") % {"subject": message.subject} + f"\n\n{message.body}"
                )
        for deadline in unassigned:
            self.stdout.write(
                _("no officer  %(number)s: %(deadline)s due %(due)s")
                % {"number": deadline.case.number, "deadline": deadline.label, "due": deadline.due}
            )

        if messages and not dry_run:
            get_connection().send_messages(messages)
        summary = (
            _("%(sent)s digest(s) would be sent, %(skipped)s officer(s) skipped.")
            if dry_run
            else _("%(sent)s digest(s) sent, %(skipped)s officer(s) skipped.")
        )
        self.stdout.write(summary % {"sent": len(messages), "skipped": skipped})

    def digest(self, officer, deadlines, *, today, days: int) -> EmailMessage:
        base_url = settings.PARKLAND_BASE_URL
        rows = [(deadline, base_url + deadline.case.get_absolute_url()) for deadline in deadlines]
        context = {"officer": officer, "rows": rows, "today": today, "days": days, "count": len(rows)}
        subject = render_to_string("cases/email/deadline_digest_subject.txt", context).strip()
        body = render_to_string("cases/email/deadline_digest.txt", context)
        return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [officer.email])
