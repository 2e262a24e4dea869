"""Parcel boundaries in (issue 17): the 界址点坐标 TXT, GeoJSON and Shapefile read and transformed to
EPSG:4490, matched to parcels, checked with shapely, and imported all or nothing."""

import io
import json
import zipfile
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from pyproj import Transformer

from cases.demo.boundaries import BOUNDARY_FILE, load_demo_boundaries
from cases.demo.data import PARCELS
from cases.mapping.checks import area_m2
from cases.mapping.colours import MapParcel
from cases.mapping.export import geojson_bytes, shapefile_zip
from cases.mapping.importing import import_boundaries
from cases.mapping.parcels import map_parcels
from cases.models import LandParcel, Membership
from tests import factories
from tests.worlds.mapping import (
    EAST,
    NORTH,
    lonlat_polygon,
    parcels_for_corners,
    rectangle,
    side_by_side,
    txt_file,
)

pytestmark = pytest.mark.django_db
R = Membership.Role


@pytest.fixture(autouse=True)
def _in_english():
    """Messages are matched to their msgids (the command line works in Chinese otherwise)."""
    with translation.override("en"):
        yield


@pytest.fixture
def park():
    return factories.make_park(code="XQ", name="新青科技工业园")


@pytest.fixture
def three(park):
    corners = side_by_side(3)
    return parcels_for_corners(factories.make_parcel, park, corners), corners


def _txt(blocks, **kwargs) -> bytes:
    return txt_file(blocks, **kwargs).encode("utf-8")


def test_the_demo_txt_gives_every_xq_parcel_a_boundary_within_one_per_cent(park):
    # The demo's XQ parcels as cases.demo.data records them (load_demo imports the same file).
    for code, _seq, _holder, road, area, use, _unit in PARCELS["XQ"]:
        factories.make_parcel(park=park, code=code, location=road, area_m2=area, land_use=use)
    factories.make_parcel(park=factories.make_park(code="DEMO2"), code="D2-01")
    report = load_demo_boundaries()
    assert report.ok and report.created == 34 and not report.warnings, report
    parcels = list(LandParcel.objects.filter(park__code="XQ"))
    assert len(parcels) == 34
    for parcel in parcels:
        assert parcel.boundary is not None, parcel.code
        computed = area_m2(parcel.boundary)
        assert abs(computed - parcel.area_m2) / parcel.area_m2 <= Decimal("0.01"), parcel.code
        lon, lat = parcel.boundary["coordinates"][0][0]
        assert 113.1 < lon < 113.3 and 22.1 < lat < 22.3  # near the real park, Doumen
    assert LandParcel.objects.filter(park__code="DEMO2", boundary__isnull=False).count() == 0
    again = import_boundaries(BOUNDARY_FILE.read_bytes(), file_name="again.txt", park=parcels[0].park)
    assert again.ok and again.unchanged == 34 and not again.changes_anything


def test_a_txt_file_is_transformed_from_zone_38_to_cgcs2000(three, park):
    parcels, corners = three
    report = import_boundaries(
        _txt([(p.code, c) for p, c in zip(parcels, corners, strict=True)]), file_name="zd.txt", park=park
    )
    assert report.ok and report.created == 3, report
    stored = LandParcel.objects.get(pk=parcels[0].pk).boundary
    expected = Transformer.from_crs(4526, 4490, always_xy=True).transform(EAST, NORTH)
    assert stored["type"] == "Polygon"
    assert stored["coordinates"][0][0] == pytest.approx(list(expected), abs=1e-8)
    assert report.counts["crs"] == "EPSG:4526"
    history = LandParcel.history.filter(id=parcels[0].pk).latest("history_date")
    assert history.history_change_reason.startswith("导入界址 boundary imported from zd.txt (")


def test_a_file_with_a_self_intersecting_polygon_and_an_unknown_parcel_is_refused_whole(three, park):
    parcels, corners = three
    bow_tie = [corners[1][0], corners[1][2], corners[1][1], corners[1][3]]  # J2 and J3 swapped
    report = import_boundaries(
        _txt([(parcels[0].code, corners[0]), (parcels[1].code, bow_tie), ("ZD-99", corners[2])]),
        file_name="bad.txt",
        park=park,
    )
    assert not report.ok and report.refused == 2
    refused = {row.parcel: row.problems[0] for row in report.rows if row.outcome == "refused"}
    assert "crosses itself" in refused[parcels[1].code].reason
    assert "point J" in refused[parcels[1].code].reason
    assert "ZD-99" in refused["ZD-99"].reason and "XQ" in refused["ZD-99"].reason
    assert not LandParcel.objects.filter(boundary__isnull=False).exists()  # the good one neither


