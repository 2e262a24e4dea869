"""Builders of the map and boundary tests: parcels with boundaries, and boundary files written
the way surveyors write them (界址点坐标 TXT in CGCS2000 zone 38)."""

from decimal import Decimal

from pyproj import Transformer

from cases.mapping.checks import area_m2
from cases.models import LandParcel

TO_LONLAT = Transformer.from_crs(4526, 4490, always_xy=True)
# A corner in zone 38 (prefixed easting), near the Xinqing park.
EAST, NORTH = 38_416_200.0, 2_457_300.0


def rectangle(east: float, north: float, width: float, depth: float) -> list[tuple[float, float]]:
    """Corners (easting, northing) of a rectangle whose north-west corner is (east, north)."""
    return [(east, north), (east + width, north), (east + width, north - depth), (east, north - depth)]


def lonlat_polygon(corners: list[tuple[float, float]]) -> dict:
    ring = [[round(c, 8) for c in TO_LONLAT.transform(e, n)] for e, n in corners]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def true_area(corners) -> Decimal:
    return area_m2(lonlat_polygon(corners))


def txt_block(number: int, name: str, corners, *, prefix: bool = True) -> list[str]:
    lines = [f"{len(corners) + 1},0.0000,{number},{name},面,,工业用地,0601,@"]
    for index, (e, n) in enumerate([*corners, corners[0]], start=1):
        easting = e if prefix else e - 38_000_000
        lines.append(f"J{index if index <= len(corners) else 1},1,{n:.3f},{easting:.3f}")
    return lines


def txt_file(
    blocks: list[tuple[str, list]], *, zone_line: str | None = "带号=38", prefix: bool = True
) -> str:
    lines = ["[属性描述]", "坐标系=2000国家大地坐标系", "几度分带=3", "投影类型=高斯克吕格", "计量单位=米"]
    if zone_line:
        lines.append(zone_line)
    lines.append("[地块坐标]")
    for number, (name, corners) in enumerate(blocks, start=1):
        lines += txt_block(number, name, corners, prefix=prefix)
    return "\n".join(lines) + "\n"


def side_by_side(count: int, *, width: float = 100.0, depth: float = 100.0, gap: float = 10.0) -> list[list]:
    """`count` rectangles in a row, `gap` metres apart."""
    return [rectangle(EAST + i * (width + gap), NORTH, width, depth) for i in range(count)]


def parcels_for_corners(make_parcel, park, corners_list, *, prefix: str = "ZD") -> list[LandParcel]:
    """A parcel per rectangle, its recorded area the rectangle's true area."""
    return [
        make_parcel(park=park, code=f"{prefix}-{i + 1:02d}", area_m2=str(true_area(corners)))
        for i, corners in enumerate(corners_list)
    ]
