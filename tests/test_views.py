"""The staff web app (issue 3): sign-in, the language switch, park scoping and roles.

The helpers at the top build the two-park world the other `test_views_*` modules use as well.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import (
    DisposalCase,
    Enterprise,
    LandParcel,
    Membership,
)
from tests import factories
from tests.worlds.exports import body
from tests.worlds.staff import (
    ENTERPRISE_FORM_FIELDS,
    PARCEL_FORM_FIELDS,
    R,
    World,
    add_document,
    build_world,
    case_data,
    case_url,
    form_data,
    messages_of,
    new_case_data,
    new_enterprise_data,
    new_event_data,
    new_measure_data,
    new_parcel_data,
    refused_step,
    sign_in,
    snapshot,
    step_errors,
)

pytestmark = pytest.mark.django_db


# Shared helpers (imported by the other test_views_* modules) ----------------------------------


@pytest.fixture
def world() -> World:
    return build_world()


# Sign-in and language -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/cases/",
        "/cases/export.csv",
        "/cases/new/",
        "/parcels/",
        "/parcels/export.xlsx",
        "/parcels/new/",
        "/enterprises/",
        "/enterprises/new/",
        "/accounts/password_change/",
    ],
)
def test_every_page_sends_an_anonymous_visitor_to_the_sign_in_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_object_pages_send_an_anonymous_visitor_to_the_sign_in_page(client, world):
    for path in [
        case_url(world.case_a),
        case_url(world.case_a, "case-edit"),
        case_url(world.case_a, "event-create"),
        case_url(world.case_a, "measure-create"),
        world.parcel_a.get_absolute_url(),
        reverse("parcel-edit", args=[world.parcel_a.pk]),
        world.enterprise_a.get_absolute_url(),
        reverse("enterprise-edit", args=[world.enterprise_a.pk]),
    ]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith("/accounts/login/?next="), path


def test_an_anonymous_transition_post_changes_nothing_and_asks_to_sign_in(client, world):
    response = client.post(case_url(world.case_a, "case-transition"), {"to": "investigating"})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    world.case_a.refresh_from_db()
    assert world.case_a.status == "lead"


def test_the_sign_in_page_is_in_chinese_by_default_with_a_language_switch(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert '<html lang="zh-CN"' in response.text
    assert 'action="/i18n/setlang/"' in response.text
    assert 'name="language" value="en"' in response.text
    assert 'name="language" value="zh-hans"' in response.text


def test_an_anonymous_visitor_can_switch_the_sign_in_page_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    page = client.get("/accounts/login/")
    assert '<html lang="en"' in page.text
    assert "Sign in to Parkland" in page.text


def test_an_unknown_language_keeps_the_pages_in_chinese(client):
    client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"})
    assert '<html lang="zh-CN"' in client.get("/accounts/login/").text


def test_the_language_switch_never_sends_anyone_off_the_site(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response.url


def test_a_signed_in_user_can_switch_back_to_chinese(client, world):
    sign_in(client, world.officer_a)
    assert '<html lang="en"' in client.get("/").text
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-CN"' in client.get("/").text


def test_signing_in_with_the_password_leads_to_the_dashboard(client, world):
    response = client.post(
        "/accounts/login/", {"username": "officer-a", "password": "correct horse battery"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"
    assert response.context["user"] == world.officer_a


def test_a_wrong_password_is_refused_on_the_sign_in_page(client, world):
    response = client.post("/accounts/login/", {"username": "officer-a", "password": "wrong"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert response.context["form"].non_field_errors()


# Park scoping: another park's rows are 404, never listed --------------------------------------


def other_park_urls(world: World) -> list[tuple[str, str]]:
    """(method, path) of every page and action on park B's rows."""
    case = world.case_b
    return [
        ("get", case_url(case)),
        ("get", case_url(case, "case-edit")),
        ("post", case_url(case, "case-edit")),
        ("post", case_url(case, "case-transition")),
        ("get", case_url(case, "event-create")),
        ("post", case_url(case, "event-create")),
        ("get", case_url(case, "measure-create")),
        ("post", case_url(case, "measure-create")),
        ("post", reverse("event-deadline-met", args=[case.number, world.event_b.pk])),
        ("get", world.parcel_b.get_absolute_url()),
        ("get", reverse("parcel-edit", args=[world.parcel_b.pk])),
        ("post", reverse("parcel-edit", args=[world.parcel_b.pk])),
        ("get", world.enterprise_b.get_absolute_url()),
        ("get", reverse("enterprise-edit", args=[world.enterprise_b.pk])),
        ("post", reverse("enterprise-edit", args=[world.enterprise_b.pk])),
        ("get", case_url(case, "evidence-upload")),
        ("post", case_url(case, "evidence-upload")),
        ("get", case_url(case, "case-evidence-zip")),
        ("get", reverse("evidence-detail", args=[world.document_b.pk])),
        ("get", reverse("evidence-download", args=[world.document_b.pk])),
        ("post", reverse("evidence-withdraw", args=[world.document_b.pk])),
        ("post", reverse("measure-step", args=[case.number, world.measure_b.pk])),
    ]


