"""Bad input on every staff form: a 4xx with the message beside its field, nothing saved, never a 500."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from cases.models import DisposalCase, Enterprise, LandParcel, Membership
from tests import factories
from tests.worlds.staff import (
    CASE_FORM_FIELDS,
    ENTERPRISE_FORM_FIELDS,
    ESCAPED_SCRIPT,
    PARCEL_FORM_FIELDS,
    SCRIPT,
    add_document,
    assert_shown,
    build_world,
    case_data,
    case_url,
    form_data,
    new_case_data,
    new_enterprise_data,
    new_event_data,
    new_measure_data,
    new_parcel_data,
    sign_in,
    snapshot,
)

pytestmark = pytest.mark.django_db

R = Membership.Role
LONG = "长" * 300
INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def officer(client, world):
    return sign_in(client, world.officer_a)


def assert_refused(response, field: str | None, message: str, *, status: int = 422) -> None:
    """Refused with `status`, `message` among the errors of `field` (None: the form's own) and on the page."""
    assert response.status_code == status, response.status_code
    form = response.context["form"]
    errors = form.non_field_errors() if field is None else form.errors.get(field, [])
    assert any(message in str(error) for error in errors), (field, form.errors)
    assert escape(message) in response.text, f"{message!r} is not shown on the page"


def post_refused(client, path: str, data: dict, field: str | None, message: str, *, status: int = 422):
    before = snapshot()
    response = client.post(path, data)
    assert_refused(response, field, message, status=status)
    assert snapshot() == before, "a refused form changed the database"
    return response


def blank(fields: list[str]) -> dict:
    """A form sent with every field left empty, as a browser sends it."""
    return dict.fromkeys(fields, "")


EVENT_FORM_FIELDS = ["kind", "occurred_on", "title", "details", "due_on", "evidence"]
MEASURE_FORM_FIELDS = ["method", "partner", "amount_wan", "started_on", "notes"]


# Parcels --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": ""}, "code", "This field is required."),
        ({"location": ""}, "location", "This field is required."),
        ({"area_m2": ""}, "area_m2", "This field is required."),
        ({"code": "Z" * 300}, "code", "Ensure this value has at most 40 characters (it has 300)."),
        ({"location": LONG}, "location", "Ensure this value has at most 200 characters (it has 300)."),
        ({"contract_number": LONG}, "contract_number", "at most 60 characters"),
        ({"area_m2": "-5"}, "area_m2", "Area (m²) -5 is outside the allowed range (0.01 to 10,000,000 m²)."),
        ({"area_m2": "0"}, "area_m2", "Area (m²) 0 is outside the allowed range (0.01 to 10,000,000 m²)."),
        ({"area_m2": "abc"}, "area_m2", "Enter a number."),
        ({"area_m2": "NaN"}, "area_m2", "Enter a number."),
        ({"area_m2": "1e30"}, "area_m2", "Area (m²) 1,000,000,000,000,000,000,000,000,000,000 is outside"),
        ({"invested_wan": "-1"}, "invested_wan", "(0 to 10,000,000, in 10k yuan)"),
        ({"actual_plot_ratio": "x"}, "actual_plot_ratio", "Enter a number."),
        ({"agreed_start_on": "2022-02-30"}, "agreed_start_on", "Enter a valid date."),
        (
            {"agreed_start_on": "2022-06-01", "agreed_completion_on": "2022-01-01"},
            None,
            "The agreed completion date cannot be before the agreed start date.",
        ),
        ({"cadastral_code": "440403001001"}, "cadastral_code", "Enter a 19-character parcel code"),
        ({"land_use": "mine"}, "land_use", "Select a valid choice."),
    ],
)
def test_a_bad_new_parcel_is_refused_with_its_message(client, world, officer, changes, field, message):
    post_refused(client, "/parcels/new/", new_parcel_data(world.park_a, **changes), field, message)


