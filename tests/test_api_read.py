"""Reading through the API: every list and row through its scoping function (another park's row is
404), the pages' own filters, a stable order, pages; evidence downloads permission-checked; the
monthly report exactly as `disposal_report --format json` writes it."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.models import ApiToken, CustodyEvent
from tests.worlds.api import PROBLEM, assert_problem, build_api_world, get
from tests.worlds.reporting import load_demo

pytestmark = pytest.mark.django_db

LISTS = [
    "parks",
    "parcels",
    "enterprises",
    "cases",
    "events",
    "evidence",
    "measures",
    "partners",
    "leads",
    "deadlines",
    "targets",
    "month-closes",
]


@pytest.fixture
def api():
    return build_api_world()


@pytest.mark.parametrize("name", LISTS)
def test_every_list_answers_json_in_pages(client, api, name):
    response = get(client, api.keys["officer-a"], f"/api/v1/{name}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert {"count", "next", "previous", "results"} <= set(body)


def _rows_of_park_b(api) -> dict[str, str]:
    w = api.world
    return {
        "parks": str(w.park_b.pk),
        "parcels": str(w.parcel_b.pk),
        "enterprises": str(w.enterprise_b.pk),
        "cases": w.case_b.number,
        "events": str(w.event_b.pk),
        "evidence": str(w.document_b.pk),
        "measures": str(w.measure_b.pk),
        "partners": str(w.partner_b.pk),
        "deadlines": str(w.case_b.stored_deadlines.first().pk),
    }


def test_another_parks_rows_are_not_listed_and_are_404(client, api):
    for name, key in _rows_of_park_b(api).items():
        listed = get(client, api.keys["officer-a"], f"/api/v1/{name}/").json()["results"]
        assert all(str(row.get("number", row["id"])) != key for row in listed), name
        assert_problem(get(client, api.keys["officer-a"], f"/api/v1/{name}/{key}/"), 404)
        # Its own park's officer reads it.
        assert get(client, api.keys["officer-b"], f"/api/v1/{name}/{key}/").status_code == 200, name


def test_a_case_is_found_by_its_number_with_its_figures(client, api):
    case = api.world.case_a
    body = get(client, api.keys["viewer-a"], f"/api/v1/cases/{case.number}/").json()
    assert body["number"] == case.number
    assert body["park_code"] == "AA"
    assert body["version"] == case.version
    assert "search_text" not in body


def test_the_case_list_takes_the_case_pages_filters(client, api):
    key = api.keys["officer-a"]
    assert get(client, key, "/api/v1/cases/", status="lead").json()["count"] == 1
    assert get(client, key, "/api/v1/cases/", status="disposed").json()["count"] == 0
    assert get(client, key, "/api/v1/cases/", q="甲园").json()["count"] == 1
    assert get(client, key, "/api/v1/cases/", park=str(api.world.park_a.pk)).json()["count"] == 1


def test_a_filter_value_the_page_refuses_is_400_naming_it(client, api):
    key = api.keys["officer-a"]
    assert_problem(get(client, key, "/api/v1/cases/", status="nope"), 400, "status")
    # Another park is not among the choices, as on the page.
    assert_problem(get(client, key, "/api/v1/cases/", park=str(api.world.park_b.pk)), 400, "park")
    assert_problem(get(client, key, "/api/v1/parcels/", land_use="nope"), 400, "land_use")


def test_pages_have_a_stable_order_and_size(client, api):
    key = api.keys["admin-a"]
    for n in range(3):
        api.world.partner_a.__class__.objects.create(park=api.world.park_a, name=f"伙伴{n}", kind="bank")
    first = get(client, key, "/api/v1/partners/", page_size="2").json()
    second = get(client, key, "/api/v1/partners/", page_size="2", page="2").json()
    names = [p["name"] for p in first["results"] + second["results"]]
    assert first["count"] == 4 and len(first["results"]) == 2
    assert names == sorted(names)
    assert_problem(get(client, key, "/api/v1/partners/", page="9"), 404)


def test_the_deadline_list_filters_by_park_and_officer(client, api):
    key = api.keys["officer-a"]
    rows = get(client, key, "/api/v1/deadlines/").json()["results"]
    assert rows and {r["park"] for r in rows} == {api.world.park_a.pk}
    mine = get(client, key, "/api/v1/deadlines/", officer=str(api.world.officer_a.pk)).json()
    assert mine["count"] == len(rows)
    assert get(client, key, "/api/v1/deadlines/", officer=str(api.world.supervisor_a.pk)).json()["count"] == 0
    assert_problem(get(client, key, "/api/v1/deadlines/", park=str(api.world.park_b.pk)), 400, "park")


def test_evidence_downloads_through_the_pages_check_and_custody_log(client, api):
    document = api.world.document_b
    response = get(client, api.keys["officer-b"], f"/api/v1/evidence/{document.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"
    assert CustodyEvent.objects.filter(document=document, action="downloaded").count() == 1
    refused = get(client, api.keys["officer-a"], f"/api/v1/evidence/{document.pk}/download/")
    assert_problem(refused, 404)
    assert CustodyEvent.objects.filter(document=document, action="downloaded").count() == 1


def test_no_evidence_file_path_or_token_hash_is_shown(client, api):
    body = get(client, api.keys["officer-b"], f"/api/v1/evidence/{api.world.document_b.pk}/").json()
    assert "file" not in body and body["download"].endswith(f"/evidence/{api.world.document_b.pk}/download/")


def test_problem_titles_follow_accept_language(client, api):
    english = get(client, api.keys["officer-a"], f"/api/v1/cases/{api.world.case_b.number}/", language="en")
    chinese = get(
        client, api.keys["officer-a"], f"/api/v1/cases/{api.world.case_b.number}/", language="zh-hans"
    )
    assert english.json()["title"] == "Not found"
    assert chinese.json()["title"] != "Not found"
    assert chinese["Content-Language"] == "zh-hans" and chinese["Content-Type"] == PROBLEM


def test_the_monthly_report_is_the_commands_json_figure_for_figure(client, tmp_path):
    load_demo()
    admin = get_user_model().objects.get(username="demo-parkadmin")
    _token, key = ApiToken.objects.create_for(admin, name="上报", days=7)
    for query in ({"year": "2022", "park": "XQ"}, {"year": "2022", "park": "XQ", "category": "idle"}):
        response = get(client, key, "/api/v1/reports/monthly/", **query)
        assert response.status_code == 200
        written = tmp_path / "report.json"
        arguments = [f"--{name}={value}" for name, value in query.items()]
        call_command("disposal_report", *arguments, "--format=json", f"--output={written}", stderr=StringIO())
        assert response.content == written.read_bytes()
        assert json.loads(response.content)["scope"]["park"] == "XQ"


def test_the_report_of_another_park_is_404_and_a_bad_parameter_400(client, api):
    key = api.keys["officer-a"]
    assert_problem(get(client, key, "/api/v1/reports/monthly/", year="2022", park="BB"), 404)
    assert_problem(get(client, key, "/api/v1/reports/monthly/", year="20x2"), 400, "year")
    assert_problem(
        get(client, key, "/api/v1/reports/monthly/", year="2022", as_of="2021-05-01"), 400, "as_of"
    )


def test_events_and_documents_are_listed_by_case(client, api):
    key = api.keys["officer-b"]
    case = api.world.case_b
    events = get(client, key, "/api/v1/events/", case=case.number).json()["results"]
    assert events and {e["case_number"] for e in events} == {case.number}
    documents = get(client, key, "/api/v1/evidence/", case=case.number).json()["results"]
    assert [d["id"] for d in documents] == [api.world.document_b.pk]
    # Another park's case number finds nothing.
    assert get(client, api.keys["officer-a"], "/api/v1/events/", case=case.number).json()["count"] == 0