@pytest.mark.parametrize("member", ["viewer_a", "officer_a", "supervisor_a", "admin_a"])
def test_another_parks_rows_are_not_found_for_every_role(client, world, member):
    sign_in(client, getattr(world, member))
    before = snapshot()
    for method, path in other_park_urls(world):
        data = {"to": "investigating", "reason": "x", "title": "x", "name": "x"} if method == "post" else None
        response = getattr(client, method)(path, data)
        assert response.status_code == 404, (method, path)
    assert snapshot() == before


def test_a_user_of_both_parks_sees_both(client, world):
    Membership.objects.create(user=world.officer_a, park=world.park_b, role=R.VIEWER)
    sign_in(client, world.officer_a)
    assert client.get(case_url(world.case_b)).status_code == 200
    assert client.get(world.parcel_b.get_absolute_url()).status_code == 200
    # ...but a viewer of B may still not change B's rows.
    assert client.get(case_url(world.case_b, "case-edit")).status_code == 403
    assert client.post(case_url(world.case_b, "case-transition"), {"to": "investigating"}).status_code == 403


def test_a_superuser_sees_every_park(client, world):
    sign_in(client, factories.make_user(is_superuser=True, is_staff=True))
    for path in (case_url(world.case_a), case_url(world.case_b), world.parcel_b.get_absolute_url()):
        assert client.get(path).status_code == 200
    assert client.get("/").context["open_total"] == 2
    listed = client.get("/cases/")
    assert {c.number for c in listed.context["object_list"]} == {world.case_a.number, world.case_b.number}
    assert set(listed.context["filterset"].form.fields["park"].queryset) == {world.park_a, world.park_b}


@pytest.mark.parametrize(
    ("path", "own", "other"),
    [
        ("/cases/", "AA-2022-001", "BB-2022-001"),
        ("/parcels/", "A-01", "B-01"),
        ("/enterprises/", "甲园企业", "乙园企业"),
        ("/cases/export.csv", "AA-2022-001", "BB-2022-001"),
        ("/parcels/export.csv", "A-01", "B-01"),
        ("/enterprises/export.csv", "甲园企业", "乙园企业"),
    ],
)
def test_lists_and_exports_never_show_another_parks_rows(client, world, path, own, other):
    sign_in(client, world.viewer_a)
    response = client.get(path)
    assert response.status_code == 200
    text = body(response).decode("utf-8-sig")
    assert own in text
    assert other not in text


@pytest.mark.parametrize("path", ["/cases/export.xlsx", "/parcels/export.xlsx", "/enterprises/export.xlsx"])
def test_spreadsheet_exports_never_hold_another_parks_rows(client, world, path):
    from io import BytesIO

    from openpyxl import load_workbook

    sign_in(client, world.viewer_a)
    response = client.get(path)
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert sheet.max_row == 2  # the header and park A's one row
    assert not {"BB", "B-01", "乙园企业", "BB-2022-001"} & cells


