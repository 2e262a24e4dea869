"""Searchable pickers: scoped answers, long lists not written into the page, likely duplicate enterprises."""

import pytest
from django.urls import reverse

from cases.forms import CaseForm, ParcelForm
from cases.forms.pickers import FULL_LIST_MAX
from cases.models import Enterprise, Membership
from tests import factories
from tests.worlds.staff import build_world, new_enterprise_data, new_parcel_data, sign_in

pytestmark = pytest.mark.django_db

R = Membership.Role


@pytest.fixture
def world():
    return build_world()


def pick(client, source: str, **params):
    return client.get(reverse("picker", args=[source]), params)


def texts(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return [row["text"] for row in response.json()["results"]]


def test_two_chinese_characters_find_the_enterprise_in_the_users_parks_only(client, world):
    factories.make_enterprise(park=world.park_b, name="甲园同名企业")
    sign_in(client, world.officer_a)
    found = texts(pick(client, "enterprises", q="甲园"))
    assert found == [f"甲园企业 · {world.enterprise_a.credit_code} · AA"]


def test_an_enterprise_is_found_by_the_start_of_its_credit_code(client, world):
    sign_in(client, world.officer_a)
    assert len(texts(pick(client, "enterprises", q=world.enterprise_a.credit_code[:10]))) == 1
    assert texts(pick(client, "enterprises", q=world.enterprise_b.credit_code)) == []


def test_parcels_are_found_by_code_location_or_land_user(client, world):
    sign_in(client, world.officer_a)
    for words in ("A-01", "一路", "甲园企业", "AA 一路"):
        assert texts(pick(client, "parcels", q=words)) == ["AA · A-01 · 甲园一路 · 甲园企业"], words
    assert texts(pick(client, "parcels", q="B-01")) == []


def test_partners_are_narrowed_to_the_park_asked_for(client, world):
    park_c = factories.make_park(code="CC")
    Membership.objects.create(user=world.officer_a, park=park_c, role=R.OFFICER)
    from cases.models import Partner

    Partner.objects.create(park=park_c, name="丙园银行", kind="bank")
    sign_in(client, world.officer_a)
    assert texts(pick(client, "partners", q="银行")) == ["丙园银行 · bank", "珠海农商银行 · bank"]
    assert texts(pick(client, "partners", q="银行", park=world.park_a.pk)) == ["珠海农商银行 · bank"]
    # Another park's partners stay hidden even when that park is asked for.
    assert texts(pick(client, "partners", park=world.park_b.pk)) == []


def test_officers_are_the_people_of_the_users_parks_who_may_handle_a_case(client, world):
    world.supervisor_a.last_name, world.supervisor_a.first_name = "李", "晓东"
    world.supervisor_a.save()
    sign_in(client, world.officer_a)
    found = texts(pick(client, "officers", q=""))
    assert "李晓东 (supervisor-a)" in found and "officer-a" in found
    assert "viewer-a" not in found and "officer-b" not in found
    assert texts(pick(client, "officers", q="晓东")) == ["李晓东 (supervisor-a)"]


def test_a_viewer_is_refused_and_an_unknown_source_is_not_found(client, world):
    sign_in(client, world.viewer_a)
    assert pick(client, "enterprises", q="甲园").status_code == 403
    sign_in(client, world.officer_a)
    assert pick(client, "cases", q="甲园").status_code == 404
    assert client.post(reverse("picker", args=["enterprises"])).status_code == 405


def test_signed_out_the_picker_sends_to_the_sign_in_page(client, world):
    response = pick(client, "enterprises", q="甲园")
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_answer_stops_at_twenty_and_says_there_is_more(client, world, django_assert_max_num_queries):
    Enterprise.objects.bulk_create(Enterprise(park=world.park_a, name=f"甲园分厂{n:03d}") for n in range(45))
    sign_in(client, world.officer_a)
    with django_assert_max_num_queries(6):
        response = pick(client, "enterprises", q="分厂")
    body = response.json()
    assert len(body["results"]) == 20 and body["more"] is True
    assert body["results"][0]["text"].startswith("甲园分厂000")


def test_odd_input_is_answered_not_refused(client, world):
    sign_in(client, world.officer_a)
    for params in ({"q": "%"}, {"q": "_"}, {"q": "x" * 5000}, {"park": "1e3"}, {"park": "²"}):
        assert pick(client, "enterprises", **params).status_code == 200, params
    # A control character is refused, as everywhere on the site.
    assert pick(client, "enterprises", q="\x00").status_code == 400


def test_a_long_list_puts_only_the_current_choice_in_the_page_and_still_accepts_any_scoped_one(
    client, world, django_assert_max_num_queries
):
    Enterprise.objects.bulk_create(
        Enterprise(park=world.park_a, name=f"甲园企业{n:04d}") for n in range(FULL_LIST_MAX + 50)
    )
    last = Enterprise.objects.get(name=f"甲园企业{FULL_LIST_MAX + 49:04d}")
    sign_in(client, world.officer_a)
    page = client.get(reverse("parcel-edit", args=[world.parcel_a.pk])).text
    assert page.count("甲园企业0") == 0 and f'value="{world.enterprise_a.pk}" selected' in page
    assert 'data-picker="/pick/enterprises/"' in page and "tom-select.complete.min.js" in page
    # The choice never written into the page is saved, checked against the user's parks.
    form = ParcelForm(
        new_parcel_data(world.park_a, enterprise=last, area_m2="10000.00"),
        instance=world.parcel_a,
        user=world.officer_a,
    )
    assert form.is_valid(), form.errors
    refused = ParcelForm(
        new_parcel_data(world.park_a, enterprise=world.enterprise_b),
        instance=world.parcel_a,
        user=world.officer_a,
    )
    assert not refused.is_valid() and "enterprise" in refused.errors
    with django_assert_max_num_queries(3):
        str(form["enterprise"])


def test_a_short_list_is_written_whole_so_the_plain_select_works_without_scripts(world):
    form = CaseForm(user=world.officer_a)
    html = str(form["parcel"])
    assert f'value="{world.parcel_a.pk}"' in html and 'data-picker="/pick/parcels/"' in html
    assert f'value="{world.parcel_b.pk}"' not in html


# Likely duplicate enterprises -------------------------------------------------------------------


def test_the_same_name_in_the_park_warns_and_saves_nothing_until_confirmed(client, world):
    sign_in(client, world.officer_a)
    data = new_enterprise_data(world.park_a, name=" 甲园 企业 ")
    response = client.post(reverse("enterprise-create"), data)
    assert response.status_code == 422
    assert "likely-duplicates" in response.text and world.enterprise_a.get_absolute_url() in response.text
    assert "Save anyway" in response.text and 'type="checkbox" name="save_anyway"' in response.text
    assert Enterprise.objects.filter(park=world.park_a).count() == 1
    response = client.post(reverse("enterprise-create"), {**data, "save_anyway": "on"})
    assert response.status_code == 302
    assert Enterprise.objects.filter(park=world.park_a).count() == 2


def test_names_that_differ_only_in_spaces_case_or_bracket_width_are_the_same(world):
    factories.make_enterprise(park=world.park_a, name="珠海鑫华（电子）Co Ltd")
    found = Enterprise.objects.likely_duplicates(world.park_a, name="珠海鑫华(电子)co　ltd")
    assert [e.name for e in found] == ["珠海鑫华（电子）Co Ltd"]
    assert not Enterprise.objects.likely_duplicates(world.park_b, name="珠海鑫华(电子)co ltd").exists()


def test_another_parks_enterprise_of_the_same_name_is_no_duplicate(client, world):
    sign_in(client, world.officer_a)
    response = client.post(reverse("enterprise-create"), new_enterprise_data(world.park_a, name="乙园企业"))
    assert response.status_code == 302


def test_the_same_credit_code_in_the_park_is_refused_and_names_the_enterprise_holding_it(client, world):
    sign_in(client, world.officer_a)
    data = new_enterprise_data(world.park_a, name="另一家公司", credit_code=world.enterprise_a.credit_code)
    response = client.post(reverse("enterprise-create"), {**data, "save_anyway": "on"})
    assert response.status_code == 422
    assert "An enterprise with this unified social credit code is already registered." in response.text
    assert world.enterprise_a.get_absolute_url() in response.text
    assert Enterprise.objects.filter(park=world.park_a).count() == 1


def test_editing_an_enterprise_does_not_warn_about_itself(client, world):
    sign_in(client, world.officer_a)
    data = new_enterprise_data(world.park_a, name="甲园企业", credit_code=world.enterprise_a.credit_code)
    response = client.post(reverse("enterprise-edit", args=[world.enterprise_a.pk]), data)
    assert response.status_code == 302
