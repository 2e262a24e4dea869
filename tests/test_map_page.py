"""The park map (issue 17): /map/ as SVG with the case list's filters and colourings, its GeoJSON and
Shapefile, the boundary import page, the maps on the parcel, case and report pages; scoped to the
user's parks, in a number of queries that does not grow with the parcels."""

import io
import json
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import LandParcel, Membership
from tests import factories
from tests.worlds.mapping import EAST, NORTH, lonlat_polygon, rectangle, side_by_side, txt_file
from tests.worlds.staff import sign_in

pytestmark = pytest.mark.django_db
R = Membership.Role


def _parcels(park, count: int, *, offset: int = 0, prefix: str = "ZD"):
    made = []
    for i, corners in enumerate(side_by_side(count + offset)[offset:]):
        made.append(
            factories.make_parcel(
                park=park,
                code=f"{prefix}-{offset + i + 1:02d}",
                area_m2="10000.00",
                boundary=lonlat_polygon(corners),
                enterprise=factories.make_enterprise(park=park, name=f"珠海市测试{offset + i}有限公司"),
            )
        )
    return made


@pytest.fixture
def world():
    park = factories.make_park(code="XQ", name="新青科技工业园")
    other = factories.make_park(code="QT", name="其他园区")
    parcels = _parcels(park, 3)
    factories.make_case(parcel=parcels[0], status="investigating", low_willingness=True)
    factories.make_case(parcel=parcels[1], status="lead")
    theirs = _parcels(other, 1, prefix="QT")
    return {
        "park": park,
        "other": other,
        "parcels": parcels,
        "theirs": theirs,
        "viewer": factories.make_user(park=park, role=R.VIEWER),
        "officer": factories.make_user(park=park, role=R.OFFICER),
        "admin": factories.make_user(park=park, role=R.PARK_ADMIN),
        "other_admin": factories.make_user(park=other, role=R.PARK_ADMIN),
    }


def _paths(html: str) -> list[tuple[str, str]]:
    """(link, fill) of every parcel drawn."""
    return re.findall(
        r'<a href="([^"]+)"[^>]*><path class="parcel[^"]*" d="[^"]+" fill="(#[0-9a-f]{6})"', html
    )


def test_the_map_draws_the_users_parcels_coloured_by_status(client, world):
    sign_in(client, world["viewer"], language="zh-hans")
    response = client.get(reverse("map"))
    assert response.status_code == 200
    html = response.content.decode()
    drawn = _paths(html)
    assert [link for link, _fill in drawn] == [
        reverse("parcel-detail", args=[p.pk]) for p in world["parcels"]
    ]
    assert [fill for _link, fill in drawn] == ["#f4a259", "#f6d365", "#d9dde3"]  # investigating, lead, none
    assert "QT-" not in html  # another park's parcel is not drawn
    assert "<title>ZD-01 新青科技工业园 · 珠海市测试0有限公司 · 10,000.00 m²（15.00 亩）" in html
    assert "调查取证" in html  # the status in the hover title, in Chinese by default


def test_the_map_speaks_english_when_chosen(client, world):
    sign_in(client, world["viewer"])
    html = client.get(reverse("map")).content.decode()
    assert "Park map" in html and "10,000.00 m² (15.00 mu)" in html and "investigating" in html


def test_the_case_filters_choose_the_parcels_and_the_geojson_follows(client, world):
    sign_in(client, world["viewer"])
    html = client.get(reverse("map"), {"status": "lead"}).content.decode()
    assert [link for link, _f in _paths(html)] == [reverse("parcel-detail", args=[world["parcels"][1].pk])]
    data = json.loads(client.get(reverse("map-geojson"), {"status": "lead"}).content)
    assert [f["properties"]["code"] for f in data["features"]] == ["ZD-02"]
    properties = data["features"][0]["properties"]
    assert properties["status"] == "lead" and properties["area_m2"] == "10000.00"
    assert data["crs"]["properties"]["name"].endswith("4490")
    everything = json.loads(client.get(reverse("map-geojson")).content)
    assert [f["properties"]["code"] for f in everything["features"]] == ["ZD-01", "ZD-02", "ZD-03"]