def test_list_totals_count_only_the_users_parks(client, world):
    sign_in(client, world.viewer_a)
    cases = client.get("/cases/")
    assert cases.context["total_count"] == 1
    assert cases.context["total_area"] == Decimal("10000.00")
    parcels = client.get("/parcels/")
    assert parcels.context["total_count"] == 1
    assert parcels.context["total_area"] == Decimal("10000.00")
    assert "7,777" not in parcels.text
    assert client.get("/enterprises/").context["total_count"] == 1


def test_filter_dropdowns_offer_only_the_users_parks_people_and_enterprises(client, world):
    sign_in(client, world.viewer_a)
    form = client.get("/cases/").context["filterset"].form
    assert list(form.fields["park"].queryset) == [world.park_a]
    officers = set(form.fields["officer"].queryset)
    assert world.officer_a in officers
    assert world.officer_b not in officers
    assert world.viewer_a not in officers  # a viewer cannot be a case officer
    page = client.get("/cases/").text
    assert "officer-b" not in page
    assert "乙园" not in page
    parcel_form = client.get("/parcels/").context["filterset"].form
    assert list(parcel_form.fields["park"].queryset) == [world.park_a]
    assert list(parcel_form.fields["enterprise"].queryset) == [world.enterprise_a]
    assert "乙园企业" not in client.get("/parcels/").text


def test_filtering_by_another_parks_id_shows_nothing_of_it(client, world):
    sign_in(client, world.viewer_a)
    for query in (
        f"park={world.park_b.pk}",
        f"officer={world.officer_b.pk}",
        "q=BB-2022",
        "q=乙园",
    ):
        response = client.get(f"/cases/?{query}")
        assert response.status_code == 200, query
        assert "BB-2022-001" not in response.text, query
    response = client.get(f"/parcels/?enterprise={world.enterprise_b.pk}")
    assert response.status_code == 200
    assert "B-01" not in response.text


def test_the_dashboard_counts_only_the_users_parks(client, world):
    sign_in(client, world.viewer_a)
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["open_total"] == 1
    flags = {row["flag"].value: row["count"] for row in response.context["flag_rows"]}
    assert flags["low_willingness"] == 0  # only park B's case carries the flag
    # Park B's overdue deadline is not ours; what is overdue is case_a's (a lead since 2022).
    assert {d.case for d in response.context["overdue"]} == {world.case_a}
    assert "BB-2022-001" not in response.text
    assert "乙园通知" not in response.text


def test_the_officer_dropdown_of_the_case_form_offers_only_the_users_parks(client, world):
    sign_in(client, world.officer_a)
    form = client.get("/cases/new/").context["form"]
    assert set(form.fields["officer"].queryset) == {world.officer_a, world.supervisor_a, world.admin_a}
    assert list(form.fields["parcel"].queryset) == [world.parcel_a]
    parcel_form = client.get("/parcels/new/").context["form"]
    assert list(parcel_form.fields["park"].queryset) == [world.park_a]
    assert list(parcel_form.fields["enterprise"].queryset) == [world.enterprise_a]
    assert list(client.get("/enterprises/new/").context["form"].fields["park"].queryset) == [world.park_a]
    for path in ("/cases/new/", "/parcels/new/", "/enterprises/new/"):
        page = client.get(path).text
        for other in ("B-01", "officer-b", "乙园", "viewer-a"):
            assert other not in page, (path, other)


def test_a_user_of_no_park_sees_empty_pages_and_may_not_create(client, world):
    sign_in(client, factories.make_user(username="nobody"))
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["open_total"] == 0
    assert "AA-2022-001" not in response.text
    assert client.get("/cases/").context["total_count"] == 0
    assert client.get("/parcels/").context["total_count"] == 0
    assert body(client.get("/cases/export.csv")).decode("utf-8-sig").count("\n") == 1
    for path in ("/cases/new/", "/parcels/new/", "/enterprises/new/"):
        assert client.get(path).status_code == 403, path
    assert client.get(case_url(world.case_a)).status_code == 404


