"""Reading parcels for the map and its exports, in two queries whatever their number: the parcels,
then their cases, of which each parcel shows its current one (the open case, else the latest)."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import OPEN_STATUSES, DisposalCase, ProblemFlag
from .colours import MapParcel

PARCEL_FIELDS = (
    "pk",
    "code",
    "location",
    "park__code",
    "enterprise__name",
    "area_m2",
    "boundary",
    "agreed_start_on",
    "actual_start_on",
    "unit_number",
    "cadastral_code",
    "land_use",
    "invested_wan",
    "annual_tax_wan",
    "annual_output_wan",
    "actual_plot_ratio",
)
FIGURES = PARCEL_FIELDS[9:]
CASE_FIELDS = (
    "parcel_id",
    "number",
    "status",
    "category",
    "opened_on",
    *(flag.value for flag in ProblemFlag),
)


def map_parcels(parcels: QuerySet, cases: QuerySet | None = None) -> list[MapParcel]:
    """The parcels of `parcels` as the map draws them, each with its current case among `cases`
    (default: all its cases)."""
    rows = list(parcels.order_by("park__code", "code").values(*PARCEL_FIELDS))
    shown = [
        MapParcel(
            pk=row["pk"],
            code=row["code"],
            location=row["location"],
            park=row["park__code"],
            land_user=row["enterprise__name"] or "",
            area_m2=row["area_m2"],
            boundary=row["boundary"],
            agreed_start_on=row["agreed_start_on"],
            actual_start_on=row["actual_start_on"],
            extra={"figures": {name: row[name] for name in FIGURES}},
        )
        for row in rows
    ]
    if not shown:
        return shown
    by_pk = {parcel.pk: parcel for parcel in shown}
    case_rows = (cases if cases is not None else DisposalCase.objects.all()).filter(
        parcel__in=parcels.order_by().values("pk")
    )
    for case in case_rows.order_by().values(*CASE_FIELDS):
        parcel = by_pk.get(case["parcel_id"])
        if parcel is not None and _more_current(case, parcel.case):
            parcel.case = case
    return shown


def _more_current(case: dict, than: dict | None) -> bool:
    if than is None:
        return True
    is_open, was_open = case["status"] in OPEN_STATUSES, than["status"] in OPEN_STATUSES
    if is_open != was_open:
        return is_open
    return (case["opened_on"], case["number"]) > (than["opened_on"], than["number"])
