"""Parcels, enterprises, partners and project leads written through the API as their pages write
them: the page's form, officers of the record's park only, another park's record 404, nothing
changed by a refusal, and a saved record keeps its park."""

import pytest

from cases.models import Enterprise, LandParcel, Partner, ProjectLead
from tests import factories
from tests.worlds.api import assert_problem, build_api_world, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return build_api_world()


def rows() -> dict:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Enterprise, LandParcel, Partner, ProjectLead)
    }


def new_bodies(api, park) -> dict[str, dict]:
    return {
        "parcels": {
            "park": park.pk,
            "code": "N-01",
            "location": "新青五路",
            "area_m2": "5000.00",
            "land_use": "industrial",
            "supply_method": "grant",
        },
        "enterprises": {
            "park": park.pk,
            "name": "新青新材料有限公司",
            "credit_code": factories.credit_code(),
        },
        "partners": {"park": park.pk, "name": "珠海产业基金", "kind": "fund"},
        "leads": {
            "park": park.pk,
            "name": "新能源电池项目",
            "investor": "珠海某新能源公司",
            "area_needed_m2": "20000.00",
            "land_use": "industrial",
        },
    }


@pytest.mark.parametrize("resource", ["parcels", "enterprises", "partners", "leads"])
def test_an_officer_creates_a_record_in_their_park(client, api, resource):
    body = new_bodies(api, api.world.park_a)[resource]
    response = send(client, "post", api.keys["officer-a"], f"/api/v1/{resource}/", body)
    assert response.status_code == 201, response.content
    assert response.json()["park"] == api.world.park_a.pk


@pytest.mark.parametrize("resource", ["parcels", "enterprises", "partners", "leads"])
def test_no_record_in_another_park_and_none_by_a_viewer(client, api, resource):
    before = rows()
    other = new_bodies(api, api.world.park_b)[resource]
    assert_problem(send(client, "post", api.keys["officer-a"], f"/api/v1/{resource}/", other), 422, "park")
    own = new_bodies(api, api.world.park_a)[resource]
    assert_problem(send(client, "post", api.keys["viewer-a"], f"/api/v1/{resource}/", own), 403)
    assert rows() == before


def test_an_edit_changes_the_fields_sent(client, api):
    enterprise = api.world.enterprise_a
    response = send(
        client,
        "patch",
        api.keys["officer-a"],
        f"/api/v1/enterprises/{enterprise.pk}/",
        {"contact_person": "李工"},
    )
    assert response.status_code == 200, response.content
    enterprise.refresh_from_db()
    assert enterprise.contact_person == "李工" and enterprise.name == "甲园企业"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"credit_code": "123"}, "credit_code"),
        ({"name": ""}, "name"),
        ({"park": "other"}, "park"),
        ({"id": 5}, "id"),
    ],
)
def test_an_edit_the_page_refuses_is_422_and_changes_nothing(client, api, body, field):
    enterprise = api.world.enterprise_a
    if body.get("park") == "other":
        body = {"park": api.world.park_b.pk}
    before = rows()
    response = send(client, "patch", api.keys["officer-a"], f"/api/v1/enterprises/{enterprise.pk}/", body)
    assert_problem(response, 422, field)
    assert rows() == before


def test_another_parks_record_is_404_and_a_viewer_403_for_an_edit(client, api):
    before = rows()
    other = send(
        client, "patch", api.keys["officer-a"], f"/api/v1/parcels/{api.world.parcel_b.pk}/", {"location": "x"}
    )
    assert_problem(other, 404)
    viewer = send(
        client, "patch", api.keys["viewer-a"], f"/api/v1/parcels/{api.world.parcel_a.pk}/", {"location": "x"}
    )
    assert_problem(viewer, 403)
    assert rows() == before


def test_records_are_not_deleted(client, api):
    response = send(client, "delete", api.keys["admin-a"], f"/api/v1/partners/{api.world.partner_a.pk}/", {})
    assert_problem(response, 405)
    assert Partner.objects.filter(pk=api.world.partner_a.pk).exists()