# Roles ----------------------------------------------------------------------------------------


def form_urls(world: World) -> list[str]:
    case = world.case_a
    return [
        "/parcels/new/",
        reverse("parcel-edit", args=[world.parcel_a.pk]),
        "/enterprises/new/",
        reverse("enterprise-edit", args=[world.enterprise_a.pk]),
        "/cases/new/",
        case_url(case, "case-edit"),
        case_url(case, "event-create"),
        case_url(case, "measure-create"),
        case_url(case, "evidence-upload"),
    ]


def test_a_viewer_cannot_open_any_form(client, world):
    sign_in(client, world.viewer_a)
    for path in form_urls(world):
        assert client.get(path).status_code == 403, path


def test_a_viewers_posts_to_every_form_and_action_are_refused_and_change_nothing(client, world):
    event = factories.make_event(case=world.case_a, due_on=date(2022, 3, 1))
    document = add_document(case=world.case_a, doc_type="site_inspection")
    measure = factories.make_measure(case=world.case_a, method="other", notes="自筹")
    sign_in(client, world.viewer_a)
    posts = {
        "/parcels/new/": new_parcel_data(world.park_a),
        reverse("parcel-edit", args=[world.parcel_a.pk]): form_data(
            world.parcel_a, PARCEL_FORM_FIELDS, location="改过"
        ),
        "/enterprises/new/": new_enterprise_data(world.park_a),
        reverse("enterprise-edit", args=[world.enterprise_a.pk]): form_data(
            world.enterprise_a, ENTERPRISE_FORM_FIELDS, name="改过"
        ),
        "/cases/new/": new_case_data(factories.make_parcel(park=world.park_a), world.officer_a),
        case_url(world.case_a, "case-edit"): case_data(world.case_a, summary="改过"),
        case_url(world.case_a, "case-transition"): {"to": "investigating"},
        case_url(world.case_a, "event-create"): new_event_data(),
        case_url(world.case_a, "measure-create"): new_measure_data(),
        reverse("event-deadline-met", args=[world.case_a.number, event.pk]): {},
        case_url(world.case_a, "evidence-upload"): {"doc_type": "other", "title": "照片"},
        reverse("evidence-withdraw", args=[document.pk]): {"reason": "错传"},
        reverse("measure-step", args=[world.case_a.number, measure.pk]): {
            "to": "negotiating",
            "on": "2022-05-01",
        },
    }
    before = snapshot()
    for path, data in posts.items():
        assert client.post(path, data).status_code == 403, path
    assert snapshot() == before
    document.refresh_from_db()
    assert document.withdrawn_at is None
    measure.refresh_from_db()
    assert measure.status == "proposed"


def test_a_viewer_sees_no_edit_controls(client, world):
    factories.make_event(case=world.case_a, due_on=date(2099, 1, 1))
    factories.make_measure(case=world.case_a, method="loan", partner=world.partner_a)
    sign_in(client, world.viewer_a)
    for path in (
        "/",
        "/cases/",
        "/parcels/",
        "/enterprises/",
        case_url(world.case_a),
        world.parcel_a.get_absolute_url(),
        world.enterprise_a.get_absolute_url(),
    ):
        page = client.get(path).text
        for control in (
            "/new/",
            "/edit/",
            "/transition/",
            "/met/",
            "/step/",
            "/withdraw/",
            "/cases/new/?parcel",
        ):
            assert control not in page, (path, control)
        assert "transition-form" not in page, path


def test_an_officer_sees_the_edit_controls(client, world):
    sign_in(client, world.officer_a)
    page = client.get(case_url(world.case_a)).text
    assert case_url(world.case_a, "case-edit") in page
    assert case_url(world.case_a, "event-create") in page
    assert case_url(world.case_a, "case-transition") in page
    assert 'data-target="investigating"' in page
    assert (
        reverse("parcel-edit", args=[world.parcel_a.pk]) in client.get(world.parcel_a.get_absolute_url()).text
    )
    assert "/parcels/new/" in client.get("/parcels/").text
    assert "/enterprises/new/" in client.get("/enterprises/").text
    assert "/cases/new/" in client.get("/cases/").text


