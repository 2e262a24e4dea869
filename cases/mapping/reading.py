"""Reading boundary files into shapes in EPSG:4490: GeoJSON, a zipped ESRI Shapefile, and the
Ministry of Natural Resources' boundary-point coordinate text (界址点坐标 TXT)."""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
from dataclasses import dataclass, field

import shapefile
from django.utils.translation import gettext
from pyproj import CRS

from .crs import (
    DECIMALS,
    STORED_EPSG,
    CrsProblem,
    crs_from_text,
    to_stored,
    zone_epsg,
    zone_of_easting,
    zone_of_meridian,
)

# How files name the parcel a shape belongs to (lower case; dBASE cuts field names at 10 letters).
CODE_KEYS = ("code", "parcel_code", "parcel", "宗地编号", "zdbh")
UNIT_KEYS = ("unit_number", "unit_numbe", "unit_no", "不动产单元号", "bdcdyh")
CADASTRAL_KEYS = ("cadastral_code", "cadastral_", "宗地代码", "zddm")
PARK_KEYS = ("park", "park_code", "园区代码")


class BoundaryFileError(Exception):
    """The file as a whole cannot be read; `message` says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Vertex:
    ring: int  # 1: the outer ring of the first polygon, counting on through holes and parts
    index: int  # 1-based, within its ring
    name: str  # J3 in a TXT file, else its index
    source: tuple[float, float]  # as written: X northing, Y easting in a TXT; x, y otherwise
    stored: tuple[float, float]  # longitude, latitude (EPSG:4490)


@dataclass
class Shape:
    """One parcel's boundary as the file gives it, transformed to EPSG:4490."""

    number: int  # its place in the file: feature, record or block
    code: str = ""
    unit_number: str = ""
    cadastral_code: str = ""
    park: str = ""
    geometry: dict | None = None  # GeoJSON Polygon or MultiPolygon in EPSG:4490
    vertices: list[Vertex] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.code or self.unit_number or self.cadastral_code


@dataclass
class BoundaryFile:
    kind: str  # "geojson", "shapefile" or "txt"
    source_crs: str  # e.g. "EPSG:4526" or the CRS's name
    shapes: list[Shape]


def read_boundaries(data: bytes, *, zone: int | None = None) -> BoundaryFile:
    """The shapes of a boundary file, whichever of the three formats it is (told from its bytes).

    `zone` is the 3-degree zone of projected coordinates when the file does not say it.
    """
    if data[:4] == b"PK\x03\x04":
        return read_shapefile_zip(data, zone=zone)
    text = _decode(data)
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return read_geojson(stripped, zone=zone)
    if "[地块坐标]" in text:
        return read_coordinate_txt(text, zone=zone)
    raise BoundaryFileError(
        gettext(
            "This is not a boundary file Parkland reads: give GeoJSON, a Shapefile as a zip "
            "(.shp, .shx, .dbf and .prj) or a boundary-point coordinate TXT with a [地块坐标] section."
        )
    )


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BoundaryFileError(gettext("The file is neither UTF-8 nor GB18030 text."))


def _value(properties: dict, keys: tuple[str, ...]) -> str:
    lowered = {str(k).strip().lower(): v for k, v in (properties or {}).items()}
    for key in keys:
        value = lowered.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _zone_crs(zone: int | None, easting: float) -> CRS:
    """The Gauss-Krüger zone of projected coordinates: the prefix of the easting, else `zone`."""
    prefixed_zone = zone_of_easting(easting)
    if prefixed_zone is not None:
        if zone is not None and zone != prefixed_zone:
            raise BoundaryFileError(
                gettext("The coordinates are in zone %(file)s, not in the chosen zone %(chosen)s.")
                % {"file": prefixed_zone, "chosen": zone}
            )
        return CRS.from_epsg(zone_epsg(prefixed_zone, prefixed=True))
    if zone is None:
        raise BoundaryFileError(
            gettext(
                "The coordinates are projected (metres) but the file does not say in which "
                "Gauss-Krüger zone: choose the 3-degree zone (e.g. 38 for central meridian 114°E)."
            )
        )
    try:
        return CRS.from_epsg(zone_epsg(zone, prefixed=False))
    except CrsProblem:
        raise BoundaryFileError(
            gettext("Zone %(zone)s is not a 3-degree zone of China (25 to 45).") % {"zone": zone}
        ) from None


