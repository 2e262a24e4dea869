"""开竣工预警 by e-mail: each supervisor and park administrator of a park receives one digest of the
park's grant commitments that warn or are breached, as part of every reminders run — the weekday job
and `manage.py send_reminders` alike (jobs/reminders.py, docs/evaluation.md#grant-commitments).

Each commitment put in a digest is a `ReminderLog` row of kind "commitment", so a second run the same
day sends it to nobody again; a user who opted out of that kind on /reminders/ receives none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from cases.models import Membership
from cases.templatetags.parkland import person
from jobs.models import ReminderKind, ReminderLog
from jobs.reminders import already_handled, register, send_logged

from .commitments import checks
from .models import GrantCommitment

Role = Membership.Role
KIND = ReminderKind.COMMITMENT


def subject_of(check) -> str:
    """The commitment a reminder is about: its park, parcel and commitment."""
    parcel = check.parcel
    return f"{parcel.park.code}:{parcel.code}:{check.commitment.pk}"[:200]


@register
def send_commitment_warnings(*, today, dry_run: bool, write: Callable[[str], object]) -> int:
    """E-mail (or with `dry_run` print) each reader's digest per park; returns the number of e-mails."""
    by_park = defaultdict(list)
    for check in checks(GrantCommitment.objects.all(), today):
        if check.warnings or check.breaches:
            by_park[check.parcel.park].append(check)
    if not by_park:
        return 0
    memberships = (
        Membership.objects.filter(park__in=list(by_park), role__in=[Role.SUPERVISOR, Role.PARK_ADMIN])
        .values_list("park_id", "user_id")
        .distinct()
    )
    readers = defaultdict(set)
    for park_id, user_id in memberships:
        readers[park_id].add(user_id)
    users = {
        user.pk: user
        for user in get_user_model().objects.filter(
            pk__in={pk for ids in readers.values() for pk in ids}, is_active=True
        )
    }
    opted_out, sent_today = already_handled(today)
    messages, logs = [], []
    for park, found in sorted(by_park.items(), key=lambda item: item[0].code):
        to = sorted(
            (users[pk] for pk in readers.get(park.pk, ()) if pk in users and users[pk].email),
            key=lambda user: user.get_username(),
        )
        if not to:
            write(
                _("no reader  %(park)s: %(count)s grant commitments warn, nobody to tell")
                % {"park": park.code, "count": len(found)}
            )
            continue
        for user in to:
            new = [
                check
                for check in found
                if (user.pk, KIND) not in opted_out and (user.pk, KIND, subject_of(check)) not in sent_today
            ]
            if not new:
                who = f"{park.code} {user.get_username()} ({person(user)})"
                write(_("nothing new  %(who)s: opted out, or already reminded today") % {"who": who})
                continue
            context = {"park": park, "checks": new, "today": today, "base_url": settings.PARKLAND_BASE_URL}
            subject = _("Parkland %(park)s: %(count)s grant commitments to watch (%(date)s)") % {
                "park": park.code,
                "count": len(new),
                "date": today.isoformat(),
            }
            body = render_to_string("evaluation/email/commitment_digest.txt", context)
            messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
            logs += [ReminderLog(officer=user, kind=KIND, subject=subject_of(c), sent_on=today) for c in new]
            write(
                (_("would send  %(park)s to %(to)s") if dry_run else _("sending  %(park)s to %(to)s"))
                % {"park": park.code, "to": user.email}
            )
            if dry_run:
                write(f"{subject}\n\n{body}")
    if dry_run:
        return len(messages)
    return len(send_logged(messages, logs, write))