def test_an_empty_parcel_form_is_refused(client, world, officer):
    response = post_refused(
        client, "/parcels/new/", blank(PARCEL_FORM_FIELDS), "code", "This field is required."
    )
    assert {"code", "location", "area_m2"} <= set(response.context["form"].errors)


@pytest.mark.parametrize("path", ["/parcels/new/", "/enterprises/new/", "/cases/new/"])
def test_a_post_with_no_fields_at_all_is_answered_with_the_required_messages(client, world, officer, path):
    """A POST whose body is empty (e.g. a script sending the CSRF token as a header) is still a submission."""
    before = snapshot()
    response = client.post(path, {})
    assert response.status_code == 422
    assert response.context["form"].errors, "the form was never bound: a 422 without a single message"
    assert "This field is required." in response.text
    assert snapshot() == before


def test_a_parcel_in_another_park_is_refused(client, world, officer):
    post_refused(client, "/parcels/new/", new_parcel_data(world.park_b), "park", INVALID_CHOICE)


def test_a_parcel_held_by_another_parks_enterprise_is_refused(client, world, officer):
    data = new_parcel_data(world.park_a, enterprise=world.enterprise_b.pk)
    post_refused(client, "/parcels/new/", data, "enterprise", INVALID_CHOICE)


def test_a_parcel_held_by_an_enterprise_of_the_users_other_park_is_refused(client, world):
    Membership.objects.create(user=world.officer_a, park=world.park_b, role=R.OFFICER)
    sign_in(client, world.officer_a)
    data = new_parcel_data(world.park_a, enterprise=world.enterprise_b.pk)
    post_refused(
        client, "/parcels/new/", data, "enterprise", "The land user must be an enterprise of the same park."
    )


def test_a_duplicate_parcel_code_in_the_same_park_is_refused(client, world, officer):
    data = new_parcel_data(world.park_a, code="A-01")
    post_refused(client, "/parcels/new/", data, None, "This park already has a parcel with this number.")


def test_the_same_parcel_code_in_another_park_is_fine(client, world):
    sign_in(client, world.officer_b)
    response = client.post("/parcels/new/", new_parcel_data(world.park_b, code="A-01"))
    assert response.status_code == 302
    assert LandParcel.objects.filter(code="A-01").count() == 2


def test_renaming_a_parcel_to_a_code_its_park_already_uses_is_refused(client, world, officer):
    factories.make_parcel(park=world.park_a, code="A-02")
    path = reverse("parcel-edit", args=[world.parcel_a.pk])
    data = form_data(world.parcel_a, PARCEL_FORM_FIELDS, code="A-02")
    post_refused(client, path, data, None, "This park already has a parcel with this number.")


def test_a_parcel_cannot_shrink_below_its_cases_area(client, world, officer):
    path = reverse("parcel-edit", args=[world.parcel_a.pk])
    data = form_data(world.parcel_a, PARCEL_FORM_FIELDS, area_m2="500.00")
    post_refused(client, path, data, "area_m2", "the parcel cannot be smaller")


def test_html_in_every_parcel_text_field_is_shown_escaped(client, world, officer):
    data = new_parcel_data(world.park_a, code=SCRIPT, location=SCRIPT, contract_number=SCRIPT)
    response = client.post("/parcels/new/", data, follow=True)
    assert response.status_code == 200
    parcel = LandParcel.objects.get(code=SCRIPT)
    assert (parcel.location, parcel.contract_number) == (SCRIPT, SCRIPT)
    for page in (response, client.get(parcel.get_absolute_url()), client.get("/parcels/")):
        assert SCRIPT not in page.text
        assert ESCAPED_SCRIPT in page.text