def _stored_geometry(shape: Shape, polygons: list[list[list]], transform, names=None) -> None:
    """Transform `polygons` (rings of (x, y), easting first) into the shape's GeoJSON geometry."""
    rings_out, ring_number = [], 0
    for polygon in polygons:
        out_polygon = []
        for ring in polygon:
            ring_number += 1
            out_ring = []
            for index, (x, y) in enumerate(ring, start=1):
                lon, lat = transform(x, y)
                point = (round(lon, DECIMALS), round(lat, DECIMALS))
                name = names[ring_number - 1][index - 1] if names else str(index)
                source = (y, x) if names else (x, y)
                shape.vertices.append(Vertex(ring_number, index, name, source, point))
                out_ring.append(list(point))
            out_polygon.append(out_ring)
        rings_out.append(out_polygon)
    if len(rings_out) == 1:
        shape.geometry = {"type": "Polygon", "coordinates": rings_out[0]}
    else:
        shape.geometry = {"type": "MultiPolygon", "coordinates": rings_out}


def _polygons_of(geometry: dict) -> list[list[list]]:
    kind, coordinates = (geometry or {}).get("type"), (geometry or {}).get("coordinates")
    if kind == "Polygon" and isinstance(coordinates, list):
        polygons = [coordinates]
    elif kind == "MultiPolygon" and isinstance(coordinates, list):
        polygons = coordinates
    else:
        raise ValueError(gettext("not a Polygon or MultiPolygon (%(kind)s)") % {"kind": kind or "—"})
    try:
        return [[[(float(p[0]), float(p[1])) for p in ring] for ring in polygon] for polygon in polygons]
    except (TypeError, ValueError, IndexError) as error:
        raise ValueError(gettext("a coordinate is not a pair of numbers")) from error


# GeoJSON -------------------------------------------------------------------------------------------


def read_geojson(text: str, *, zone: int | None = None) -> BoundaryFile:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BoundaryFileError(
            gettext("The GeoJSON cannot be read: %(error)s (line %(line)s).")
            % {"error": error.msg, "line": error.lineno}
        ) from error
    if not isinstance(document, dict):
        raise BoundaryFileError(gettext("The GeoJSON must be a FeatureCollection or a Feature."))
    features = document.get("features") if document.get("type") == "FeatureCollection" else [document]
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        raise BoundaryFileError(gettext("The GeoJSON must be a FeatureCollection or a Feature."))
    crs, label = _geojson_crs(document, features, zone)
    transform = to_stored(crs)
    shapes = []
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        shape = _shape_with_keys(number, properties)
        try:
            _stored_geometry(shape, _polygons_of(feature.get("geometry")), transform)
        except ValueError as error:
            shape.problems.append(gettext("The geometry is %(why)s.") % {"why": error})
        shapes.append(shape)
    return BoundaryFile("geojson", label, shapes)


def _shape_with_keys(number: int, properties: dict) -> Shape:
    return Shape(
        number=number,
        code=_value(properties, CODE_KEYS),
        unit_number=_value(properties, UNIT_KEYS),
        cadastral_code=_value(properties, CADASTRAL_KEYS),
        park=_value(properties, PARK_KEYS),
    )


def _first_x(features: list[dict]) -> float | None:
    for feature in features:
        try:
            return float(_polygons_of(feature.get("geometry"))[0][0][0][0])
        except (ValueError, IndexError):
            continue
    return None


def _geojson_crs(document: dict, features: list[dict], zone: int | None) -> tuple[CRS, str]:
    """The CRS the file names (the legacy `crs` member), else EPSG:4490, else a chosen zone when
    the numbers are metres."""
    named = ((document.get("crs") or {}).get("properties") or {}).get("name")
    if named:
        try:
            crs = crs_from_text(str(named))
        except CrsProblem as error:
            raise BoundaryFileError(
                gettext("The file's coordinate system %(crs)s is unknown (%(error)s).")
                % {"crs": named, "error": error}
            ) from error
        return crs, str(named)
    first = _first_x(features)
    if first is not None and abs(first) > 360:
        crs = _zone_crs(zone, first)
        return crs, f"EPSG:{crs.to_epsg()}"
    return CRS.from_epsg(STORED_EPSG), f"EPSG:{STORED_EPSG}"


