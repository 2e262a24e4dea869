"""A year's evaluation computed and stored as a new run: the one path of the /evaluation/ page's run
button and of the background job `evaluation_run` (docs/jobs.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext

from .defaults import scheme_for
from .models import EvaluationRun, RunError, YearFigures
from .scoring import evaluate

# The steps a run takes, for a progress bar: the scheme read, the figures read and scored, the run stored.
STEPS = 3


@dataclass
class Computed:
    run: EvaluationRun
    scheme: str  # "own", "copied" or "default" (defaults.scheme_for)
    landless: int  # enterprises not graded: the stated land shares leave them none


def no_figures_message(year: int) -> str:
    return gettext("There are no figures for %(year)s yet: import them first.") % {"year": year}


def compute_run(park, year: int, *, by, step: Callable[[int, str], None] | None = None) -> Computed:
    """Grade the park's year under its scheme and keep it as a new draft run, in one transaction.

    `step(done, message)` is told as each of the STEPS begins. Raises RunError (in the active
    language) when the year has no figures."""
    tell = step or (lambda done, message: None)
    if not YearFigures.objects.filter(parcel__park=park, year=year).exists():
        raise RunError(no_figures_message(year))
    tell(0, gettext("Reading the scheme"))
    scheme, how = scheme_for(park, year)
    tell(1, gettext("Reading and scoring the figures"))
    evaluation = evaluate(park, year, scheme)
    tell(2, gettext("Storing the run"))
    run = EvaluationRun.objects.record(evaluation, by=by)
    return Computed(run=run, scheme=how, landless=len(evaluation.landless))


def notes(computed: Computed) -> list[tuple[str, str]]:
    """What the user is told about a computed run, as (level, text): info, warning or success."""
    said = []
    if computed.landless:
        said.append(
            (
                "warning",
                gettext(
                    "%(count)s enterprises were not graded: the land shares stated for their parcels "
                    "leave them none."
                )
                % {"count": computed.landless},
            )
        )
    if computed.scheme == "default":
        said.append(
            ("info", gettext("The park had no scheme for this year: the default scheme was set up for it."))
        )
    elif computed.scheme == "copied":
        said.append(("info", gettext("The park's scheme was copied from its previous year.")))
    said.append(
        (
            "success",
            gettext("Run no. %(run)s computed: %(count)s enterprises graded. A supervisor confirms it next.")
            % {"run": computed.run.pk, "count": computed.run.enterprise_count},
        )
    )
    return said
