"""Compute every open case's stored deadlines again, from the rules and periods in force.

Every write keeps the stored deadlines up to date by itself; this is for after a change of
PARKLAND_DEADLINE_PERIODS, of the rules, or of data written behind the application's back.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.deadlines.stored import rebuild
from cases.models import Park


class Command(BaseCommand):
    help = "Compute the stored deadlines of every open case again (of one park with --park)."

    def add_arguments(self, parser):
        parser.add_argument("--park", help="Only this park (its code).")

    def handle(self, *args, park: str | None, **options):
        parks = None
        if park:
            parks = list(Park.objects.filter(code=park))
            if not parks:
                raise CommandError(_("No park has the code %(code)s.") % {"code": park})
        started = time.monotonic()
        written = rebuild(parks=parks)
        self.stdout.write(
            _("%(count)s deadline(s) stored in %(seconds).1f s.")
            % {"count": written, "seconds": time.monotonic() - started}
        )
