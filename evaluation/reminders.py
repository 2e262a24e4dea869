"""开竣工预警 by e-mail: each park's supervisors and park administrators receive one digest of the
grant commitments that warn or are breached, when `send_reminders` runs (docs/evaluation.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Membership

from .commitments import checks
from .models import GrantCommitment

Role = Membership.Role


def send_commitment_warnings(*, dry_run: bool, write: Callable[[str], object]) -> int:
    """E-mail (or with `dry_run` print) each park's digest; returns the number of digests."""
    today = timezone.localdate()
    by_park = defaultdict(list)
    for check in checks(GrantCommitment.objects.all(), today):
        if check.warnings or check.breaches:
            by_park[check.parcel.park].append(check)
    readers = defaultdict(list)
    people = (
        get_user_model()
        .objects.filter(
            memberships__park__in=list(by_park),
            memberships__role__in=[Role.SUPERVISOR, Role.PARK_ADMIN],
            is_active=True,
        )
        .exclude(email="")
    )
    for user in people.values("email", "memberships__park_id").distinct():
        readers[user["memberships__park_id"]].append(user["email"])
    messages = []
    for park, found in sorted(by_park.items(), key=lambda item: item[0].code):
        context = {"park": park, "checks": found, "today": today, "base_url": settings.PARKLAND_BASE_URL}
        subject = _("Parkland %(park)s: %(count)s grant commitments to watch (%(date)s)") % {
            "park": park.code,
            "count": len(found),
            "date": today.isoformat(),
        }
        body = render_to_string("evaluation/email/commitment_digest.txt", context)
        to = sorted(set(readers.get(park.pk, [])))
        if not to:
            write(
                _("no reader  %(park)s: %(count)s grant commitments warn, nobody to tell")
                % {"park": park.code, "count": len(found)}
            )
            continue
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to))
        write(
            (_("would send  %(park)s to %(to)s") if dry_run else _("sending  %(park)s to %(to)s"))
            % {"park": park.code, "to": ", ".join(to)}
        )
        if dry_run:
            write(f"{subject}\n\n{body}")
    if messages and not dry_run:
        get_connection().send_messages(messages)
    return len(messages)
