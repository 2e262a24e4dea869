"""How the map colours a parcel: by its case's status (the default), by problem flag, by idle years,
or as the radar sees it. Each way is a `Colouring` in `COLOURINGS`; another app adds its own (the
亩均 evaluation's class, for one) with `register()` from its AppConfig.ready, and the map page, its
legend and its switch pick it up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from ..models import OPEN_STATUSES, ProblemFlag, Status
from ..models.land import years_before

NO_DATA = "#d9dde3"


@dataclass
class MapParcel:
    """What the map knows of one parcel: read in a fixed number of queries for any number of them."""

    pk: int
    code: str
    location: str
    park: str
    land_user: str
    area_m2: Decimal
    boundary: dict | None
    agreed_start_on: date | None = None
    actual_start_on: date | None = None
    case: dict | None = None  # the current case: number, status, flags (see views/mapping.py)
    extra: dict = field(default_factory=dict)  # what a colouring's `prepare` adds

    @property
    def status(self) -> str:
        return self.case["status"] if self.case else ""


@dataclass(frozen=True)
class Band:
    key: str
    label: object
    colour: str


@dataclass(frozen=True)
class Colouring:
    key: str
    label: object
    bands: tuple[Band, ...]
    band_of: Callable[[MapParcel, date], str]
    # Reads what `band_of` needs for all parcels at once (one query or two), e.g. the radar's lists.
    prepare: Callable[[list[MapParcel], object, date], None] | None = None

    def colour_of(self, parcel: MapParcel, today: date) -> str:
        key = self.band_of(parcel, today)
        return next((band.colour for band in self.bands if band.key == key), NO_DATA)


COLOURINGS: dict[str, Colouring] = {}


def register(colouring: Colouring) -> None:
    COLOURINGS[colouring.key] = colouring


def colouring(key: str | None) -> Colouring:
    """The colouring named `key`, else the default (by status)."""
    return COLOURINGS.get(key or "", COLOURINGS["status"])


STATUS_COLOURS = {
    Status.LEAD: "#f6d365",
    Status.INVESTIGATING: "#f4a259",
    Status.IDENTIFIED: "#e4572e",
    Status.PLANNING: "#a05195",
    Status.IMPLEMENTING: "#3f88c5",
    Status.DISPOSED: "#2a9d8f",
    Status.WITHDRAWN: "#8d99ae",
}

register(
    Colouring(
        "status",
        _("case status"),
        (
            *(Band(status.value, status.label, STATUS_COLOURS[status]) for status in Status),
            Band("", _("no case"), NO_DATA),
        ),
        lambda parcel, today: parcel.status,
    )
)

FLAG_COLOURS = ("#e9c46a", "#f4a261", "#e76f51", "#6d597a")


def _flag_band(parcel: MapParcel, today: date) -> str:
    if not parcel.case or parcel.case["status"] not in OPEN_STATUSES:
        return ""
    raised = [flag for flag in ProblemFlag if parcel.case.get(flag.value)]
    if not raised:
        return "none"
    return raised[0].value if len(raised) == 1 else "several"


register(
    Colouring(
        "flag",
        _("problem flag"),
        (
            *(
                Band(flag.value, flag.label, colour)
                for flag, colour in zip(ProblemFlag, FLAG_COLOURS, strict=True)
            ),
            Band("several", _("several problems"), "#9d0208"),
            Band("none", _("open case, no problem flagged"), "#90be6d"),
            Band("", _("no open case"), NO_DATA),
        ),
        _flag_band,
    )
)


def _idle_band(parcel: MapParcel, today: date) -> str:
    """Full years since the agreed start date of land not started (idle land: a fee after one,
    taking back free of charge after two)."""
    if parcel.actual_start_on or not parcel.agreed_start_on:
        return ""
    if parcel.agreed_start_on <= years_before(today, 2):
        return "two"
    if parcel.agreed_start_on <= years_before(today, 1):
        return "one"
    return "due"


register(
    Colouring(
        "idle",
        _("idle years"),
        (
            Band("two", _("not started, two years or more past the agreed start"), "#9d0208"),
            Band("one", _("not started, one to two years past the agreed start"), "#f48c06"),
            Band("due", _("not started, less than a year past the agreed start"), "#ffd166"),
            Band("", _("started, or no agreed start date"), NO_DATA),
        ),
        _idle_band,
    )
)


def _prepare_radar(parcels: list[MapParcel], scope, today: date) -> None:
    """The radar's suspects among the parcels shown: two queries of ids."""
    shown = scope.filter(pk__in=[p.pk for p in parcels])
    idle = dict(shown.suspected_idle(today).values_list("pk", "agreed_start_on"))
    low = set(shown.suspected_low_efficiency().values_list("pk", flat=True))
    two_years = years_before(today, 2)
    for parcel in parcels:
        if parcel.pk in idle:
            parcel.extra["radar"] = "idle_two" if idle[parcel.pk] <= two_years else "idle_one"
        elif parcel.pk in low:
            parcel.extra["radar"] = "low"
        elif parcel.case and parcel.case["status"] in (*OPEN_STATUSES, Status.DISPOSED):
            parcel.extra["radar"] = "handled"


register(
    Colouring(
        "radar",
        _("radar"),
        (
            Band("idle_two", _("suspected idle land, two years or more"), "#9d0208"),
            Band("idle_one", _("suspected idle land, one to two years"), "#f48c06"),
            Band("low", _("suspected low-efficiency land"), "#7209b7"),
            Band("handled", _("open or disposed case"), "#90be6d"),
            Band("", _("nothing suspected"), NO_DATA),
        ),
        lambda parcel, today: parcel.extra.get("radar", ""),
        prepare=_prepare_radar,
    )
)
