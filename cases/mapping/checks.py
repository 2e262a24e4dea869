"""Checks of a boundary with shapely: a valid polygon (else the point that is wrong), its area in
an equal-area projection against the parcel's recorded area, and overlaps between parcels."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import shapely
from django.conf import settings
from django.utils.translation import gettext
from shapely import STRtree
from shapely.geometry import shape as to_shapely
from shapely.validation import explain_validity

from .crs import equal_area_transformer
from .reading import Shape

# Two parcels sharing an edge touch; an overlap smaller than this is the rounding of their points.
OVERLAP_IGNORED_M2 = 1.0


def geometry_problem(shape: Shape) -> str | None:
    """Why the shape's geometry is not a valid polygon, naming the point where it goes wrong."""
    rings: dict[int, int] = {}
    for vertex in shape.vertices:
        rings[vertex.ring] = rings.get(vertex.ring, 0) + 1
    for ring, count in rings.items():
        if count < 4:
            return gettext(
                "Ring %(ring)s has %(count)s points; a closed ring needs at least 4 (3 corners)."
            ) % {
                "ring": ring,
                "count": count,
            }
    polygon = to_shapely(shape.geometry)
    if polygon.is_valid and not polygon.is_empty:
        return None
    reason = explain_validity(polygon)
    where = _location(reason)
    kind = reason.split("[", 1)[0].strip()
    if where is None:
        return gettext("The polygon is invalid (%(reason)s).") % {"reason": kind}
    vertex = min(shape.vertices, key=lambda v: (v.stored[0] - where[0]) ** 2 + (v.stored[1] - where[1]) ** 2)
    if kind == "Self-intersection":
        message = gettext("The boundary crosses itself at %(where)s, near point %(point)s (%(source)s).")
    else:
        message = gettext(
            "The polygon is invalid (%(kind)s) at %(where)s, near point %(point)s (%(source)s)."
        )
    return message % {
        "kind": kind,
        "where": f"{where[0]:.6f}, {where[1]:.6f}",
        "point": vertex.name,
        "source": ", ".join(f"{c:.3f}" for c in vertex.source),
    }


def _location(reason: str) -> tuple[float, float] | None:
    found = re.search(r"\[\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)", reason)
    return (float(found.group(1)), float(found.group(2))) if found else None


def area_m2(geometry: dict) -> Decimal:
    """The true area of a boundary stored in EPSG:4490, in m² to the 0.01."""
    polygon = to_shapely(geometry)
    centre = polygon.centroid
    projected = shapely.transform(
        polygon, equal_area_transformer(centre.x, centre.y).transform, interleaved=False
    )
    return Decimal(str(projected.area)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def tolerance_pct() -> Decimal:
    return Decimal(str(settings.PARKLAND_BOUNDARY_AREA_TOLERANCE_PCT))


def area_difference_pct(computed: Decimal, recorded: Decimal) -> Decimal:
    """(computed − recorded) ÷ recorded × 100, to one decimal."""
    difference = ((computed - recorded) / recorded * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return difference.copy_abs() if difference.is_zero() else difference  # 0.0, never -0.0


def overlaps(boundaries: dict[str, dict]) -> list[tuple[str, str, Decimal]]:
    """Pairs of parcels (by the keys of `boundaries`) whose boundaries overlap, with the area they
    share in m², larger than rounding."""
    keys = sorted(boundaries)
    shapes = [to_shapely(boundaries[key]) for key in keys]
    valid = [shape.is_valid for shape in shapes]
    tree = STRtree(shapes)
    found = []
    for i, j in zip(*tree.query(shapes, predicate="intersects"), strict=True):
        if i >= j or not (valid[i] and valid[j]):
            continue
        shared = shapes[i].intersection(shapes[j])
        if shared.is_empty or shared.area == 0:
            continue
        shared_m2 = (
            area_m2(shared.__geo_interface__) if shared.geom_type in ("Polygon", "MultiPolygon") else None
        )
        if shared_m2 is None:
            shared_m2 = _polygonal_area(shared)
        if shared_m2 > Decimal(str(OVERLAP_IGNORED_M2)):
            found.append((keys[i], keys[j], shared_m2))
    return found


def _polygonal_area(geometry) -> Decimal:
    """The area of the polygons within a geometry collection (an overlap with touching edges)."""
    parts = [g for g in getattr(geometry, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return sum((area_m2(part.__geo_interface__) for part in parts), Decimal(0))
