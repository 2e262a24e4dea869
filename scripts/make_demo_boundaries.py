"""Write cases/demo/xq_boundaries.txt: fictional boundaries of the demo's XQ parcels near the real
Xinqing park (Doumen, Zhuhai, about 113.2°E 22.2°N), in the 界址点坐标 TXT format, CGCS2000 3-degree
Gauss-Krüger zone 38 (central meridian 114°E) with the zone prefix.

Each parcel is a parallelogram on its road's block, sized so that its true area (equal-area
projection) is its recorded area. Run again only when the demo's parcels change:
    .venv/bin/python scripts/make_demo_boundaries.py
"""

import os
import sys
from decimal import Decimal
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkland.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "make-demo-boundaries")
django.setup()

from pyproj import Transformer  # noqa: E402

from cases.demo.data import PARCELS  # noqa: E402
from cases.mapping.checks import area_m2  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "cases" / "demo" / "xq_boundaries.txt"
ORIGIN_E, ORIGIN_N = 38_416_200.0, 2_457_300.0  # north-west corner of block A, zone 38 with prefix
DEPTH = {"A": 190.0, "B": 230.0, "C": 240.0, "D": 250.0, "E": 215.0, "F": 160.0, "G": 170.0}
ROAD, GAP, SKEW = 34.0, 12.0, 0.12  # road width, gap between plots, eastward lean per metre south
USE = {
    "industrial": ("工业用地", "0601"),
    "warehouse": ("仓储用地", "0604"),
    "new_industrial": ("新型产业用地", "0601"),
}
to_lonlat = Transformer.from_crs(4526, 4490, always_xy=True)


def corners(east: float, north: float, width: float, depth: float) -> list[tuple[float, float]]:
    lean = SKEW * depth
    return [
        (east, north),
        (east + width, north),
        (east + width + lean, north - depth),
        (east + lean, north - depth),
    ]


def true_area(points) -> Decimal:
    ring = [list(to_lonlat.transform(e, n)) for e, n in points]
    return area_m2({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})


def main() -> None:
    lines = [
        "[属性描述]",
        "格式版本号=1.01版本",
        "数据产生单位=新青科技工业园规划国土办（演示数据，坐标虚构）",
        "数据产生日期=2026-11-26",
        "坐标系=2000国家大地坐标系",
        "几度分带=3",
        "投影类型=高斯克吕格",
        "计量单位=米",
        "带号=38",
        "精度=0.001",
        "转换参数=,,,,,,",
        "[地块坐标]",
    ]
    north, block, east = ORIGIN_N, None, ORIGIN_E
    for number, (code, _seq, _holder, _road, area, use, _unit) in enumerate(PARCELS["XQ"], start=1):
        letter = code.split("-")[1][0]
        if letter != block:
            if block is not None:
                north -= DEPTH[block] + ROAD
            block, east = letter, ORIGIN_E + SKEW * (ORIGIN_N - north)
        depth, recorded = DEPTH[letter], Decimal(area)
        width = float(recorded) / depth
        for _ in range(3):  # the projection's scale: widen until the true area is the recorded one
            width *= float(recorded / true_area(corners(east, north, width, depth)))
        points = corners(east, north, width, depth)
        name, code_2017 = USE[use]
        hectares = (recorded / 10000).quantize(Decimal("0.0001"))
        lines.append(f"{len(points) + 1},{hectares},{number},{code},面,,{name},{code_2017},@")
        for index, (e, n) in enumerate([*points, points[0]], start=1):
            label = index if index <= len(points) else 1
            lines.append(f"J{label},1,{n:.3f},{e:.3f}")
        east += width + GAP
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(PARCELS['XQ'])} parcels")


if __name__ == "__main__":
    main()
