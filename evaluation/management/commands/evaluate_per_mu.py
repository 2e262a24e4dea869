"""A park's year of 亩均效益 results: the published run (else the latest run; else computed now, not
stored), as JSON or XLSX, to a file or standard output (--output -)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from cases.models import Park
from evaluation import publishing
from evaluation.defaults import scheme_for
from evaluation.models import EvaluationRun, YearFigures
from evaluation.scoring import evaluate


class Command(BaseCommand):
    help = "Write a park's per-mu evaluation of a year as JSON or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--park", required=True, help="The park's code, e.g. XQ.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output", default="-", help="A file, or - for standard output (default).")

    def handle(self, *args, park: str, year: int, format: str, output: str, **options):
        found = Park.objects.filter(code=park).first()
        if found is None:
            raise CommandError(f"No park with the code {park!r}.")
        run = EvaluationRun.objects.shown_for(found, year)
        if run is None and format == "xlsx":
            raise CommandError(f"{park} {year} has no evaluation run yet; run it on /evaluation/ first.")
        if run is None:
            if not YearFigures.objects.filter(parcel__park=found, year=year).exists():
                raise CommandError(f"{park} has no figures for {year}.")
            scheme, _how = scheme_for(found, year)
            body = publishing.json_bytes(publishing.as_json(None, evaluate(found, year, scheme)))
        elif format == "json":
            body = publishing.json_bytes(publishing.as_json(run))
        else:
            body = publishing.as_xlsx(run)
        if output == "-":
            sys.stdout.buffer.write(body)
            sys.stdout.flush()
        else:
            with open(output, "wb") as handle:
                handle.write(body)
