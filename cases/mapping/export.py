"""The parcels out, for the city's GIS: GeoJSON (EPSG:4490) and a zipped ESRI Shapefile, each
parcel with its current case's status and its figures."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal

import shapefile
from pyproj import CRS
from pyproj.enums import WktVersion
from shapely.geometry import mapping
from shapely.geometry import shape as to_shapely
from shapely.geometry.polygon import orient

from ..models import Status, m2_to_mu
from .colours import MapParcel
from .crs import STORED_EPSG


def _text(value) -> str:
    return "" if value is None else str(value)


def properties(parcel: MapParcel) -> dict:
    """A parcel's attributes as the exports write them; `code`, `area_m2` and `status` always."""
    case = parcel.case or {}
    figures = parcel.extra.get("figures", {})
    return {
        "code": parcel.code,
        "park": parcel.park,
        "unit_number": figures.get("unit_number", ""),
        "cadastral_code": figures.get("cadastral_code", ""),
        "location": parcel.location,
        "land_user": parcel.land_user,
        "land_use": figures.get("land_use", ""),
        "area_m2": f"{parcel.area_m2:.2f}",
        "area_mu": f"{m2_to_mu(parcel.area_m2):.2f}",
        "case_number": case.get("number", ""),
        "status": case.get("status", ""),
        "status_label": str(Status(case["status"]).label) if case else "",
        "category": case.get("category", ""),
        "invested_wan": _text(figures.get("invested_wan")),
        "annual_tax_wan": _text(figures.get("annual_tax_wan")),
        "annual_output_wan": _text(figures.get("annual_output_wan")),
        "actual_plot_ratio": _text(figures.get("actual_plot_ratio")),
    }


def feature_collection(parcels: list[MapParcel]) -> dict:
    """The parcels with a boundary as a GeoJSON FeatureCollection in EPSG:4490 (named in the legacy
    `crs` member, which GIS software reads; the coordinates are longitude, latitude)."""
    return {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{STORED_EPSG}"}},
        "features": [
            {
                "type": "Feature",
                "id": parcel.code,
                "geometry": _geometry(parcel.boundary),
                "properties": properties(parcel),
            }
            for parcel in parcels
            if parcel.boundary
        ],
    }


def _geometry(boundary: dict) -> dict:
    return boundary.get("geometry") if boundary.get("type") == "Feature" else boundary


def geojson_bytes(parcels: list[MapParcel]) -> bytes:
    return json.dumps(feature_collection(parcels), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# dBASE field names have at most 10 letters.
SHAPEFILE_FIELDS = (
    ("CODE", "code", "C", 40),
    ("PARK", "park", "C", 20),
    ("UNIT_NO", "unit_number", "C", 28),
    ("ZDDM", "cadastral_code", "C", 19),
    ("LOCATION", "location", "C", 120),
    ("LAND_USER", "land_user", "C", 120),
    ("LAND_USE", "land_use", "C", 20),
    ("AREA_M2", "area_m2", "N", 16),
    ("AREA_MU", "area_mu", "N", 14),
    ("CASE_NO", "case_number", "C", 30),
    ("STATUS", "status", "C", 20),
    ("STATUS_ZH", "status_label", "C", 40),
    ("CATEGORY", "category", "C", 20),
    ("INVEST_WAN", "invested_wan", "N", 16),
    ("TAX_WAN", "annual_tax_wan", "N", 16),
    ("OUTPUT_WAN", "annual_output_wan", "N", 16),
    ("PLOT_RATIO", "actual_plot_ratio", "N", 8),
)


def shapefile_zip(parcels: list[MapParcel], stem: str = "parcels") -> bytes:
    """The parcels with a boundary as a Shapefile (.shp, .shx, .dbf in UTF-8, .cpg, .prj), zipped."""
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="utf-8")
    for name, _key, kind, size in SHAPEFILE_FIELDS:
        writer.field(name, kind, size=size, decimal=2 if kind == "N" else 0)
    for parcel in parcels:
        if not parcel.boundary:
            continue
        writer.poly(_shapefile_rings(_geometry(parcel.boundary)))
        values = properties(parcel)
        writer.record(*(_dbf_value(values[key], kind) for _name, key, kind, _size in SHAPEFILE_FIELDS))
    writer.close()
    prj = CRS.from_epsg(STORED_EPSG).to_wkt(WktVersion.WKT1_ESRI)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for ext, data in (("shp", shp.getvalue()), ("shx", shx.getvalue()), ("dbf", dbf.getvalue())):
            archive.writestr(f"{stem}.{ext}", data)
        archive.writestr(f"{stem}.cpg", "UTF-8")
        archive.writestr(f"{stem}.prj", prj)
    return out.getvalue()


def _dbf_value(value: str, kind: str):
    if kind != "N":
        return value
    return Decimal(value) if value else None


def _shapefile_rings(geometry: dict) -> list[list]:
    """Rings as a Shapefile wants them: outer rings clockwise, holes counter-clockwise."""
    shape = to_shapely(geometry)
    polygons = list(shape.geoms) if shape.geom_type == "MultiPolygon" else [shape]
    rings = []
    for polygon in polygons:
        oriented = mapping(orient(polygon, sign=-1.0))["coordinates"]
        rings.extend([list(map(list, ring)) for ring in oriented])
    return rings