# Enterprises ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        ({"name": LONG}, "name", "Ensure this value has at most 200 characters (it has 300)."),
        ({"contact_person": LONG}, "contact_person", "at most 50 characters"),
        ({"contact_phone": "1" * 300}, "contact_phone", "at most 30 characters"),
        ({"address": LONG}, "address", "at most 200 characters"),
        ({"credit_code": "123"}, "credit_code", "Enter a valid unified social credit code"),
        ({"credit_code": "91440403000000001X"}, "credit_code", "The check character of this unified"),
        ({"credit_code": "9144040300000000I1"}, "credit_code", "Enter a valid unified social credit code"),
    ],
)
def test_a_bad_new_enterprise_is_refused_with_its_message(client, world, officer, changes, field, message):
    post_refused(client, "/enterprises/new/", new_enterprise_data(world.park_a, **changes), field, message)


def test_an_empty_enterprise_form_is_refused(client, world, officer):
    post_refused(
        client, "/enterprises/new/", blank(ENTERPRISE_FORM_FIELDS), "name", "This field is required."
    )


def test_an_enterprise_in_another_park_is_refused(client, world, officer):
    post_refused(client, "/enterprises/new/", new_enterprise_data(world.park_b), "park", INVALID_CHOICE)


def test_a_duplicate_credit_code_in_the_same_park_is_refused(client, world, officer):
    data = new_enterprise_data(world.park_a, credit_code=world.enterprise_a.credit_code.lower())
    post_refused(
        client,
        "/enterprises/new/",
        data,
        None,
        "An enterprise with this unified social credit code is already registered.",
    )


def test_a_lower_case_credit_code_is_stored_in_capitals(client, world, officer):
    code = factories.credit_code()
    response = client.post("/enterprises/new/", new_enterprise_data(world.park_a, credit_code=code.lower()))
    assert response.status_code == 302
    assert Enterprise.objects.filter(credit_code=code).exists()


def test_html_in_every_enterprise_text_field_is_shown_escaped(client, world, officer):
    data = new_enterprise_data(
        world.park_a, name=SCRIPT, contact_person=SCRIPT, contact_phone=SCRIPT, address=SCRIPT
    )
    response = client.post("/enterprises/new/", data, follow=True)
    assert response.status_code == 200
    enterprise = Enterprise.objects.get(name=SCRIPT)
    assert enterprise.address == SCRIPT
    for page in (response, client.get(enterprise.get_absolute_url()), client.get("/enterprises/")):
        assert SCRIPT not in page.text
        assert ESCAPED_SCRIPT in page.text


# Cases ----------------------------------------------------------------------------------------


@pytest.fixture
def free_parcel(world):
    return factories.make_parcel(park=world.park_a, code="A-05", area_m2="3000.00")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"category": ""}, "category", "This field is required."),
        ({"opened_on": ""}, "opened_on", "This field is required."),
        ({"case_area_m2": ""}, "case_area_m2", "This field is required."),
        (
            {"case_area_m2": "-100"},
            "case_area_m2",
            "Area under disposal (m²) -100 is outside the allowed range (0.01 to 10,000,000 m²).",
        ),
        (
            {"case_area_m2": "0"},
            "case_area_m2",
            "Area under disposal (m²) 0 is outside the allowed range (0.01 to 10,000,000 m²).",
        ),
        ({"case_area_m2": "abc"}, "case_area_m2", "Enter a number."),
        (
            {"case_area_m2": "1" * 20},
            "case_area_m2",
            "11,111,111,111,111,111,111 is outside the allowed range (0.01 to 10,000,000 m²).",
        ),
        ({"case_area_m2": "3000.01"}, "case_area_m2", "cannot exceed the parcel's area of 3000.00 m²"),
        ({"opened_on": "yesterday"}, "opened_on", "Enter a valid date."),
        ({"opened_on": "2023-02-30"}, "opened_on", "Enter a valid date."),
        # The identification and disposal dates, and their rules, belong to the workflow's steps
        # (tests/test_views_cases.py); the case form has no such fields.
        ({"decision_on": "2023-03-01"}, "decision_on", "A decision cannot be made before the case was"),
        (
            {"disposal_method": "transfer"},
            "disposal_method",
            "This disposal method does not apply to this category of land.",
        ),
        ({"category": "vacant"}, "category", "Select a valid choice."),
        ({"litigation": "war"}, "litigation", "Select a valid choice."),
    ],
)
def test_a_bad_new_case_is_refused_with_its_message(
    client, world, officer, free_parcel, changes, field, message
):
    data = new_case_data(free_parcel, world.officer_a, **changes)
    post_refused(client, "/cases/new/", data, field, message)