def test_the_other_colourings_have_their_legends(client, world):
    sign_in(client, world["viewer"])
    flag = client.get(reverse("map"), {"colour": "flag"}).content.decode()
    assert _paths(flag)[0][1] == "#e9c46a"  # low willingness
    assert 'name="colour" value="flag"' in flag  # the filter form keeps the colouring
    for colour in ("idle", "radar"):
        response = client.get(reverse("map"), {"colour": colour})
        assert response.status_code == 200 and len(_paths(response.content.decode())) == 3


def test_the_map_costs_the_same_queries_for_more_parcels(client, world):
    sign_in(client, world["viewer"])
    for colour in ("status", "radar"):
        client.get(reverse("map"), {"colour": colour})
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("map"), {"colour": colour})
        _parcels(world["park"], 12, offset=3)
        with CaptureQueriesContext(connection) as many:
            response = client.get(reverse("map"), {"colour": colour})
        assert len(_paths(response.content.decode())) >= 15
        assert len(many) == len(few), colour
        LandParcel.objects.filter(code__gt="ZD-03", park=world["park"]).delete()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("map-geojson"))
    assert len(queries) <= 8


def test_the_shapefile_export_is_a_zip_with_the_parcels(client, world):
    sign_in(client, world["viewer"])
    response = client.get(reverse("map-shapefile"))
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["cpg", "dbf", "prj", "shp", "shx"]


def test_only_park_administrators_import_boundaries(client, world):
    for user in (world["viewer"], world["officer"]):
        sign_in(client, user)
        assert client.get(reverse("boundary-import")).status_code == 403
        assert client.post(reverse("boundary-import-confirm")).status_code == 403
    sign_in(client, world["admin"])
    assert client.get(reverse("boundary-import")).status_code == 200


def test_the_import_page_checks_then_imports(client, world):
    park, parcels = world["park"], world["parcels"]
    LandParcel.objects.filter(park=park).update(boundary=None)
    sign_in(client, world["admin"])
    corners = side_by_side(2)
    text = txt_file([(parcels[0].code, corners[0]), (parcels[1].code, corners[1])])
    upload = SimpleUploadedFile("界址.txt", text.encode("utf-8"))
    response = client.post(reverse("boundary-import"), {"file": upload, "park": park.pk})
    assert response.status_code == 302
    page = client.get(reverse("boundary-import")).content.decode()
    assert "界址.txt" in page and "EPSG:4526" in page
    assert not LandParcel.objects.filter(park=park, boundary__isnull=False).exists()  # a dry run
    client.post(reverse("boundary-import-confirm"))
    assert LandParcel.objects.filter(park=park, boundary__isnull=False).count() == 2
    report = client.get(reverse("boundary-import-report"))
    assert report.status_code == 200 and report.content[:2] == b"PK"


def test_the_import_page_refuses_a_bad_file_whole_and_names_the_shapes(client, world):
    park, parcels = world["park"], world["parcels"]
    LandParcel.objects.filter(park=park).update(boundary=None)
    sign_in(client, world["admin"])
    corners = side_by_side(2)
    bow_tie = [corners[0][0], corners[0][2], corners[0][1], corners[0][3]]
    text = txt_file([(parcels[0].code, bow_tie), ("ZD-77", corners[1])])
    client.post(
        reverse("boundary-import"), {"file": SimpleUploadedFile("bad.txt", text.encode()), "park": park.pk}
    )
    page = client.get(reverse("boundary-import")).content.decode()
    assert "ZD-77" in page and parcels[0].code in page and "boundary-import-confirm" not in page
    assert 'action="/map/import/confirm/"' not in page
    client.post(reverse("boundary-import-confirm"))
    assert not LandParcel.objects.filter(park=park, boundary__isnull=False).exists()


