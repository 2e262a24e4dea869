"""The Django admin obeys park scoping and roles just as the staff UI does."""

from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from cases.models import DisposalCase, Enterprise, EvidenceDocument, LandParcel, Membership

from .factories import make_case, make_document, make_enterprise, make_parcel, make_park, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_parks():
    park_a, park_b = make_park(code="AA", name="甲园"), make_park(code="BB", name="乙园")
    enterprise_a = make_enterprise(park=park_a, name="甲园企业")
    enterprise_b = make_enterprise(park=park_b, name="乙园企业")
    case_a = make_case(parcel=make_parcel(park=park_a, code="A-01", enterprise=enterprise_a))
    case_b = make_case(parcel=make_parcel(park=park_b, code="B-01", enterprise=enterprise_b))
    return {"a": park_a, "b": park_b, "case_a": case_a, "case_b": case_b, "enterprise_b": enterprise_b}


def staff(park, role, **extra):
    return make_user(park=park, role=role, is_staff=True, **extra)


def changelist(model) -> str:
    return reverse(f"admin:cases_{model._meta.model_name}_changelist")


def test_every_cases_model_is_in_the_admin():
    models = [m for m in apps.get_app_config("cases").get_models() if not m.__name__.startswith("Historical")]
    missing = [m.__name__ for m in models if m not in admin.site._registry]
    assert missing == []


def test_superuser_sees_every_park(client, two_parks):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = client.get(changelist(DisposalCase))
    assert two_parks["case_a"].number in response.text
    assert two_parks["case_b"].number in response.text


@pytest.mark.parametrize(
    ("model", "shown", "hidden"),
    [
        (DisposalCase, "AA-2022-001", "BB-2022-001"),
        (LandParcel, "A-01", "B-01"),
        (Enterprise, "甲园企业", "乙园企业"),
    ],
)
def test_a_user_sees_only_their_parks_rows(client, two_parks, model, shown, hidden):
    client.force_login(staff(two_parks["a"], Membership.Role.OFFICER))
    response = client.get(changelist(model))
    assert response.status_code == 200
    assert shown in response.text
    assert hidden not in response.text


def test_another_parks_case_cannot_be_opened(client, two_parks):
    client.force_login(staff(two_parks["a"], Membership.Role.PARK_ADMIN))
    case_b = two_parks["case_b"]
    response = client.get(reverse("admin:cases_disposalcase_change", args=[case_b.pk]), follow=True)
    assert case_b.number not in response.text.replace(f"“{case_b.pk}”", "")
    assert "B-01" not in response.text
    history = client.get(reverse("admin:cases_disposalcase_history", args=[case_b.pk]))
    assert history.status_code == 404


def test_form_choices_hold_only_the_users_parks(client, two_parks):
    park_a = two_parks["a"]
    client.force_login(staff(park_a, Membership.Role.OFFICER))
    response = client.get(reverse("admin:cases_landparcel_add"))
    form = response.context["adminform"].form
    assert list(form.fields["park"].queryset) == [park_a]
    assert list(form.fields["enterprise"].queryset) == list(Enterprise.objects.filter(park=park_a))


def test_a_forged_choice_from_another_park_is_refused(client, two_parks):
    park_a = two_parks["a"]
    client.force_login(staff(park_a, Membership.Role.OFFICER))
    response = client.post(
        reverse("admin:cases_landparcel_add"),
        {
            "park": park_a.pk,
            "code": "A-99",
            "location": "甲园一路",
            "area_m2": "100.00",
            "land_use": "industrial",
            "supply_method": "grant",
            "enterprise": two_parks["enterprise_b"].pk,
        },
    )
    assert response.status_code == 200
    assert "enterprise" in response.context["adminform"].form.errors
    assert not LandParcel.objects.filter(code="A-99").exists()