def test_an_empty_case_form_is_refused(client, world, officer):
    response = post_refused(
        client, "/cases/new/", blank(CASE_FORM_FIELDS), "parcel", "This field is required."
    )
    assert {"parcel", "category", "case_area_m2", "opened_on"} <= set(response.context["form"].errors)


def test_a_case_on_another_parks_parcel_is_refused(client, world, officer):
    post_refused(
        client, "/cases/new/", new_case_data(world.parcel_b, world.officer_a), "parcel", INVALID_CHOICE
    )


@pytest.mark.parametrize("who", ["officer_b", "viewer_a"])
def test_a_case_officer_who_is_not_an_officer_of_the_park_is_refused(
    client, world, officer, free_parcel, who
):
    data = new_case_data(free_parcel, getattr(world, who))
    post_refused(client, "/cases/new/", data, "officer", INVALID_CHOICE)


def test_a_case_officer_of_the_users_other_park_is_refused(client, world, free_parcel):
    Membership.objects.create(user=world.officer_a, park=world.park_b, role=R.OFFICER)
    sign_in(client, world.officer_a)
    data = new_case_data(free_parcel, world.officer_b)
    post_refused(
        client, "/cases/new/", data, "officer", "The case officer must be an officer of the parcel's park."
    )


def test_a_second_open_case_on_a_parcel_is_refused(client, world, officer):
    data = new_case_data(world.parcel_a, world.officer_a)
    response = post_refused(client, "/cases/new/", data, "parcel", "Parcel A-01 already has an open case:")
    assert f'<a href="{world.case_a.get_absolute_url()}">{world.case_a.number}</a>' in response.text


def test_a_new_case_on_a_parcel_whose_case_is_closed_is_fine(client, world, officer):
    DisposalCase.objects.filter(pk=world.case_a.pk).update(status="withdrawn", status_before_close="lead")
    response = client.post("/cases/new/", new_case_data(world.parcel_a, world.officer_a))
    assert response.status_code == 302
    assert world.parcel_a.cases.count() == 2


RATE_FIGURES = ("identified_on", "disposed_on", "disposed_area_m2")


def test_a_new_case_never_takes_its_status_or_the_rates_figures_from_the_form(
    client, world, officer, free_parcel
):
    page = client.get("/cases/new/").text
    assert not [name for name in RATE_FIGURES if f'name="{name}"' in page]
    data = new_case_data(
        free_parcel,
        world.officer_a,
        identified_on="2023-03-01",
        disposed_on="2023-06-01",
        disposed_area_m2="3000.00",
    )
    data.update(status="disposed", number="AA-1999-999", version="7")
    assert client.post("/cases/new/", data).status_code == 302
    case = free_parcel.cases.get()
    assert (case.status, case.number, case.version) == ("lead", "AA-2023-001", 1)
    assert (case.identified_on, case.disposed_on, case.disposed_area_m2) == (None, None, None)


def test_html_in_every_case_text_field_is_shown_escaped(client, world, officer, free_parcel):
    notes = {
        "summary": SCRIPT,
        "low_willingness": True,
        "low_willingness_note": SCRIPT,
        "evidence_difficulty": True,
        "evidence_difficulty_note": SCRIPT,
        "litigation_risk": True,
        "litigation_risk_note": SCRIPT,
        "funding_gap": True,
        "funding_gap_note": SCRIPT,
    }
    response = client.post("/cases/new/", new_case_data(free_parcel, world.officer_a, **notes), follow=True)
    assert response.status_code == 200
    case = free_parcel.cases.get()
    assert case.funding_gap_note == SCRIPT
    page = client.get(case.get_absolute_url()).text
    assert SCRIPT not in page
    assert page.count(ESCAPED_SCRIPT) >= 5