def test_an_officer_can_create_a_parcel_an_enterprise_and_a_case(client, world):
    sign_in(client, world.officer_a)
    response = client.post("/enterprises/new/", new_enterprise_data(world.park_a, name="新青精工"))
    enterprise = Enterprise.objects.get(name="新青精工")
    assert response.status_code == 302
    assert response.url == enterprise.get_absolute_url()
    response = client.post(
        "/parcels/new/", new_parcel_data(world.park_a, code="A-09", enterprise=enterprise.pk)
    )
    parcel = LandParcel.objects.get(code="A-09")
    assert response.status_code == 302
    assert parcel.park == world.park_a
    assert parcel.enterprise == enterprise
    response = client.post("/cases/new/", new_case_data(parcel, world.officer_a), follow=True)
    case = DisposalCase.objects.get(parcel=parcel)
    assert case.number == "AA-2023-001"
    assert response.redirect_chain[-1][0] == case.get_absolute_url()
    assert f"Case {case.number} opened." in messages_of(response)
    assert case.created_by == world.officer_a
    assert case.history.count() == 1
    assert case.history.first().history_user == world.officer_a


def test_an_officer_can_edit_a_parcel_and_an_enterprise(client, world):
    sign_in(client, world.officer_a)
    response = client.post(
        reverse("parcel-edit", args=[world.parcel_a.pk]),
        form_data(world.parcel_a, PARCEL_FORM_FIELDS, location="甲园三路"),
    )
    assert response.status_code == 302
    world.parcel_a.refresh_from_db()
    assert world.parcel_a.location == "甲园三路"
    response = client.post(
        reverse("enterprise-edit", args=[world.enterprise_a.pk]),
        form_data(world.enterprise_a, ENTERPRISE_FORM_FIELDS, contact_person="李晓东"),
    )
    assert response.status_code == 302
    world.enterprise_a.refresh_from_db()
    assert world.enterprise_a.contact_person == "李晓东"


def test_the_park_of_a_saved_parcel_cannot_be_changed_through_the_form(client, world):
    Membership.objects.create(user=world.officer_a, park=world.park_b, role=R.OFFICER)
    sign_in(client, world.officer_a)
    response = client.post(
        reverse("parcel-edit", args=[world.parcel_a.pk]),
        form_data(world.parcel_a, PARCEL_FORM_FIELDS, park=world.park_b.pk, location="改"),
    )
    assert response.status_code == 302
    world.parcel_a.refresh_from_db()
    assert world.parcel_a.park == world.park_a


def test_an_officer_adds_an_event_and_a_measure(client, world):
    sign_in(client, world.officer_a)
    response = client.post(case_url(world.case_a, "event-create"), new_event_data(due_on="2022-05-01"))
    assert response.status_code == 302
    event = world.case_a.events.get()
    assert event.actor == world.officer_a
    assert event.due_on == date(2022, 5, 1)
    data = new_measure_data(method="loan", partner=world.partner_a.pk, amount_wan="1200", term_months="36")
    response = client.post(case_url(world.case_a, "measure-create"), data)
    assert response.status_code == 302
    measure = world.case_a.measures.get()
    assert (measure.partner, measure.amount_wan, measure.term_months) == (
        world.partner_a,
        Decimal("1200.00"),
        36,
    )


def test_an_officer_marks_a_deadline_as_met(client, world):
    event = factories.make_event(case=world.case_a, occurred_on=date(2022, 2, 1), due_on=date(2022, 3, 3))
    sign_in(client, world.officer_a)
    response = client.post(reverse("event-deadline-met", args=[world.case_a.number, event.pk]))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.due_met_on is not None
    assert client.get(reverse("event-deadline-met", args=[world.case_a.number, event.pk])).status_code == 405


