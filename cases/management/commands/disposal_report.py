"""Write the monthly disposal-rate report (docs/disposal-rate.md) to a file, for a scheduled monthly run."""

import sys
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from cases.models import Category, DisposalCase, Park
from cases.reporting import WRITERS, ReportError, monthly_report


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            _("--as-of must be a date such as 2022-12-31, not “%(value)s”.") % {"value": value}
        ) from error


class Command(BaseCommand):
    help = "Write the monthly disposal-rate report as CSV, XLSX, JSON or PDF (--output -: standard output)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="the report year, e.g. 2022")
        parser.add_argument("--park", help="a park code, e.g. XQ; all parks when absent")
        parser.add_argument("--category", choices=Category.values, help="idle or inefficient")
        parser.add_argument(
            "--as-of", dest="as_of", help="the report date in the year (default: today or 31 December)"
        )
        parser.add_argument("--format", dest="format", choices=sorted(WRITERS), default="json")
        parser.add_argument("--output", default="-", help="a file name, or - for standard output")

    def handle(self, *args, **options):
        # Said in the park's language, as the report is, whatever the shell's locale.
        with translation.override(settings.LANGUAGE_CODE):
            self.write_report(**options)

    def write_report(self, *, year, park, category, as_of, format, output, **options) -> None:
        park_obj = None
        if park:
            park_obj = Park.objects.filter(code=park).first()
            if park_obj is None:
                raise CommandError(_("There is no park with the code %(code)s.") % {"code": park})
        try:
            report = monthly_report(
                DisposalCase.objects.all(),
                year=year,
                as_of=_date(as_of) if as_of else None,
                park=park_obj,
                category=category or "",
            )
        except ReportError as error:
            raise CommandError(str(error)) from error
        content = WRITERS[format](report)
        if output == "-":
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
            return
        try:
            with open(output, "wb") as handle:
                handle.write(content)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s.") % {"file": output, "error": error.strerror}
            ) from error
        self.stderr.write(
            _("Wrote %(file)s (%(size)s bytes).") % {"file": output, "size": f"{len(content):,}"}
        )