def test_a_zone_is_needed_for_coordinates_without_prefix_or_header(three, park):
    parcels, corners = three
    data = _txt([(parcels[0].code, corners[0])], zone_line=None, prefix=False)
    report = import_boundaries(data, file_name="nozone.txt", park=park, dry_run=True)
    assert report.errors and "zone" in report.errors[0]
    report = import_boundaries(data, file_name="nozone.txt", park=park, zone=38)
    assert report.ok and report.created == 1
    assert area_m2(LandParcel.objects.get(pk=parcels[0].pk).boundary) == parcels[0].area_m2


def test_a_gb18030_txt_with_the_central_meridian_is_read(three, park):
    parcels, corners = three
    text = txt_file([(parcels[0].code, corners[0])], zone_line="中央子午线=114", prefix=False)
    report = import_boundaries(text.encode("gb18030"), file_name="gbk.txt", park=park)
    assert report.ok and report.created == 1


def test_a_file_of_another_datum_is_refused(three, park):
    parcels, corners = three
    text = txt_file([(parcels[0].code, corners[0])]).replace("2000国家大地坐标系", "1980西安坐标系")
    report = import_boundaries(text.encode(), file_name="xian80.txt", park=park)
    assert report.errors and "1980西安坐标系" in report.errors[0]


def test_an_area_off_its_record_is_warned_above_the_tolerance(three, park, settings):
    parcels, corners = three
    LandParcel.objects.filter(pk=parcels[0].pk).update(area_m2=parcels[0].area_m2 * Decimal("1.02"))
    report = import_boundaries(
        _txt([(parcels[0].code, corners[0])]), file_name="a.txt", park=park, dry_run=True
    )
    assert report.ok and report.rows[0].warnings and "-2.0 %" in report.rows[0].warnings[0]
    settings.PARKLAND_BOUNDARY_AREA_TOLERANCE_PCT = Decimal("3")
    report = import_boundaries(
        _txt([(parcels[0].code, corners[0])]), file_name="a.txt", park=park, dry_run=True
    )
    assert report.ok and not report.rows[0].warnings


def test_overlapping_parcels_are_listed(three, park):
    parcels, corners = three
    shifted = rectangle(EAST + 50, NORTH, 100, 100)  # half over the first
    report = import_boundaries(
        _txt([(parcels[0].code, corners[0]), (parcels[1].code, shifted)]),
        file_name="o.txt",
        park=park,
        dry_run=True,
    )
    assert report.ok
    assert len(report.warnings) == 1
    assert parcels[0].code in report.warnings[0] and parcels[1].code in report.warnings[0]
    assert "5,000" in report.warnings[0] or "4,99" in report.warnings[0]


def test_parcels_match_by_unit_number(park):
    corners = side_by_side(1)
    unit = "440403001001GB00001W00000000"
    parcel = parcels_for_corners(factories.make_parcel, park, corners)[0]
    LandParcel.objects.filter(pk=parcel.pk).update(unit_number=unit)
    report = import_boundaries(_txt([(unit, corners[0])]), file_name="u.txt", park=park)
    assert report.ok and report.created == 1 and report.rows[0].parcel == parcel.code


def test_a_geojson_export_imports_back_unchanged(three, park):
    parcels, corners = three
    import_boundaries(
        _txt([(p.code, c) for p, c in zip(parcels, corners, strict=True)]), file_name="a.txt", park=park
    )
    before = {p.pk: p.boundary for p in LandParcel.objects.all()}
    exported = geojson_bytes(map_parcels(LandParcel.objects.all()))
    report = import_boundaries(exported, file_name="parcels.geojson")  # parks from the features
    assert report.ok and report.unchanged == 3 and not report.changes_anything, report
    assert {p.pk: p.boundary for p in LandParcel.objects.all()} == before
    features = json.loads(exported)["features"]
    assert {"code", "area_m2", "status"} <= set(features[0]["properties"])


def test_a_projected_geojson_names_its_crs(three, park):
    parcels, corners = three
    ring = [[e, n] for e, n in [*corners[0], corners[0][0]]]
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4526"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"宗地编号": parcels[0].code},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    report = import_boundaries(json.dumps(document).encode(), file_name="p.geojson", park=park)
    assert report.ok and report.created == 1
    assert LandParcel.objects.get(pk=parcels[0].pk).boundary == lonlat_polygon(corners[0])


