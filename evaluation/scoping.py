"""Who sees what of the evaluation: one function per model, as cases/scoping.py does for the cases app
(and built on it), used by the pages, the exports and the admin."""

from django.db.models import QuerySet

from cases.models import Membership
from cases.scoping import _in_parks

from .models import (
    EvaluationResult,
    EvaluationRun,
    EvaluationScheme,
    GrantCommitment,
    IndustryBenchmark,
    SchemeIndicator,
    YearFigures,
)

Role = Membership.Role


def figures_for(user, *, role: str = Role.VIEWER) -> QuerySet[YearFigures]:
    return _in_parks(YearFigures.objects.all(), "parcel__park", user, role)


def schemes_for(user, *, role: str = Role.VIEWER) -> QuerySet[EvaluationScheme]:
    return _in_parks(EvaluationScheme.objects.all(), "park", user, role)


def scheme_indicators_for(user, *, role: str = Role.VIEWER) -> QuerySet[SchemeIndicator]:
    return _in_parks(SchemeIndicator.objects.all(), "scheme__park", user, role)


def industry_benchmarks_for(user, *, role: str = Role.VIEWER) -> QuerySet[IndustryBenchmark]:
    return _in_parks(IndustryBenchmark.objects.all(), "indicator__scheme__park", user, role)


def runs_for(user, *, role: str = Role.VIEWER) -> QuerySet[EvaluationRun]:
    return _in_parks(EvaluationRun.objects.all(), "park", user, role)


def results_for(user, *, role: str = Role.VIEWER) -> QuerySet[EvaluationResult]:
    return _in_parks(EvaluationResult.objects.all(), "run__park", user, role)


def commitments_for(user, *, role: str = Role.VIEWER) -> QuerySet[GrantCommitment]:
    return _in_parks(GrantCommitment.objects.all(), "parcel__park", user, role)