# Shapefile -----------------------------------------------------------------------------------------


def read_shapefile_zip(data: bytes, *, zone: int | None = None) -> BoundaryFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = {name.lower().rsplit(".", 1)[-1]: name for name in archive.namelist() if "." in name}
        parts = {
            ext: archive.read(members[ext]) for ext in ("shp", "shx", "dbf", "prj", "cpg") if ext in members
        }
    except (zipfile.BadZipFile, OSError, KeyError) as error:
        raise BoundaryFileError(gettext("The zip cannot be read: %(error)s") % {"error": error}) from error
    missing = [f".{ext}" for ext in ("shp", "shx", "dbf") if ext not in parts]
    if missing:
        raise BoundaryFileError(
            gettext("The zip holds no %(missing)s: a Shapefile needs its .shp, .shx and .dbf (and .prj).")
            % {"missing": ", ".join(missing)}
        )
    encoding = parts.get("cpg", b"").decode("ascii", "ignore").strip() or "utf-8"
    try:
        reader = _shapefile_reader(parts, encoding)
        records = list(reader.iterShapeRecords())
    except (shapefile.ShapefileException, UnicodeDecodeError, LookupError, ValueError, struct.error):
        raise BoundaryFileError(gettext("The Shapefile in the zip cannot be read.")) from None
    geometries = [record.shape.__geo_interface__ for record in records]
    crs, label = _shapefile_crs(parts.get("prj"), geometries, zone)
    transform = to_stored(crs)
    shapes = []
    for number, (record, geometry) in enumerate(zip(records, geometries, strict=True), start=1):
        shape = _shape_with_keys(number, record.record.as_dict())
        try:
            _stored_geometry(shape, _polygons_of(geometry), transform)
        except ValueError as error:
            shape.problems.append(gettext("The geometry is %(why)s.") % {"why": error})
        shapes.append(shape)
    return BoundaryFile("shapefile", label, shapes)


def _shapefile_reader(parts: dict, encoding: str) -> shapefile.Reader:
    def reader(enc):
        return shapefile.Reader(
            shp=io.BytesIO(parts["shp"]),
            shx=io.BytesIO(parts["shx"]),
            dbf=io.BytesIO(parts["dbf"]),
            encoding=enc,
        )

    try:
        found = reader(encoding)
        list(found.iterRecords())
        return reader(encoding)
    except UnicodeDecodeError:
        return reader("gb18030")


def _shapefile_crs(prj: bytes | None, geometries: list[dict], zone: int | None) -> tuple[CRS, str]:
    if prj:
        try:
            crs = crs_from_text(prj.decode("utf-8", "replace"))
        except CrsProblem as error:
            raise BoundaryFileError(
                gettext("The .prj names a coordinate system Parkland does not know (%(error)s).")
                % {"error": error}
            ) from error
        return crs, crs.name
    first = _first_x([{"geometry": g} for g in geometries])
    if first is not None and abs(first) > 360:
        crs = _zone_crs(zone, first)
        return crs, f"EPSG:{crs.to_epsg()}"
    return CRS.from_epsg(STORED_EPSG), f"EPSG:{STORED_EPSG}"


# 界址点坐标 TXT --------------------------------------------------------------------------------------

POINT_LINE = re.compile(r"^\s*([^,，]+)[,，]\s*(\d+)\s*[,，]\s*(-?[\d.]+)\s*[,，]\s*(-?[\d.]+)\s*$")


