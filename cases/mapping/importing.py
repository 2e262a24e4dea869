"""Importing parcel boundaries: read the file, match each shape to a parcel by its number (宗地编号),
real-estate unit number (不动产单元号) or cadastral code, check it, and write all or nothing.

The report is the ledger import's (`LedgerReport`: one row per shape, created, updated, unchanged or
refused with the reason), so the page and the command show and stage it as they do a ledger.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext
from simple_history.utils import bulk_update_with_history

from .. import scoping
from ..ledger.importing import history_reason
from ..ledger.report import LedgerReport, Outcome, Problem, RowResult
from ..models import LandParcel, Membership, Park, m2_to_mu
from .checks import area_difference_pct, area_m2, geometry_problem, overlaps, tolerance_pct
from .reading import BoundaryFileError, Shape, read_boundaries

HISTORY_HEAD = "导入界址 boundary imported from "


@dataclass
class _Plan:
    parcel: LandParcel
    geometry: dict


def import_boundaries(
    data: bytes,
    *,
    file_name: str,
    user=None,
    park: Park | None = None,
    zone: int | None = None,
    dry_run: bool = False,
) -> LedgerReport:
    """Check every shape of a boundary file and, unless `dry_run` or a shape is refused, give each
    matched parcel its boundary, in one transaction.

    `user` must be a park administrator of the parks concerned (None: the command line, any park);
    `park` is the park of shapes that do not name one, and the only park the file may name.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    report = LedgerReport(file_name=file_name, sha256=sha256, size=len(data), dry_run=dry_run)
    if len(data) > settings.PARKLAND_LEDGER_MAX_BYTES:
        report.errors.append(
            gettext("The file is larger than %(limit)s MB.")
            % {"limit": f"{settings.PARKLAND_LEDGER_MAX_BYTES / 1024 / 1024:g}"}
        )
        return report
    try:
        boundary_file = read_boundaries(data, zone=zone)
    except BoundaryFileError as error:
        report.errors.append(error.message)
        return report
    if not boundary_file.shapes:
        report.errors.append(gettext("The file holds no parcel boundary."))
        return report
    report.counts = {"format": boundary_file.kind, "crs": boundary_file.source_crs}
    with transaction.atomic():
        plans = _plan(boundary_file.shapes, report, user=user, park=park, lock=not dry_run)
        _list_overlaps(plans, report)
        if dry_run or not report.ok:
            return report
        changed = [plan.parcel for plan in plans if plan.parcel.boundary != plan.geometry]
        for plan in plans:
            plan.parcel.boundary = plan.geometry
        if changed:
            bulk_update_with_history(
                changed,
                LandParcel,
                fields=["boundary"],
                default_user=user,
                default_change_reason=history_reason(file_name, sha256, head=HISTORY_HEAD),
            )
        report.done = True
    return report


def _parcels(user, park: Park | None, shapes: list[Shape], *, lock: bool) -> dict:
    """The parcels the shapes may name, keyed by (park code, number or code)."""
    allowed = scoping.parcels_for(user, role=Membership.Role.PARK_ADMIN) if user else LandParcel.objects.all()
    codes = {park.code} if park else {shape.park for shape in shapes if shape.park}
    rows = allowed.filter(park__code__in=codes).select_related("park")
    if lock:
        rows = rows.select_for_update(of=("self",))
    found = {}
    for parcel in rows:
        for key in (parcel.code, parcel.unit_number, parcel.cadastral_code):
            if key:
                found[(parcel.park.code, key)] = parcel
    return found


def _plan(shapes: list[Shape], report: LedgerReport, *, user, park, lock: bool) -> list[_Plan]:
    parcels = _parcels(user, park, shapes, lock=lock)
    plans, seen = [], {}
    for shape in shapes:
        park_code = park.code if park else shape.park
        row = RowResult(number=shape.number, park=park_code or "", parcel=shape.name)
        report.rows.append(row)
        problem = _refusal(shape, park, parcels, seen)
        parcel = None if problem else parcels[(park_code, _key_found(shape, park_code, parcels))]
        why = None if problem else geometry_problem(shape)
        if why:
            problem = Problem(gettext("boundary"), shape.name, why)
        if problem is not None:
            row.outcome = Outcome.REFUSED
            row.problems.append(problem)
            continue
        seen[parcel.pk] = shape.number
        row.parcel = parcel.code
        _describe(row, parcel, shape.geometry)
        plans.append(_Plan(parcel, shape.geometry))
    return plans


