"""Writing through the API: the pages' forms, roles and model methods. A viewer is 403, another
park's case 404, bad values 422 with nothing changed, a stale version 409, and the rate's figures
move only through the workflow's steps."""

import json
from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases.models import CaseEvent, DisposalCase, EvidenceDocument
from tests import factories
from tests.worlds.api import assert_problem, auth, build_api_world, send, written
from tests.worlds.evidence import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db

RATE_CHANGES = [
    {"identified_on": "2022-03-01"},
    {"disposed_on": "2022-06-01"},
    {"disposed_area_m2": "100.00"},
    {"status": "disposed"},
    {"number": "AA-2022-999"},
]


@pytest.fixture
def api():
    return build_api_world()


def case_path(case, tail: str = "") -> str:
    return f"/api/v1/cases/{case.number}/{tail}"


def new_case(api, **changes) -> dict:
    return {
        "parcel": factories.make_parcel(park=api.world.park_a).pk,
        "category": "idle",
        "idle_cause": "unknown",
        "case_area_m2": "500.00",
        "officer": api.world.officer_a.pk,
        "opened_on": "2023-02-01",
        "litigation": "none",
        **changes,
    }


# Cases ----------------------------------------------------------------------------------------


def test_an_officer_opens_a_case_and_it_gets_its_number(client, api):
    response = send(client, "post", api.keys["officer-a"], "/api/v1/cases/", new_case(api))
    assert response.status_code == 201, response.content
    case = DisposalCase.objects.get(number=response.json()["number"])
    assert case.number.startswith("AA-2023-") and case.created_by == api.world.officer_a


def test_a_viewer_cannot_open_a_case(client, api):
    before = written()
    assert_problem(send(client, "post", api.keys["viewer-a"], "/api/v1/cases/", new_case(api)), 403)
    assert written() == before


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"case_area_m2": "999999.00"}, "case_area_m2"),
        ({"category": "nope"}, "category"),
        ({"opened_on": "2999-01-01"}, "opened_on"),
        ({"officer": None}, None),
    ],
)
def test_the_case_forms_refusals_are_422_by_field(client, api, changes, field):
    body = new_case(api, **changes)
    before = written()
    response = send(client, "post", api.keys["officer-a"], "/api/v1/cases/", body)
    if field is None:  # an officer may be left out, as on the page
        assert response.status_code == 201
        return
    assert_problem(response, 422, field)
    assert written() == before


def test_another_parks_parcel_cannot_have_a_case_opened(client, api):
    body = new_case(api, parcel=factories.make_parcel(park=api.world.park_b).pk)
    before = written()
    assert_problem(send(client, "post", api.keys["officer-a"], "/api/v1/cases/", body), 422, "parcel")
    assert written() == before


@pytest.mark.parametrize("change", RATE_CHANGES)
def test_a_rate_figure_cannot_be_set_when_opening(client, api, change):
    before = written()
    response = send(client, "post", api.keys["officer-a"], "/api/v1/cases/", new_case(api, **change))
    assert_problem(response, 422, *change)
    assert written() == before


def test_an_officer_edits_a_case_from_its_version(client, api):
    case = api.world.case_a
    response = send(
        client, "patch", api.keys["officer-a"], case_path(case), {"summary": "复核", "version": 1}
    )
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.summary == "复核" and case.version == 2 and response.json()["version"] == 2


def test_a_stale_version_is_409_and_changes_nothing(client, api):
    case = api.world.case_a
    send(client, "patch", api.keys["officer-a"], case_path(case), {"summary": "一", "version": 1})
    before = written()
    response = send(
        client, "patch", api.keys["supervisor-a"], case_path(case), {"summary": "二", "version": 1}
    )
    assert_problem(response, 409)
    assert written() == before


def test_an_edit_without_its_version_is_refused(client, api):
    before = written()
    response = send(client, "patch", api.keys["officer-a"], case_path(api.world.case_a), {"summary": "x"})
    assert_problem(response, 422, "version")
    assert written() == before


@pytest.mark.parametrize("change", RATE_CHANGES)
def test_an_officers_token_cannot_change_a_rate_figure(client, api, change):
    case = factories.make_case(
        parcel=factories.make_parcel(park=api.world.park_a),
        status="identified",
        identified_on=date(2022, 2, 1),
    )
    before = written()
    response = send(
        client, "patch", api.keys["officer-a"], case_path(case), {**change, "version": case.version}
    )
    assert_problem(response, 422, *change)
    assert written() == before