def test_a_case_opened_from_a_parcel_page_starts_with_the_parcels_area(client, world, officer, free_parcel):
    response = client.get(f"/cases/new/?parcel={free_parcel.pk}")
    assert response.status_code == 200
    assert response.context["form"].initial["case_area_m2"] == free_parcel.area_m2


@pytest.mark.parametrize("value", ["abc", "-1", "", "99999999999999999999999", "²", "1.5"])
def test_a_malformed_parcel_in_the_new_case_link_gives_the_empty_form(client, world, officer, value):
    response = client.get("/cases/new/", {"parcel": value})
    assert response.status_code == 200
    assert "parcel" not in response.context["form"].initial


def test_another_parks_parcel_in_the_new_case_link_is_ignored(client, world, officer):
    response = client.get(f"/cases/new/?parcel={world.parcel_b.pk}")
    assert response.status_code == 200
    assert "parcel" not in response.context["form"].initial
    assert "B-01" not in response.text


# Case edits -----------------------------------------------------------------------------------


def test_an_edit_from_a_stale_version_is_refused_and_the_first_edit_stays(client, world):
    case = world.case_a
    path = case_url(case, "case-edit")
    start = case_data(case)  # both people opened the form at version 1
    assert start["version"] == 1
    other = type(client)()
    sign_in(other, world.supervisor_a)
    first = other.post(path, {**start, "summary": "第一位的修改", "case_area_m2": "9000.00"})
    assert first.status_code == 302
    sign_in(client, world.officer_a)
    before = snapshot()
    response = client.post(path, {**start, "summary": "第二位的修改", "case_area_m2": "8000.00"})
    assert_refused(
        response,
        None,
        f"Someone else saved case {case.number} meanwhile; reload it and make your change again.",
        status=409,
    )
    assert snapshot() == before
    case.refresh_from_db()
    assert (case.summary, case.case_area_m2, case.version) == ("第一位的修改", 9000, 2)
    assert case.updated_by == world.supervisor_a


def test_an_edit_started_before_the_case_moved_on_is_refused(client, world):
    case = world.case_a
    path = case_url(case, "case-edit")
    start = case_data(case)
    sign_in(client, world.officer_a)
    client.post(case_url(case, "case-transition"), {"to": "investigating"})
    case.refresh_from_db()
    assert (case.status, case.version) == ("investigating", 2)
    response = client.post(path, {**start, "summary": "基于旧版本的修改"})
    assert response.status_code == 409
    case.refresh_from_db()
    assert (case.status, case.summary, case.version) == ("investigating", "", 2)


def test_an_edit_from_the_current_version_is_saved_and_counts_up_the_version(client, world, officer):
    case = world.case_a
    response = client.post(case_url(case, "case-edit"), case_data(case, summary="改"), follow=True)
    assert response.status_code == 200
    assert f"Case {case.number} saved." in [str(m) for m in response.context["messages"]]
    case.refresh_from_db()
    assert (case.summary, case.version, case.updated_by) == ("改", 2, world.officer_a)
    response = client.post(case_url(case, "case-edit"), case_data(case, summary="再改"))
    assert response.status_code == 302


def test_an_emptied_case_edit_is_refused_and_keeps_the_case(client, world, officer):
    case = world.case_a
    data = {**blank(CASE_FORM_FIELDS), "version": case.version}
    response = post_refused(client, case_url(case, "case-edit"), data, "category", "This field is required.")
    assert {"category", "case_area_m2", "opened_on"} <= set(response.context["form"].errors)


@pytest.mark.parametrize("version", ["abc", "1.5"])
def test_a_malformed_version_is_refused(client, world, officer, version):
    case = world.case_a
    post_refused(
        client,
        case_url(case, "case-edit"),
        case_data(case, version=version),
        "version",
        "Enter a whole number.",
    )