def _key_found(shape: Shape, park_code: str, parcels: dict) -> str | None:
    for key in (shape.code, shape.unit_number, shape.cadastral_code):
        if key and (park_code, key) in parcels:
            return key
    return None


def _refusal(shape: Shape, park: Park | None, parcels: dict, seen: dict) -> Problem | None:
    """Why the shape cannot be matched to a parcel of a park the user administers, if it cannot."""
    if shape.problems:
        return Problem(gettext("boundary"), shape.name, " ".join(shape.problems))
    if not shape.name:
        return Problem(gettext("parcel"), "", gettext("The shape names no parcel number or unit number."))
    if park and shape.park and shape.park != park.code:
        return Problem(
            gettext("park"),
            shape.park,
            gettext("The file may name only the chosen park %(park)s.") % {"park": park.code},
        )
    park_code = park.code if park else shape.park
    if not park_code:
        return Problem(gettext("park"), "", gettext("The shape names no park: choose the park of the file."))
    key = _key_found(shape, park_code, parcels)
    if key is None:
        return Problem(
            gettext("parcel"),
            shape.name,
            gettext("There is no parcel %(name)s in park %(park)s that you may change.")
            % {"name": shape.name, "park": park_code},
        )
    parcel = parcels[(park_code, key)]
    if parcel.pk in seen:
        return Problem(
            gettext("parcel"),
            shape.name,
            gettext("Shape %(number)s already gives this parcel's boundary.") % {"number": seen[parcel.pk]},
        )
    return None


def _describe(row: RowResult, parcel: LandParcel, geometry: dict) -> None:
    """The row's outcome, its computed area against the record, and a warning past the tolerance."""
    computed = area_m2(geometry)
    difference = area_difference_pct(computed, parcel.area_m2)
    if parcel.boundary is None:
        row.outcome = Outcome.CREATED
    elif parcel.boundary != geometry:
        row.outcome = Outcome.UPDATED
    else:
        row.outcome = Outcome.UNCHANGED
    row.changes.append(
        gettext("boundary %(computed)s m² (%(mu)s mu), recorded area %(recorded)s m²: %(difference)s %%")
        % {
            "computed": f"{computed:,.2f}",
            "mu": f"{m2_to_mu(computed):,.2f}",
            "recorded": f"{parcel.area_m2:,.2f}",
            "difference": f"{difference:+}",
        }
    )
    if abs(difference) > tolerance_pct():
        row.warnings.append(
            gettext(
                "The boundary's area differs from the recorded area by %(difference)s %%, more than "
                "the %(tolerance)s %% allowed: check the coordinates or the recorded area."
            )
            % {"difference": f"{difference:+}", "tolerance": tolerance_pct()}
        )


def _list_overlaps(plans: list[_Plan], report: LedgerReport) -> None:
    """Overlaps between the parcels of each park as they would stand after the import."""
    parks = {plan.parcel.park_id for plan in plans}
    given = {plan.parcel.pk: plan.geometry for plan in plans}
    others = (
        LandParcel.objects.filter(park_id__in=parks, boundary__isnull=False)
        .exclude(pk__in=given)
        .values_list("pk", "code", "park__code", "boundary")
    )
    names = {plan.parcel.pk: (plan.parcel.park.code, plan.parcel.code) for plan in plans}
    by_park: dict[str, dict] = {}
    for pk, geometry in given.items():
        by_park.setdefault(names[pk][0], {})[names[pk][1]] = geometry
    for _pk, code, park_code, geometry in others:
        by_park.setdefault(park_code, {})[code] = geometry
    for park_code, boundaries in sorted(by_park.items()):
        for first, second, shared in overlaps(boundaries):
            report.warnings.append(
                gettext("Parcels %(first)s and %(second)s of park %(park)s overlap by %(area)s m².")
                % {"first": first, "second": second, "park": park_code, "area": f"{shared:,.2f}"}
            )