def test_writes_to_another_parks_case_are_404(client, api):
    case = api.world.case_b
    before = written()
    key = api.keys["officer-a"]
    assert_problem(send(client, "patch", key, case_path(case), {"summary": "x", "version": 1}), 404)
    assert_problem(send(client, "post", key, case_path(case, "transitions/"), {"to": "investigating"}), 404)
    assert_problem(send(client, "post", key, case_path(case, "events/"), {"kind": "other"}), 404)
    assert_problem(client.post(case_path(case, "evidence/"), {}, **auth(key)), 404)
    assert written() == before


def test_a_viewer_writes_nothing(client, api):
    case = api.world.case_a
    key = api.keys["viewer-a"]
    before = written()
    assert_problem(send(client, "patch", key, case_path(case), {"summary": "x", "version": 1}), 403)
    assert_problem(send(client, "post", key, case_path(case, "transitions/"), {"to": "investigating"}), 403)
    event = {"kind": "notice_served", "occurred_on": "2022-04-01", "title": "通知"}
    assert_problem(send(client, "post", key, case_path(case, "events/"), event), 403)
    assert_problem(client.post(case_path(case, "evidence/"), {}, **auth(key)), 403)
    assert written() == before


def test_a_closed_case_is_not_edited(client, api):
    case = factories.make_case(parcel=factories.make_parcel(park=api.world.park_a), status="withdrawn")
    before = written()
    response = send(client, "patch", api.keys["officer-a"], case_path(case), {"summary": "x", "version": 1})
    assert_problem(response, 409)
    assert written() == before


def test_nothing_can_be_deleted(client, api):
    case = api.world.case_a
    response = client.delete(case_path(case), **auth(api.keys["admin-a"]))
    assert_problem(response, 405)
    assert DisposalCase.objects.filter(pk=case.pk).exists()


# Bodies ---------------------------------------------------------------------------------------


def test_a_control_character_or_broken_json_is_400(client, api):
    case = api.world.case_a
    before = written()
    nul = send(client, "patch", api.keys["officer-a"], case_path(case), {"summary": "a\x00b", "version": 1})
    assert_problem(nul, 400)
    broken = client.patch(
        case_path(case), data="{", content_type="application/json", **auth(api.keys["officer-a"])
    )
    assert_problem(broken, 400)
    listed = send(client, "patch", api.keys["officer-a"], case_path(case), ["summary"])
    assert_problem(listed, 400)
    assert written() == before


# Steps ----------------------------------------------------------------------------------------


def test_a_step_goes_through_the_workflow(client, api):
    case = api.world.case_a
    response = send(
        client, "post", api.keys["officer-a"], case_path(case, "transitions/"), {"to": "investigating"}
    )
    assert response.status_code == 201, response.content
    case.refresh_from_db()
    assert case.status == "investigating"
    assert response.json()["to_status"] == "investigating"
    assert CaseEvent.objects.filter(case=case, kind="status_change").count() == 1


def test_a_step_not_in_the_table_or_not_for_the_role_is_refused(client, api):
    case = api.world.case_a
    before = written()
    key = api.keys["officer-a"]
    assert_problem(send(client, "post", key, case_path(case, "transitions/"), {"to": "disposed"}), 422, "to")
    assert_problem(send(client, "post", key, case_path(case, "transitions/"), {"to": "withdrawn"}), 422, "to")
    assert written() == before


def test_identification_is_the_supervisors_and_gated_by_evidence(client, api):
    case = factories.make_case(parcel=factories.make_parcel(park=api.world.park_a), status="investigating")
    step = {"to": "identified", "identified_on": "2022-03-01"}
    before = written()
    officer = send(client, "post", api.keys["officer-a"], case_path(case, "transitions/"), step)
    assert_problem(officer, 422, "to")
    missing = send(client, "post", api.keys["supervisor-a"], case_path(case, "transitions/"), step)
    assert_problem(missing, 422, "non_field_errors")
    assert written() == before
    override = {**step, "override_reason": "现场已查明，通知书补交"}
    response = send(client, "post", api.keys["supervisor-a"], case_path(case, "transitions/"), override)
    assert response.status_code == 201, response.content
    case.refresh_from_db()
    assert case.status == "identified" and case.identified_on == date(2022, 3, 1)


def test_a_backward_step_needs_its_reason(client, api):
    case = factories.make_case(parcel=factories.make_parcel(park=api.world.park_a), status="investigating")
    before = written()
    response = send(client, "post", api.keys["officer-a"], case_path(case, "transitions/"), {"to": "lead"})
    assert_problem(response, 422, "reason")
    assert written() == before


# Events and evidence --------------------------------------------------------------------------