def read_coordinate_txt(text: str, *, zone: int | None = None) -> BoundaryFile:
    """The 界址点坐标 format: `[属性描述]` key=value lines, then `[地块坐标]` with, for each parcel, a
    line `点数,面积,地块号,地块名称,面,图幅号,用途,地类编码,@` and its points `J1,1,X,Y`
    (point name, ring number, X northing, Y easting), each ring closed on its first point."""
    header, blocks = _txt_sections(text)
    _refuse_other_systems(header)
    file_zone = _txt_zone(header, zone)
    shapes, first_easting = [], None
    for number, (line, points) in enumerate(blocks, start=1):
        fields = [f.strip() for f in re.split(r"[,，]", line)]
        name = fields[3] if len(fields) > 3 else ""
        block_number = fields[2] if len(fields) > 2 else ""
        shape = Shape(number=number, code=name or block_number)
        if re.fullmatch(r"\d{12}[GJZ][A-Z]\d{5}[FLQW]\d{8}", shape.code):
            shape.unit_number, shape.code = shape.code, ""
        shapes.append((shape, points))
        if points and first_easting is None:
            first_easting = points[0][3]
    if first_easting is None:
        raise BoundaryFileError(gettext("The [地块坐标] section holds no parcel with points."))
    crs = _zone_crs(file_zone, first_easting)
    transform = to_stored(crs)
    for shape, points in shapes:
        _txt_shape(shape, points, transform)
    return BoundaryFile("txt", f"EPSG:{crs.to_epsg()}", [shape for shape, _points in shapes])


def _txt_sections(text: str) -> tuple[dict, list]:
    header, blocks, section = {}, [], ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line
            continue
        if section == "[属性描述]" and "=" in line:
            key, _sep, value = line.partition("=")
            header[key.strip()] = value.strip()
        elif section == "[地块坐标]":
            match = POINT_LINE.match(line)
            if match and blocks:
                name, ring, x, y = match.groups()
                blocks[-1][1].append((name.strip(), int(ring), float(x), float(y)))
            elif line.rstrip(",， ").endswith("@"):
                blocks.append((line, []))
            else:
                raise BoundaryFileError(
                    gettext(
                        "Line %(line)s of the [地块坐标] section is neither a parcel line "
                        "nor a point: %(text)s"
                    )
                    % {"line": number, "text": line[:80]}
                )
    if not blocks:
        raise BoundaryFileError(gettext("The [地块坐标] section holds no parcel."))
    return header, blocks


def _refuse_other_systems(header: dict) -> None:
    system = header.get("坐标系", "")
    if system and not re.search(r"2000|CGCS", system, re.IGNORECASE):
        raise BoundaryFileError(
            gettext(
                "The file is in %(system)s; Parkland reads CGCS2000 (2000国家大地坐标系) coordinates only."
            )
            % {"system": system}
        )
    width = header.get("几度分带", "3").strip()
    if width not in ("", "3"):
        raise BoundaryFileError(
            gettext("The file uses %(width)s-degree zones; Parkland reads 3-degree Gauss-Krüger zones.")
            % {"width": width}
        )


def _txt_zone(header: dict, chosen: int | None) -> int | None:
    """The zone the header gives (带号, or the central meridian), checked against the chosen one."""
    said = None
    if header.get("带号", "").strip().isdigit():
        said = int(header["带号"])
    for key in ("中央子午线", "中央经线"):
        meridian = re.sub(r"[^\d.]", "", header.get(key, ""))
        if meridian and said is None:
            said = zone_of_meridian(float(meridian))
    if said is not None and chosen is not None and said != chosen:
        raise BoundaryFileError(
            gettext("The file says zone %(file)s, not the chosen zone %(chosen)s.")
            % {"file": said, "chosen": chosen}
        )
    return said if said is not None else chosen


def _txt_shape(shape: Shape, points: list, transform) -> None:
    rings: dict[int, list] = {}
    for name, ring, x, y in points:
        rings.setdefault(ring, []).append((name, x, y))
    if not rings:
        shape.problems.append(gettext("The parcel has no points."))
        return
    polygons, names = [], []
    for ring_number in sorted(rings):
        ring = rings[ring_number]
        if len(ring) > 1 and ring[0][1:] != ring[-1][1:]:
            ring.append(ring[0])  # closed on its first point, as the format intends
        # TXT X is northing, Y easting: easting first for the transform.
        coordinates = [(y, x) for _name, x, y in ring]
        polygon = [coordinates]
        names.append([name for name, _x, _y in ring])
        if ring_number == 1 or not polygons:
            polygons.append(polygon)
        else:
            polygons[0].append(coordinates)  # an inner ring (圈号 2, 3 …): a hole of the parcel
    _stored_geometry(shape, polygons, transform, names=names)
