"""The deadline reminders: one digest per officer of what is overdue or falls due soon.

Each deadline put in a digest is a `ReminderLog` row, unique per officer, kind, deadline and day, so
that a second run on the same day (another server, a repeated job, the command by hand) sends no
deadline again; an officer's `ReminderOptOut` of a kind leaves those deadlines out of the digest.

Other apps add their own reminders to the same run with `register()` (the 亩均 evaluation's 开竣工预警,
evaluation/reminders.py, from its AppConfig.ready): each sender is called with the day, the dry-run flag
and the writer, logs what it sends with `send_logged()` and returns how many e-mails it sent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.deadlines import shown, stored_agenda
from cases.models import CaseDeadline
from cases.templatetags.parkland import person

from .models import ReminderKind, ReminderLog, ReminderOptOut

# Senders registered by other apps: sender(today=, dry_run=, write=) -> number of e-mails.
SENDERS: list[Callable[..., int]] = []


def register(sender: Callable[..., int]) -> Callable[..., int]:
    """Add a sender of reminders to every run of `send_reminders` (the command and the weekday job)."""
    if sender not in SENDERS:
        SENDERS.append(sender)
    return sender


def already_handled(today) -> tuple[set, set]:
    """The (user id, kind) pairs opted out, and the (user id, kind, subject) triples sent `today`."""
    opted_out = set(ReminderOptOut.objects.values_list("user_id", "kind"))
    sent_today = set(ReminderLog.objects.filter(sent_on=today).values_list("officer_id", "kind", "subject"))
    return opted_out, sent_today


def send_logged(messages: list, logs: list, write: Callable[[str], object]) -> list:
    """Send `messages` and record `logs` in one transaction; returns the messages sent (none when
    another run logged the same reminders a moment ago)."""
    if not messages:
        return []
    try:
        # The log first, in the transaction that sends: a run that meets another's rows sends nothing.
        with transaction.atomic():
            ReminderLog.objects.bulk_create(logs)
            get_connection().send_messages(messages)
    except IntegrityError:
        write(_("Another run sent these reminders a moment ago; nothing was sent twice."))
        return []
    return messages


class RemindersRefused(ValueError):
    """Reminders asked for with arguments that make no sense; the message says why."""


def subject_of(deadline) -> str:
    """The deadline a reminder is about: its case, rule, the event it runs from and its due date."""
    source = deadline.source.pk if deadline.source is not None else ""
    return f"{deadline.case.number}:{deadline.rule}:{source}:{deadline.due}"[:200]


def send_reminders(*, days: int | None, dry_run: bool, write: Callable[[str], object]) -> str:
    """Send (or with `dry_run` print) the digests of `days` ahead; returns the summary line."""
    days = settings.PARKLAND_DUE_SOON_DAYS if days is None else days
    if days < 0:
        raise RemindersRefused(_("--days cannot be negative."))
    today = timezone.localdate()
    by_officer: dict = defaultdict(list)
    unassigned = []
    found = stored_agenda(CaseDeadline.objects.all(), today=today, days=days)
    for kind, rows in ((ReminderKind.OVERDUE, found.overdue), (ReminderKind.DUE_SOON, found.due_soon)):
        for deadline in shown(rows, today=today):
            if deadline.case.officer is None:
                unassigned.append(deadline)
            else:
                by_officer[deadline.case.officer].append((kind, deadline))

    opted_out, sent_today = already_handled(today)
    messages, logs = [], []
    skipped = 0
    for officer in sorted(by_officer, key=lambda user: user.get_username()):
        who = f"{officer.get_username()} ({person(officer)})"
        due = [
            (kind, deadline)
            for kind, deadline in by_officer[officer]
            if (officer.pk, kind) not in opted_out
            and (officer.pk, kind, subject_of(deadline)) not in sent_today
        ]
        if not due:
            write(_("nothing new  %(who)s: opted out, or already reminded today") % {"who": who})
            continue
        deadlines = [deadline for _kind, deadline in due]
        if not officer.email or not officer.is_active:
            skipped += 1
            reason = _("no e-mail address") if officer.is_active else _("inactive account")
            write(
                _("skipped  %(who)s: %(reason)s; %(count)s deadline(s)")
                % {"who": who, "reason": reason, "count": len(deadlines)}
            )
            continue
        message = digest(officer, deadlines, today=today, days=days)
        messages.append(message)
        logs += [
            ReminderLog(officer=officer, kind=kind, subject=subject_of(deadline), sent_on=today)
            for kind, deadline in due
        ]
        line = (
            _("would send  %(who)s <%(email)s>: %(count)s deadline(s)")
            if dry_run
            else _("sending  %(who)s <%(email)s>: %(count)s deadline(s)")
        )
        write(line % {"who": who, "email": officer.email, "count": len(deadlines)})
        if dry_run:
            write(_("Subject: %(subject)s") % {"subject": message.subject} + f"\n\n{message.body}")
    for deadline in unassigned:
        write(
            _("no officer  %(number)s: %(deadline)s due %(due)s")
            % {"number": deadline.case.number, "deadline": deadline.label, "due": deadline.due}
        )

    sent = len(messages) if dry_run else len(send_logged(messages, logs, write))
    for sender in SENDERS:
        sent += sender(today=today, dry_run=dry_run, write=write)
    summary = (
        _("%(sent)s digest(s) would be sent, %(skipped)s officer(s) skipped.")
        if dry_run
        else _("%(sent)s digest(s) sent, %(skipped)s officer(s) skipped.")
    ) % {"sent": sent, "skipped": skipped}
    write(summary)
    return summary


def digest(officer, deadlines, *, today, days: int) -> EmailMessage:
    base_url = settings.PARKLAND_BASE_URL
    rows = [(deadline, base_url + deadline.case.get_absolute_url()) for deadline in deadlines]
    context = {"officer": officer, "rows": rows, "today": today, "days": days, "count": len(rows)}
    subject = render_to_string("cases/email/deadline_digest_subject.txt", context).strip()
    body = render_to_string("cases/email/deadline_digest.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [officer.email])
