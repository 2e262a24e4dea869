"""Coordinate systems: CGCS2000 geographic (EPSG:4490), where boundaries are stored, and its
3-degree Gauss-Krüger zones, in which surveyors write them (X northing, Y easting)."""

from __future__ import annotations

from functools import lru_cache

from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

STORED_EPSG = 4490  # CGCS2000 geographic: longitude, latitude in degrees
# 3-degree zones 25 (CM 75°E) to 45 (CM 135°E): EPSG:4513–4533 write the easting with the zone
# number in front (38 417 504.69), EPSG:4534–4554 without it (417 504.69).
FIRST_ZONE, LAST_ZONE = 25, 45
PREFIXED_EPSG, PLAIN_EPSG = 4513, 4534
DECIMALS = 8  # stored degrees: 1e-8° is about a millimetre


class CrsProblem(ValueError):
    """A coordinate system that cannot be used, in words for the report."""


def zone_epsg(zone: int, *, prefixed: bool) -> int:
    """The EPSG code of 3-degree Gauss-Krüger zone `zone` (25–45), with or without the zone prefix."""
    if not FIRST_ZONE <= zone <= LAST_ZONE:
        raise CrsProblem(f"zone {zone}")
    return (PREFIXED_EPSG if prefixed else PLAIN_EPSG) + zone - FIRST_ZONE


def zone_of_meridian(central_meridian: float) -> int | None:
    """The 3-degree zone whose central meridian is `central_meridian` (114 → 38), else None."""
    zone = round(central_meridian / 3)
    if abs(zone * 3 - central_meridian) > 1e-6 or not FIRST_ZONE <= zone <= LAST_ZONE:
        return None
    return zone


def zone_of_easting(easting: float) -> int | None:
    """The zone an easting written with its prefix names (38 417 504.69 → 38), else None."""
    if easting < 1_000_000:
        return None
    zone = int(easting // 1_000_000)
    return zone if FIRST_ZONE <= zone <= LAST_ZONE else None


def crs_from_text(text: str) -> CRS:
    """A CRS from WKT (a .prj), an "EPSG:4526" name or an OGC URN; CrsProblem if unknown."""
    try:
        return CRS.from_user_input(text.strip())
    except CRSError as error:
        raise CrsProblem(str(error).splitlines()[0][:120]) from error


@lru_cache(maxsize=64)
def _to_stored(source_wkt: str) -> Transformer:
    return Transformer.from_crs(CRS.from_wkt(source_wkt), STORED_EPSG, always_xy=True)


def to_stored(crs: CRS):
    """A function taking (x, y) in `crs`, easting or longitude first, to (longitude, latitude)."""
    if crs.to_epsg() == STORED_EPSG or crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        # WGS 84 and CGCS2000 differ by centimetres at most: the same numbers.
        return lambda x, y: (x, y)
    transformer = _to_stored(crs.to_wkt())
    return transformer.transform


@lru_cache(maxsize=256)
def _equal_area(lon0: float, lat0: float) -> Transformer:
    local = CRS.from_proj4(f"+proj=laea +lat_0={lat0} +lon_0={lon0} +ellps=GRS80 +units=m +no_defs")
    return Transformer.from_crs(STORED_EPSG, local, always_xy=True)


def equal_area_transformer(lon: float, lat: float) -> Transformer:
    """A Lambert equal-area projection centred near (lon, lat), in metres, on the CGCS2000
    ellipsoid: areas in it are true areas, whatever zone the parcel lies in."""
    return _equal_area(round(lon, 2), round(lat, 2))
