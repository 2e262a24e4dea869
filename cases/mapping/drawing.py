"""The map as SVG, drawn on the server like the report's chart: no tiles, nothing from another host,
so it prints and goes into the PDF. Longitude and latitude (EPSG:4490) are drawn to scale around the
map's middle latitude, which keeps shapes and distances true at a park's size and lines up with a
WMS image of the same box in EPSG:4490."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext

from ..models import Status, m2_to_mu
from .colours import Colouring, MapParcel

METRES_PER_DEGREE = 111_320.0  # along a meridian, near enough for the scale bar


@dataclass
class DrawnParcel:
    pk: int
    url: str
    path: str
    fill: str
    title: str
    code: str
    label_x: float
    label_y: float
    show_label: bool
    highlighted: bool = False

    @property
    def label_fill(self) -> str:
        """Dark text on a light fill, white on a dark one."""
        red, green, blue = (int(self.fill[i : i + 2], 16) for i in (1, 3, 5))
        return "#1f2933" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "#ffffff"


@dataclass
class Drawing:
    width: int
    height: int
    parcels: list[DrawnParcel] = field(default_factory=list)
    label_size: float = 12.0
    scale_bar: dict | None = None
    background: str = ""  # a WMS GetMap URL, when the setting gives one

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def empty(self) -> bool:
        return not self.parcels


def _rings(geometry: dict) -> list[list]:
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    coordinates = geometry.get("coordinates") or []
    polygons = [coordinates] if geometry.get("type") == "Polygon" else coordinates
    return [ring for polygon in polygons for ring in polygon]


def _bounds(parcels: list[MapParcel]) -> tuple[float, float, float, float]:
    points = [p for parcel in parcels for ring in _rings(parcel.boundary) for p in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def draw(
    parcels: list[MapParcel],
    colouring: Colouring,
    *,
    today: date,
    width: int = 1000,
    focus: MapParcel | None = None,
    url_of=None,
) -> Drawing:
    """Draw the parcels with a boundary; with `focus`, the box around it (its neighbours cut at the
    edge) and it outlined."""
    drawn = [parcel for parcel in parcels if parcel.boundary]
    if not drawn:
        return Drawing(width=width, height=width // 2)
    west, south, east, north = _bounds([focus] if focus else drawn)
    margin = max(east - west, north - south) * (0.6 if focus else 0.03) or 0.001
    west, south, east, north = west - margin, south - margin, east + margin, north + margin
    squeeze = math.cos(math.radians((south + north) / 2))
    scale = width / ((east - west) * squeeze)
    height = max(1, round((north - south) * scale))

    def xy(point) -> str:
        return f"{(point[0] - west) * squeeze * scale:.1f},{(north - point[1]) * scale:.1f}"

    label_size = round(max(9.0, min(16.0, width / (40 if focus else 70))), 1)
    drawing = Drawing(width=width, height=height, label_size=label_size)
    for parcel in drawn:
        if focus and not _overlaps_box(parcel, (west, south, east, north)):
            continue  # a neighbour outside the box is left out, not drawn off the edge
        rings = _rings(parcel.boundary)
        path = " ".join("M" + " L".join(xy(p) for p in ring[:-1]) + " Z" for ring in rings)
        outer = rings[0]
        xs = [(p[0] - west) * squeeze * scale for p in outer]
        ys = [(north - p[1]) * scale for p in outer]
        wide = max(xs) - min(xs)
        drawing.parcels.append(
            DrawnParcel(
                pk=parcel.pk,
                url=url_of(parcel) if url_of else "",
                path=path,
                fill=colouring.colour_of(parcel, today),
                title=hover_title(parcel),
                code=parcel.code,
                label_x=round(sum(xs[:-1] or xs) / max(1, len(xs) - 1), 1),
                label_y=round(sum(ys[:-1] or ys) / max(1, len(ys) - 1) + label_size / 3, 1),
                show_label=wide > len(parcel.code) * label_size * 0.62,
                highlighted=focus is not None and parcel.pk == focus.pk,
            )
        )
    drawing.scale_bar = _scale_bar(width, scale)
    drawing.background = _background(west, south, east, north, width, height)
    return drawing


def _overlaps_box(parcel: MapParcel, box: tuple[float, float, float, float]) -> bool:
    west, south, east, north = _bounds([parcel])
    return west <= box[2] and east >= box[0] and south <= box[3] and north >= box[1]


def hover_title(parcel: MapParcel) -> str:
    """Code, land user, area (m² and 亩) and the case's status: what hovering a parcel shows."""
    parts = [f"{parcel.code} {parcel.location}".strip(), parcel.land_user or "—"]
    parts.append(
        gettext("%(m2)s m² (%(mu)s mu)")
        % {"m2": f"{parcel.area_m2:,.2f}", "mu": f"{m2_to_mu(parcel.area_m2):,.2f}"}
    )
    if parcel.case:
        parts.append(f"{parcel.case['number']} {Status(parcel.case['status']).label}")
    else:
        parts.append(gettext("no case"))
    return " · ".join(str(part) for part in parts)


def _scale_bar(width: int, scale: float) -> dict:
    """A bar of a round length (1, 2 or 5 × 10ⁿ m) about a fifth of the map wide."""
    metres_per_unit = METRES_PER_DEGREE / scale
    target = width / 5 * metres_per_unit
    magnitude = 10 ** math.floor(math.log10(target))
    length = max((f * magnitude for f in (1, 2, 5) if f * magnitude <= target), default=magnitude)
    units = length / metres_per_unit
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    return {"x": 16, "width": round(units, 1), "label": label}


def _background(west: float, south: float, east: float, north: float, width: int, height: int) -> str:
    base = settings.PARKLAND_MAP_WMS_URL
    if not base:
        return ""
    query = {
        "SERVICE": "WMS",
        "REQUEST": "GetMap",
        "VERSION": "1.3.0",
        "CRS": "EPSG:4490",
        # WMS 1.3.0 gives EPSG:4490's axes in its own order: latitude first.
        "BBOX": f"{south:.7f},{west:.7f},{north:.7f},{east:.7f}",
        "WIDTH": width,
        "HEIGHT": height,
    }
    return base + ("&" if "?" in base else "?") + urlencode(query)