def test_a_shapefile_export_imports_back_to_the_same_parcels_and_areas(three, park):
    parcels, corners = three
    for parcel, c in zip(parcels, corners, strict=True):
        LandParcel.objects.filter(pk=parcel.pk).update(boundary=lonlat_polygon(c))
    data = shapefile_zip(map_parcels(LandParcel.objects.all()))
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert {n.rsplit(".", 1)[1] for n in names} == {"shp", "shx", "dbf", "prj", "cpg"}
    LandParcel.objects.update(boundary=None)
    report = import_boundaries(data, file_name="parcels.zip")
    assert report.ok and report.created == 3, report
    for parcel in parcels:
        parcel.refresh_from_db()
        assert abs(area_m2(parcel.boundary) - parcel.area_m2) < Decimal("0.05")


def test_a_shape_of_another_park_is_not_matched_for_its_administrator(three, park):
    parcels, corners = three
    other = factories.make_park(code="QT")
    admin = factories.make_user(park=other, role=R.PARK_ADMIN)
    document = geojson_bytes(
        [
            MapParcel(
                pk=0,
                code=parcels[0].code,
                location="",
                park="XQ",
                land_user="",
                area_m2=parcels[0].area_m2,
                boundary=lonlat_polygon(corners[0]),
            )
        ]
    )
    report = import_boundaries(document, file_name="x.geojson", user=admin)
    assert not report.ok and "XQ" in report.rows[0].problems[0].reason
    assert LandParcel.objects.get(pk=parcels[0].pk).boundary is None


def test_the_command_checks_and_imports(tmp_path, three, park):
    parcels, corners = three
    path = tmp_path / "zd.txt"
    path.write_bytes(_txt([(p.code, c) for p, c in zip(parcels, corners, strict=True)]))
    out = StringIO()
    call_command("import_boundaries", str(path), "--park", "XQ", "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue() or "试运行" in out.getvalue()
    assert not LandParcel.objects.filter(boundary__isnull=False).exists()
    call_command("import_boundaries", str(path), "--park", "XQ", stdout=StringIO())
    assert LandParcel.objects.filter(boundary__isnull=False).count() == 3
    bad = tmp_path / "bad.txt"
    bad.write_bytes(_txt([("ZD-99", corners[0])]))
    with pytest.raises(CommandError):
        call_command("import_boundaries", str(bad), "--park", "XQ", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("import_boundaries", str(path), "--zone", "60", stdout=StringIO())


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01garbage",
        b"PK\x03\x04 not really a zip",
        b'{"type": "FeatureCollection", "features": [1, 2]}',
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "ZD-01"},'
        b' "geometry": {"type": "Point", "coordinates": [113.2, 22.2]}}]}',
        b'{"type": "Feature", "properties": {"code": "ZD-01"}, "geometry": {"type": "Polygon",'
        b' "coordinates": [[[113.2, 22.2], [113.3, 22.2], [113.2, 22.2]]]}}',
        b'{"type": "Feature", "properties": {"code": "ZD-01"}, "geometry": {"type": "Polygon",'
        b' "coordinates": [[["a", 22.2], [113.3, 22.2], [113.3, 22.3], ["a", 22.2]]]}}',
        b'{"crs": {"type": "name", "properties": {"name": "EPSG:99999"}},'
        b' "type": "FeatureCollection", "features": []}',
        "[属性描述]\n带号=38\n[地块坐标]\n4,0,1,ZD-01,面,,,,@\nJ1,1,abc,def\n".encode(),
        "[属性描述]\n带号=38\n[地块坐标]\n".encode(),
        "[属性描述]\n带号=99\n[地块坐标]\n5,0,1,ZD-01,面,,,,@\nJ1,1,2457300,417000\nJ2,1,2457300,417100\n"
        "J3,1,2457200,417100\nJ1,1,2457300,417000\n".encode(),
    ],
)
def test_a_bad_file_is_refused_with_a_reason_and_changes_nothing(three, park, data):
    report = import_boundaries(data, file_name="bad", park=park)
    assert not report.ok
    assert report.errors or all(row.problems for row in report.rows if row.outcome == "refused")
    assert not LandParcel.objects.filter(boundary__isnull=False).exists()


def test_the_database_refuses_a_boundary_that_is_not_a_polygon(park):
    from django.db import IntegrityError, transaction

    parcel = factories.make_parcel(park=park, boundary=lonlat_polygon(side_by_side(1)[0]))
    with pytest.raises(IntegrityError), transaction.atomic():
        LandParcel.objects.filter(pk=parcel.pk).update(
            boundary={"type": "Point", "coordinates": [113.2, 22.2]}
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LandParcel.objects.filter(pk=parcel.pk).update(boundary=[1, 2])
    LandParcel.objects.filter(pk=parcel.pk).update(boundary=None)
    LandParcel.objects.filter(pk=parcel.pk).update(boundary={"type": "MultiPolygon", "coordinates": []})