@pytest.mark.parametrize("version", ["-1", "2", "99999999999999999999"])
def test_a_version_the_case_never_had_is_refused_as_stale(client, world, officer, version):
    case = world.case_a
    response = client.post(case_url(case, "case-edit"), case_data(case, version=version, summary="改"))
    assert response.status_code in (409, 422)
    case.refresh_from_db()
    assert (case.summary, case.version) == ("", 1)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"case_area_m2": "-1"}, "case_area_m2", "Area under disposal (m²) -1 is outside the allowed range"),
        ({"case_area_m2": "10000.01"}, "case_area_m2", "cannot exceed the parcel's area"),
        ({"officer": "officer_b"}, "officer", INVALID_CHOICE),
        ({"officer": "999999"}, "officer", INVALID_CHOICE),
    ],
)
def test_a_bad_case_edit_is_refused_and_keeps_the_version(client, world, officer, changes, field, message):
    case = world.case_a
    if changes.get("officer") == "officer_b":
        changes = {"officer": world.officer_b.pk}
    post_refused(client, case_url(case, "case-edit"), case_data(case, **changes), field, message)
    case.refresh_from_db()
    assert case.version == 1


def test_an_edit_cannot_move_the_opening_after_the_identification(client, world, officer):
    # The rule "identified no earlier than opened" now binds the case form through opened_on.
    case = world.case_a
    DisposalCase.objects.filter(pk=case.pk).update(status="identified", identified_on=date(2022, 3, 1))
    case.refresh_from_db()
    before = snapshot()
    response = client.post(case_url(case, "case-edit"), case_data(case, opened_on="2022-03-02"))
    assert response.status_code == 422
    assert_shown(response, "A case cannot be identified before it was opened.")
    assert snapshot() == before


def test_an_edit_cannot_set_or_clear_the_rates_figures(client, world, officer):
    case = world.case_a
    DisposalCase.objects.filter(pk=case.pk).update(status="identified", identified_on=date(2022, 3, 1))
    case.refresh_from_db()
    page = client.get(case_url(case, "case-edit")).text
    assert not [name for name in RATE_FIGURES if f'name="{name}"' in page]
    assert "2022-03-01" in page  # shown read-only beside the form
    for forged in (
        {"identified_on": "2022-02-01"},
        {"identified_on": ""},
        {"disposed_on": "2022-09-01", "disposed_area_m2": "5000.00"},
    ):
        case.refresh_from_db()
        response = client.post(case_url(case, "case-edit"), {**case_data(case, summary="改"), **forged})
        assert response.status_code == 302, forged
        case.refresh_from_db()
        assert (case.identified_on, case.disposed_on, case.disposed_area_m2) == (date(2022, 3, 1), None, None)


def test_clearing_a_date_the_cases_status_needs_is_refused(client, world, officer):
    case = world.case_a
    DisposalCase.objects.filter(pk=case.pk).update(
        status="implementing",
        identified_on=date(2022, 3, 1),
        disposal_method="negotiated_recovery",
        decision_on=date(2022, 4, 1),
    )
    case.refresh_from_db()
    path = case_url(case, "case-edit")
    post_refused(
        client,
        path,
        case_data(case, decision_on=None),
        "decision_on",
        "A case under implementation needs its decision date.",
    )
    post_refused(
        client,
        path,
        case_data(case, disposal_method=""),
        "disposal_method",
        "A case under implementation needs its disposal method.",
    )