def test_an_officer_of_another_park_cannot_mark_a_deadline_of_this_park_through_his_own_case(client, world):
    """The event id must belong to the case in the URL."""
    event_a = factories.make_event(case=world.case_a, due_on=date(2022, 3, 3))
    sign_in(client, world.officer_b)
    response = client.post(reverse("event-deadline-met", args=[world.case_b.number, event_a.pk]))
    assert response.status_code == 404
    event_a.refresh_from_db()
    assert event_a.due_met_on is None


@pytest.mark.parametrize("target", ["identified", "disposed"])
def test_an_officer_cannot_move_a_case_into_a_supervisors_status(client, world, target):
    case = world.case_a
    previous = {"identified": "investigating", "disposed": "implementing"}[target]
    if target == "identified":
        DisposalCase.objects.filter(pk=case.pk).update(status=previous)
    else:
        DisposalCase.objects.filter(pk=case.pk).update(
            status=previous,
            identified_on=date(2022, 3, 1),
            disposal_method="negotiated_recovery",
            decision_on=date(2022, 4, 1),
        )
    before = DisposalCase.objects.values("identified_on", "disposed_on", "disposed_area_m2").get(pk=case.pk)
    sign_in(client, world.officer_a)
    response = client.post(
        case_url(case, "case-transition"),
        # What the supervisor's step would carry, forged into the officer's post.
        {
            "to": target,
            "override_reason": "领导同意",
            "identified_on": "2022-03-02",
            "disposed_on": "2022-09-01",
            "disposed_area_m2": "10000.00",
        },
        follow=True,
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == previous
    assert DisposalCase.objects.values(*before).get(pk=case.pk) == before
    assert not case.events.filter(kind="status_change").exists()
    assert any("cannot move to" in m and case.number in m for m in messages_of(response))
    assert f'data-target="{target}"' not in response.text


def test_a_supervisor_overrides_missing_evidence_with_a_reason_and_the_case_shows_it(client, world):
    case = world.case_a
    DisposalCase.objects.filter(pk=case.pk).update(status="investigating")
    sign_in(client, world.supervisor_a)
    response = client.post(
        case_url(case, "case-transition"),
        {"to": "identified", "identified_on": "2022-03-01", "override_reason": "历史档案遗失，经局务会同意"},
        follow=True,
    )
    case.refresh_from_db()
    assert (case.status, case.identified_on) == ("identified", date(2022, 3, 1))
    event = case.events.get(kind="status_change")
    assert event.override_reason == "历史档案遗失，经局务会同意"
    assert event.actor == world.supervisor_a
    assert "This case moved on with evidence missing." in response.text
    assert "历史档案遗失，经局务会同意" in response.text
    # ...and from then on, whoever reads the case.
    sign_in(client, world.viewer_a)
    assert "This case moved on with evidence missing." in client.get(case_url(case)).text


def test_an_officer_cannot_override_missing_evidence(client, world):
    case = world.case_a
    DisposalCase.objects.filter(pk=case.pk).update(
        status="planning",
        identified_on=date(2022, 3, 1),
        disposal_method="negotiated_recovery",
        decision_on=date(2022, 4, 1),
    )
    sign_in(client, world.officer_a)
    response = client.post(
        case_url(case, "case-transition"), {"to": "implementing", "override_reason": "急"}, follow=True
    )
    case.refresh_from_db()
    assert case.status == "planning"
    form = refused_step(response, case, "implementing")
    assert "Only a supervisor may let a case move on with evidence missing." in step_errors(form)
    assert 'name="override_reason"' not in response.text  # an officer is offered no override


def test_only_a_park_admin_may_reopen_a_closed_case(client, world):
    case = world.case_a
    DisposalCase.objects.filter(pk=case.pk).update(status="withdrawn", status_before_close="investigating")
    sign_in(client, world.supervisor_a)
    client.post(case_url(case, "case-transition"), {"to": "investigating", "reason": "更正"})
    case.refresh_from_db()
    assert case.status == "withdrawn"
    sign_in(client, world.admin_a)
    response = client.post(case_url(case, "case-transition"), {"to": "investigating", "reason": "更正"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "investigating"