def test_an_event_is_recorded_as_the_page_records_it(client, api):
    case = api.world.case_a
    event = {"kind": "notice_served", "occurred_on": "2022-04-01", "title": "送达调查通知书"}
    response = send(client, "post", api.keys["officer-a"], case_path(case, "events/"), event)
    assert response.status_code == 201, response.content
    assert CaseEvent.objects.get(pk=response.json()["id"]).actor == api.world.officer_a


@pytest.mark.parametrize(
    "event, field",
    [
        ({"kind": "status_change", "occurred_on": "2022-04-01", "title": "x"}, "kind"),
        ({"kind": "notice_served", "occurred_on": "2999-04-01", "title": "x"}, "occurred_on"),
        ({"kind": "notice_served", "occurred_on": "2022-04-01"}, "title"),
    ],
)
def test_an_event_the_page_refuses_is_422(client, api, event, field):
    before = written()
    response = send(client, "post", api.keys["officer-a"], case_path(api.world.case_a, "events/"), event)
    assert_problem(response, 422, field)
    assert written() == before


def _upload(client, key, case, *files, **fields):
    data = {"doc_type": "site_inspection", "title": "现场勘查笔录", **fields}
    data["files"] = [SimpleUploadedFile(name, content, "application/octet-stream") for name, content in files]
    return client.post(case_path(case, "evidence/"), data, **auth(key))


def test_evidence_is_uploaded_as_the_page_uploads_it(client, api):
    case = api.world.case_a
    response = _upload(client, api.keys["officer-a"], case, ("勘查.pdf", pdf_bytes("api")))
    assert response.status_code == 201, response.content
    (row,) = response.json()
    document = EvidenceDocument.objects.get(pk=row["id"])
    assert document.content_type == "application/pdf" and document.uploaded_by == api.world.officer_a


def test_evidence_the_page_refuses_is_422(client, api):
    case = api.world.case_a
    key = api.keys["officer-a"]
    _upload(client, key, case, ("勘查.pdf", pdf_bytes("once")))
    before = written()
    assert_problem(_upload(client, key, case, ("照片.pdf", png_bytes())), 422, "files")
    assert_problem(_upload(client, key, case, ("again.pdf", pdf_bytes("once"))), 422, "files")
    assert_problem(_upload(client, key, case), 422, "files")
    assert_problem(_upload(client, key, case, ("b.pdf", pdf_bytes("b")), doc_type="nope"), 422, "doc_type")
    assert written() == before


def test_a_measure_is_added_as_the_page_adds_it(client, api):
    case = api.world.case_a
    body = {"method": "other", "notes": "企业自筹资金技术改造", "status": "proposed"}
    response = send(client, "post", api.keys["officer-a"], case_path(case, "measures/"), body)
    assert response.status_code == 201, response.content
    assert case.measures.count() == 1
    before = written()
    other_parks_partner = {"method": "loan", "partner": api.world.partner_b.pk}
    refused = send(client, "post", api.keys["officer-a"], case_path(case, "measures/"), other_parks_partner)
    assert_problem(refused, 422, "partner")
    assert_problem(send(client, "post", api.keys["viewer-a"], case_path(case, "measures/"), body), 403)
    assert written() == before and case.measures.count() == 1


def test_a_document_is_withdrawn_with_its_reason_and_stays(client, api):
    document = api.world.document_b
    path = f"/api/v1/evidence/{document.pk}/withdraw/"
    before = written()
    assert_problem(send(client, "post", api.keys["officer-a"], path, {"reason": "重复"}), 404)
    assert_problem(send(client, "post", api.keys["officer-b"], path, {"reason": " "}), 422, "reason")
    assert written() == before
    response = send(client, "post", api.keys["officer-b"], path, {"reason": "扫描件不清晰"})
    assert response.status_code == 200, response.content
    document.refresh_from_db()
    assert document.withdrawn_at is not None and document.withdrawal_reason == "扫描件不清晰"
    assert_problem(send(client, "post", api.keys["officer-b"], path, {"reason": "again"}), 422, "reason")
    assert EvidenceDocument.objects.filter(pk=document.pk).exists()


def test_a_signed_in_browser_writes_only_with_its_csrf_token(api):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(api.world.officer_a)
    case = api.world.case_a
    body = json.dumps({"summary": "会话修改", "version": 1})
    before = written()
    refused = browser.patch(case_path(case), body, content_type="application/json")
    assert_problem(refused, 403)
    assert written() == before
    browser.get("/")  # the page hands out the CSRF cookie
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    response = browser.patch(case_path(case), body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content