def test_a_case_edit_cannot_move_the_case_to_another_parcel(client, world, officer, free_parcel):
    case = world.case_a
    response = client.post(case_url(case, "case-edit"), case_data(case, parcel=free_parcel.pk, summary="改"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.parcel == world.parcel_a


def test_a_case_edit_cannot_change_the_status(client, world, officer):
    case = world.case_a
    data = {**case_data(case), "status": "disposed"}
    client.post(case_url(case, "case-edit"), data)
    case.refresh_from_db()
    assert case.status == "lead"


# Events and measures --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"kind": ""}, "kind", "This field is required."),
        ({"occurred_on": ""}, "occurred_on", "This field is required."),
        ({"title": LONG}, "title", "Ensure this value has at most 200 characters (it has 300)."),
        ({"occurred_on": "2022-13-01"}, "occurred_on", "Enter a valid date."),
        (
            {"occurred_on": "2022-04-01", "due_on": "2022-03-01"},
            "due_on",
            "A deadline cannot fall before the event that opens it.",
        ),
        ({"kind": "status_change"}, "kind", "Select a valid choice."),
    ],
)
def test_a_bad_event_is_refused_with_its_message(client, world, officer, changes, field, message):
    post_refused(client, case_url(world.case_a, "event-create"), new_event_data(**changes), field, message)


def test_an_empty_event_form_is_refused(client, world, officer):
    path = case_url(world.case_a, "event-create")
    response = post_refused(client, path, blank(EVENT_FORM_FIELDS), "title", "This field is required.")
    assert {"kind", "occurred_on", "title"} <= set(response.context["form"].errors)


def test_an_event_pointing_at_another_parks_document_is_refused(client, world, officer):
    data = new_event_data(evidence=world.document_b.pk)
    post_refused(client, case_url(world.case_a, "event-create"), data, "evidence", INVALID_CHOICE)


def test_an_event_pointing_at_another_cases_document_is_refused(client, world, officer):
    other_case = factories.make_case(park=world.park_a)
    document = add_document(case=other_case, doc_type="site_inspection")
    data = new_event_data(evidence=document.pk)
    post_refused(client, case_url(world.case_a, "event-create"), data, "evidence", INVALID_CHOICE)


def test_html_in_every_event_text_field_is_shown_escaped(client, world, officer):
    data = new_event_data(title=SCRIPT, details=SCRIPT, due_on="2022-05-01")
    response = client.post(case_url(world.case_a, "event-create"), data, follow=True)
    assert response.status_code == 200
    assert world.case_a.events.get().details == SCRIPT
    assert SCRIPT not in response.text
    assert response.text.count(ESCAPED_SCRIPT) >= 3  # timeline title, details, deadline


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"method": ""}, "method", "This field is required."),
        ({"method": "barter"}, "method", "Select a valid choice."),
        ({"notes": "  "}, "notes", "Describe the measure."),
        ({"method": "loan"}, "partner", "Choose the partner (lender, acquirer or development partner)."),
        ({"amount_wan": "-1"}, "amount_wan", "Amount (10k yuan) -1 is outside the allowed range"),
        ({"amount_wan": "lots"}, "amount_wan", "Enter a number."),
        ({"amount_wan": "1" * 20}, "amount_wan", "(0 to 10,000,000, in 10k yuan)"),
        ({"started_on": "2022-02-30"}, "started_on", "Enter a valid date."),
        (
            {"method": "joint_development", "project_name": LONG},
            "project_name",
            "Ensure this value has at most 200 characters (it has 300).",
        ),
        ({"method": "joint_development"}, "project_name", "Name the joint development project."),
        (
            {
                "method": "joint_development",
                "project_name": "共建园",
                "partner_share_pct": "60",
                "holder_share_pct": "50",
            },
            "holder_share_pct",
            "The two sides' shares add up to more than 100%.",
        ),
        (
            {"method": "loan", "term_months": "0"},
            "term_months",
            "Term (months) 0 is outside the allowed range (1 to 600 months).",
        ),
        ({"method": "loan", "interest_rate_pct": "-3"}, "interest_rate_pct", "(0% to 24% a year;"),
        (
            {"method": "equity_acquisition", "equity_share_pct": "130"},
            "equity_share_pct",
            "Share acquired (%) 130 is outside the allowed range (0% to 100%).",
        ),
        (
            {"method": "equity_acquisition", "equity_share_pct": "0"},
            "equity_share_pct",
            "A share lies above 0",
        ),
    ],
)
def test_a_bad_measure_is_refused_with_its_message(client, world, officer, changes, field, message):
    if changes.get("method") in ("loan", "equity_acquisition", "joint_development") and field != "partner":
        changes = {"partner": world.partner_a.pk, **changes}
    post_refused(
        client, case_url(world.case_a, "measure-create"), new_measure_data(**changes), field, message
    )