def test_another_parks_administrator_cannot_choose_this_park(client, world):
    sign_in(client, world["other_admin"])
    text = txt_file([(world["parcels"][0].code, rectangle(EAST, NORTH, 100, 100))])
    response = client.post(
        reverse("boundary-import"),
        {"file": SimpleUploadedFile("x.txt", text.encode()), "park": world["park"].pk},
    )
    assert response.status_code == 422


def test_the_parcel_and_case_pages_show_the_parcel_among_its_neighbours(client, world):
    sign_in(client, world["viewer"])
    parcel = world["parcels"][1]
    html = client.get(reverse("parcel-detail", args=[parcel.pk])).content.decode()
    assert "parcel-focus" in html and len(_paths(html)) == 3
    case = parcel.cases.get()
    html = client.get(reverse("case-detail", args=[case.number])).content.decode()
    assert "parcel-focus" in html


def test_a_parcel_without_a_boundary_says_so(client, world):
    sign_in(client, world["viewer"])
    parcel = factories.make_parcel(park=world["park"], code="ZD-NB")
    html = client.get(reverse("parcel-detail", args=[parcel.pk])).content.decode()
    assert "parcel-focus" not in html and "ZD-NB" in html


def test_the_printable_report_shows_the_park_map(client, world):
    sign_in(client, world["viewer"])
    html = client.get(
        reverse("report-monthly-print"), {"year": 2022, "park": world["park"].code}
    ).content.decode()
    assert 'class="park-map-figure"' in html
    assert html.count('<path class="parcel') == 3  # the park's parcels, not another park's


def test_the_radar_links_to_its_map(client, world):
    sign_in(client, world["viewer"])
    assert "/map/?colour=radar" in client.get(reverse("radar")).content.decode()


def test_another_parks_user_gets_none_of_these_parcels(client, world):
    sign_in(client, world["other_admin"])
    html = client.get(reverse("map")).content.decode()
    assert [link for link, _f in _paths(html)] == [reverse("parcel-detail", args=[world["theirs"][0].pk])]
    data = json.loads(client.get(reverse("map-geojson")).content)
    assert [f["properties"]["code"] for f in data["features"]] == ["QT-01"]
    assert (
        client.get(reverse("map"), {"park": world["park"].pk}).status_code == 200
    )  # an unknown choice: ignored
    assert "ZD-0" not in client.get(reverse("map"), {"park": world["park"].pk}).content.decode()
    assert client.get(reverse("parcel-detail", args=[world["parcels"][0].pk])).status_code == 404


def test_the_parcel_pages_map_costs_the_same_queries_for_more_neighbours(client, world):
    sign_in(client, world["viewer"])
    url = reverse("parcel-detail", args=[world["parcels"][2].pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        before = _paths(client.get(url).content.decode())
    _parcels(world["park"], 12, offset=3)
    with CaptureQueriesContext(connection) as many:
        after = _paths(client.get(url).content.decode())
    assert len(before) == 2 and len(after) == 3  # the new neighbour within the box; those beyond left out
    assert len(many) == len(few)


def test_a_wms_background_is_drawn_under_the_parcels_only_when_set(client, world, settings):
    sign_in(client, world["viewer"])
    assert "<image" not in client.get(reverse("map")).content.decode()
    settings.PARKLAND_MAP_WMS_URL = "https://gis.example.gov.cn/wms?LAYERS=dom&STYLES=&FORMAT=image/png"
    html = client.get(reverse("map")).content.decode()
    image = re.search(r'<image href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert image.startswith("https://gis.example.gov.cn/wms?LAYERS=dom&STYLES=&FORMAT=image/png&SERVICE=WMS")
    assert "CRS=EPSG%3A4490" in image and "BBOX=22." in image  # latitude first in WMS 1.3.0
    assert html.index("<image") < html.index('<path class="parcel')