def test_autocomplete_offers_only_the_users_parks(client, two_parks):
    client.force_login(staff(two_parks["a"], Membership.Role.OFFICER))
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cases", "model_name": "landparcel", "field_name": "enterprise", "term": "企业"},
    )
    names = [item["text"] for item in response.json()["results"]]
    assert names == ["甲园企业"]


def test_a_viewer_can_look_but_not_change(client, two_parks):
    client.force_login(staff(two_parks["a"], Membership.Role.VIEWER))
    case_a = two_parks["case_a"]
    url = reverse("admin:cases_disposalcase_change", args=[case_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"summary": "改"})
    assert response.status_code == 403
    assert client.get(reverse("admin:cases_disposalcase_add")).status_code == 403


def test_status_is_read_only_in_the_admin(client, two_parks):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:cases_disposalcase_change", args=[two_parks["case_a"].pk]))
    assert "status" not in response.context["adminform"].form.fields


def test_evidence_cannot_be_added_changed_or_deleted_in_the_admin(client, two_parks):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    document = make_document(case=two_parks["case_a"], doc_type="site_inspection")
    assert client.get(reverse("admin:cases_evidencedocument_add")).status_code == 403
    delete = reverse("admin:cases_evidencedocument_delete", args=[document.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert EvidenceDocument.objects.filter(pk=document.pk).exists()
    detail = client.get(reverse("admin:cases_evidencedocument_change", args=[document.pk]))
    assert document.sha256 in detail.text


def test_admin_case_form_saves_with_history(client, two_parks):
    park_a = two_parks["a"]
    officer = staff(park_a, Membership.Role.OFFICER)
    client.force_login(officer)
    parcel = make_parcel(park=park_a, code="A-02", area_m2="5000.00")
    response = client.post(
        reverse("admin:cases_disposalcase_add"),
        {
            "parcel": parcel.pk,
            "category": "idle",
            "idle_cause": "enterprise",
            "officer": officer.pk,
            "case_area_m2": "4000.00",
            "opened_on": "2023-02-01",
            "litigation": "none",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
            "events-2-TOTAL_FORMS": "0",
            "events-2-INITIAL_FORMS": "0",
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
            "measures-TOTAL_FORMS": "0",
            "measures-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    case = DisposalCase.objects.get(parcel=parcel)
    assert case.number == "AA-2023-001"
    assert case.created_by == officer
    assert case.history.get().history_user == officer


def test_admin_refuses_a_case_larger_than_its_parcel(client, two_parks):
    park_a = two_parks["a"]
    client.force_login(staff(park_a, Membership.Role.OFFICER))
    parcel = make_parcel(park=park_a, code="A-03", area_m2="100.00")
    response = client.post(
        reverse("admin:cases_disposalcase_add"),
        {
            "parcel": parcel.pk,
            "category": "idle",
            "idle_cause": "unknown",
            "case_area_m2": "100.01",
            "opened_on": date(2023, 2, 1).isoformat(),
            "litigation": "none",
            **{
                f"{p}-{k}": "0"
                for p in ("events", "documents", "measures")
                for k in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        },
    )
    assert response.status_code == 200
    assert "case_area_m2" in response.context["adminform"].form.errors
    assert not DisposalCase.objects.filter(parcel=parcel).exists()


def test_every_admin_page_opens_for_a_superuser(client, two_parks):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    make_document(case=two_parks["case_a"], doc_type="site_inspection")
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "cases":
            continue
        assert client.get(changelist(model)).status_code == 200, model
        first = model_admin.get_queryset(type("R", (), {"user": make_user(is_superuser=True)})()).first()
        if first is not None:
            url = reverse(f"admin:cases_{model._meta.model_name}_change", args=[first.pk])
            assert client.get(url).status_code == 200, model


def test_the_data_version_is_shown_to_superusers_only_and_read_only(client, two_parks):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    assert client.get("/admin/cases/dataversion/").status_code == 200
    assert client.get("/admin/cases/dataversion/add/").status_code == 403
    client.force_login(make_user(is_staff=True))
    assert client.get("/admin/cases/dataversion/").status_code == 403
