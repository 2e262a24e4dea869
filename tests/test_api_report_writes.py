"""The report's writes and a recorded deadline met, through the API as the pages make them: a park's
target (a park administrator), a month closed (a supervisor) and reopened with a reason (a park
administrator), an event's deadline met (an officer). A viewer is 403, another park 404, a refusal a
problem with nothing changed."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from cases import reporting
from cases.models import CaseEvent, DisposalTarget, MonthClose
from tests import factories
from tests.worlds.api import assert_problem, build_api_world, reported, send, written

pytestmark = pytest.mark.django_db

TARGETS = "/api/v1/targets/"
CLOSES = "/api/v1/month-closes/"


@pytest.fixture
def api():
    return build_api_world()


def close_march(api) -> MonthClose:
    return reporting.close_month(park=api.world.park_a, year=2022, month=3, by=api.world.supervisor_a)


# Targets --------------------------------------------------------------------------------------


def test_a_park_administrator_sets_the_years_target_and_then_changes_it(client, api):
    body = {"park": api.world.park_a.pk, "year": 2023, "rate_pct": "15.5"}
    made = send(client, "post", api.keys["admin-a"], TARGETS, body)
    assert made.status_code == 201, made.content
    assert made.json()["rate_pct"] == "15.5" and made.json()["park"] == api.world.park_a.pk
    changed = send(client, "post", api.keys["admin-a"], TARGETS, body | {"rate_pct": "18.0"})
    assert changed.status_code == 200 and changed.json()["id"] == made.json()["id"]
    target = DisposalTarget.objects.get(park=api.world.park_a, year=2023)
    assert target.rate_pct == Decimal("18.0")
    assert target.history.latest().history_user == api.world.admin_a


@pytest.mark.parametrize("who", ["viewer-a", "officer-a", "supervisor-a"])
def test_only_a_park_administrator_sets_a_target(client, api, who):
    before = reported()
    body = {"park": api.world.park_a.pk, "year": 2023, "rate_pct": "15.5"}
    assert_problem(send(client, "post", api.keys[who], TARGETS, body), 403)
    assert reported() == before


@pytest.mark.parametrize("park", ["other", "BB", "99999999999999999999999", True])
def test_another_parks_target_is_404(client, api, park):
    before = reported()
    value = api.world.park_b.pk if park == "other" else park
    body = {"park": value, "year": 2023, "rate_pct": "15.5"}
    assert_problem(send(client, "post", api.keys["admin-a"], TARGETS, body), 404)
    assert reported() == before


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"rate_pct": "101.0"}, "rate_pct"),
        ({"rate_pct": "abc"}, "rate_pct"),
        ({"year": "1900"}, "year"),
        ({"park": None}, "park"),
        ({"benchmark": "1"}, "benchmark"),
    ],
)
def test_the_target_forms_refusals_are_422_by_field(client, api, changes, field):
    before = reported()
    body = {"park": api.world.park_a.pk, "year": 2023, "rate_pct": "15.5"} | changes
    assert_problem(send(client, "post", api.keys["admin-a"], TARGETS, body), 422, field)
    assert reported() == before


# Month-end close ------------------------------------------------------------------------------


def test_a_supervisor_closes_a_month_and_a_second_close_is_409(client, api):
    body = {"park": api.world.park_a.pk, "year": 2022, "month": 3}
    response = send(client, "post", api.keys["supervisor-a"], CLOSES, body)
    assert response.status_code == 201, response.content
    close = MonthClose.objects.in_force().get(park=api.world.park_a, year=2022, month=3)
    assert response.json()["id"] == close.pk and close.closed_by == api.world.supervisor_a
    assert response.json()["figures"] == close.figures and set(close.figures) >= {"all", "idle"}
    before = reported()
    assert_problem(send(client, "post", api.keys["admin-a"], CLOSES, body), 409)
    assert reported() == before


@pytest.mark.parametrize("who, status", [("viewer-a", 403), ("officer-a", 403), ("officer-b", 404)])
def test_closing_needs_a_supervisor_of_the_park(client, api, who, status):
    before = reported()
    body = {"park": api.world.park_a.pk, "year": 2022, "month": 3}
    assert_problem(send(client, "post", api.keys[who], CLOSES, body), status)
    assert reported() == before


def test_a_month_that_cannot_be_closed_is_422(client, api):
    today = timezone.localdate()
    park = api.world.park_a.pk
    before = reported()
    for body, field in [
        ({"park": park, "year": 2022, "month": 13}, "month"),
        ({"park": park, "year": "x", "month": 3}, "year"),
        ({"park": park, "year": 1999, "month": 3}, "non_field_errors"),
        ({"park": park, "year": today.year, "month": today.month}, "non_field_errors"),
    ]:
        assert_problem(send(client, "post", api.keys["supervisor-a"], CLOSES, body), 422, field)
    assert reported() == before


def test_a_park_administrator_reopens_a_month_with_a_reason_and_it_may_be_closed_again(client, api):
    close = close_march(api)
    path = f"{CLOSES}{close.pk}/reopen/"
    response = send(client, "post", api.keys["admin-a"], path, {"reason": "上报后发现处置面积录入有误"})
    assert response.status_code == 200, response.content
    close.refresh_from_db()
    assert close.reopened_by == api.world.admin_a and close.reopen_reason == "上报后发现处置面积录入有误"
    assert response.json()["reopened_at"]
    again = send(client, "post", api.keys["admin-a"], path, {"reason": "再次"})
    assert_problem(again, 409)
    body = {"park": api.world.park_a.pk, "year": 2022, "month": 3}
    assert send(client, "post", api.keys["supervisor-a"], CLOSES, body).status_code == 201


@pytest.mark.parametrize(
    "who, body, status, field",
    [
        ("admin-a", {}, 422, "reason"),
        ("admin-a", {"reason": "   "}, 422, "reason"),
        ("admin-a", {"reason": "x", "month": 4}, 422, "month"),
        ("supervisor-a", {"reason": "上报有误"}, 403, None),
        ("viewer-a", {"reason": "上报有误"}, 403, None),
        ("officer-b", {"reason": "上报有误"}, 404, None),
    ],
)
def test_reopening_refusals_change_nothing(client, api, who, body, status, field):
    close = close_march(api)
    before = reported()
    response = send(client, "post", api.keys[who], f"{CLOSES}{close.pk}/reopen/", body)
    assert_problem(response, status, *([field] if field else []))
    assert reported() == before


def test_the_refusals_title_is_in_the_callers_language(client, api):
    body = {"park": api.world.park_a.pk, "year": 2022, "month": 13}
    english = send(client, "post", api.keys["supervisor-a"], CLOSES, body).json()["title"]
    chinese = send(client, "post", api.keys["supervisor-a"], CLOSES, body, language="zh-hans").json()
    assert english == "Your request has invalid values" and chinese["title"] != english


# A recorded deadline met ----------------------------------------------------------------------


def deadline_event(case, **fields) -> CaseEvent:
    fields = {"occurred_on": date(2022, 2, 1), "due_on": date(2022, 3, 3), "title": "限期答复"} | fields
    return factories.make_event(case=case, kind="notice_served", **fields)


def met_path(event) -> str:
    return f"/api/v1/events/{event.pk}/met/"


def test_an_officer_marks_a_recorded_deadline_met_today(client, api):
    event = deadline_event(api.world.case_a)
    response = send(client, "post", api.keys["officer-a"], met_path(event), {})
    assert response.status_code == 200, response.content
    event.refresh_from_db()
    assert event.due_met_on == max(timezone.localdate(), event.occurred_on)
    assert response.json()["due_met_on"] == event.due_met_on.isoformat()
    assert event.history.latest().history_user == api.world.officer_a


def test_a_deadline_is_met_without_a_body(client, api):
    event = deadline_event(api.world.case_a)
    response = client.post(met_path(event), HTTP_AUTHORIZATION=f"Bearer {api.keys['officer-a']}")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("who, status", [("viewer-a", 403), ("officer-b", 404)])
def test_marking_met_needs_an_officer_of_the_park(client, api, who, status):
    event = deadline_event(api.world.case_a)
    before = written()
    assert_problem(send(client, "post", api.keys[who], met_path(event), {}), status)
    assert written() == before


def test_another_parks_event_is_404(client, api):
    before = written()
    assert_problem(send(client, "post", api.keys["officer-a"], met_path(api.world.event_b), {}), 404)
    assert written() == before


def test_an_event_without_a_deadline_a_met_one_or_a_closed_case_are_refused(client, api):
    plain = factories.make_event(case=api.world.case_a, occurred_on=date(2022, 2, 1))
    met = deadline_event(api.world.case_a, due_met_on=date(2022, 2, 20))
    closed_case = factories.make_case(parcel=factories.make_parcel(park=api.world.park_a), status="withdrawn")
    on_closed = deadline_event(closed_case)
    before = written()
    key = api.keys["officer-a"]
    assert_problem(send(client, "post", key, met_path(plain), {}), 422, "due_met_on")
    assert_problem(send(client, "post", key, met_path(met), {}), 409)
    assert_problem(send(client, "post", key, met_path(on_closed), {}), 409)
    assert written() == before
