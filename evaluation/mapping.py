"""The park map coloured by 亩均 class: the class of the latest published evaluation that covers each
parcel, registered as a colouring of the map (cases/mapping/colours.py, docs/map.md)."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from cases.mapping.colours import NO_DATA, Band, Colouring, MapParcel, register

from .models import EvaluationResult, Grade, RunState

GRADE_COLOURS = {Grade.A: "#2a9d8f", Grade.B: "#8ab17d", Grade.C: "#f4a261", Grade.D: "#c1121f"}


def _prepare(parcels: list[MapParcel], scope, today: date) -> None:
    """Each parcel's class in its park's latest published year, in one query."""
    results = (
        EvaluationResult.objects.filter(
            run__state=RunState.PUBLISHED, run__park__code__in={parcel.park for parcel in parcels}
        )
        .order_by("run__year", "run__published_at", "pk")
        .values_list("main_parcel_id", "parcel_ids", "grade")
    )
    grades: dict[int, str] = {}
    for main_parcel, parcel_ids, grade in results:  # later years overwrite earlier ones
        for pk in {main_parcel, *(parcel_ids or [])}:
            grades[pk] = grade
    for parcel in parcels:
        if parcel.pk in grades:
            parcel.extra["per_mu"] = grades[parcel.pk]


register(
    Colouring(
        "per_mu",
        _("per-mu class"),
        (
            *(Band(grade.value, grade.label, GRADE_COLOURS[grade]) for grade in Grade),
            Band("", _("not evaluated"), NO_DATA),
        ),
        lambda parcel, today: parcel.extra.get("per_mu", ""),
        prepare=_prepare,
    )
)