def test_an_empty_measure_form_is_refused(client, world, officer):
    path = case_url(world.case_a, "measure-create")
    post_refused(client, path, blank(MEASURE_FORM_FIELDS), "method", "This field is required.")


def test_a_measure_with_another_parks_partner_is_refused(client, world, officer):
    data = new_measure_data(method="loan", partner=world.partner_b.pk)
    post_refused(client, case_url(world.case_a, "measure-create"), data, "partner", INVALID_CHOICE)


def test_a_loan_secured_on_another_parks_parcel_is_refused(client, world, officer):
    data = new_measure_data(method="loan", partner=world.partner_a.pk, collateral_parcel=world.parcel_b.pk)
    post_refused(client, case_url(world.case_a, "measure-create"), data, "collateral_parcel", INVALID_CHOICE)


def test_the_measure_form_offers_only_the_parks_partners_and_parcels(client, world, officer):
    form = client.get(case_url(world.case_a, "measure-create")).context["form"]
    assert list(form.fields["partner"].queryset) == [world.partner_a]
    assert world.parcel_b not in set(form.fields["collateral_parcel"].queryset)


def test_html_in_every_measure_text_field_is_shown_escaped(client, world, officer):
    data = new_measure_data(
        method="joint_development", partner=world.partner_a.pk, project_name=SCRIPT, notes=SCRIPT
    )
    response = client.post(case_url(world.case_a, "measure-create"), data, follow=True)
    assert response.status_code == 200
    measure = world.case_a.measures.get()
    assert (measure.project_name, measure.notes) == (SCRIPT, SCRIPT)
    assert SCRIPT not in response.text
    assert ESCAPED_SCRIPT in response.text


def test_the_case_page_shows_what_a_measure_of_method_other_is(client, world, officer):
    """For "other" the description is required (it is all there is to the measure): the page must show it."""
    response = client.post(
        case_url(world.case_a, "measure-create"),
        new_measure_data(notes="以厂房租金收益权质押融资"),
        follow=True,
    )
    assert response.status_code == 200
    assert world.case_a.measures.get().notes == "以厂房租金收益权质押融资"
    assert "以厂房租金收益权质押融资" in response.text


# Nothing malformed in a URL is a 500 -----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/parcels/99999999999999999999/",
        "/parcels/99999999999999999999/edit/",
        "/enterprises/99999999999999999999/",
        "/cases/NO-SUCH-CASE/",
        "/cases/NO-SUCH-CASE/edit/",
        "/cases/%3Cscript%3E/",
        "/cases/AA-2022-001/events/99999999999999999999/met/",
    ],
)
def test_unknown_ids_are_not_found(client, world, officer, path):
    method = client.post if path.endswith("/met/") else client.get
    assert method(path).status_code == 404


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "²"])
def test_a_malformed_document_to_supersede_in_the_upload_link_is_not_a_server_error(
    client, world, officer, value
):
    response = client.get(case_url(world.case_a, "evidence-upload"), {"supersedes": value})
    assert response.status_code in (200, 404)


def test_an_event_of_the_case_whose_deadline_is_met_already_is_not_found(client, world, officer):
    event = factories.make_event(
        case=world.case_a, due_on=date(2022, 3, 1), due_met_on=date(2022, 2, 20), occurred_on=date(2022, 2, 1)
    )
    response = client.post(reverse("event-deadline-met", args=[world.case_a.number, event.pk]))
    assert response.status_code == 404
