"""The main menu (cases/templatetags/menu.py): drawn once per language, section and import right,
it still marks the page's own section, speaks the reader's language and offers the imports only
to those who may import."""

import re

import pytest

from cases.models import Membership
from tests import factories
from tests.worlds.staff import sign_in

pytestmark = pytest.mark.django_db

R = Membership.Role


def menu(page) -> str:
    """The main menu's sections: what comes before the user's own menu."""
    start = page.index('<ul class="navbar-nav me-auto">')
    return page[start : page.index('<ul class="navbar-nav align-items-', start)]


def active(page) -> list[str]:
    """The labels of the menu's entries marked active."""
    return re.findall(r'class="nav-link(?: dropdown-toggle)? active"[^>]*>([^<]+)</a>', menu(page))


@pytest.mark.parametrize(
    "path, section",
    [
        ("/", "Dashboard"),
        ("/cases/", "Cases"),
        ("/cases/new/", "Cases"),
        ("/parcels/", "Parcels"),
        ("/enterprises/", "Enterprises"),
        ("/deadlines/", "Deadlines"),
        ("/partners/", "Revitalisation"),
        ("/reports/monthly/", "Reports"),
        ("/commitments/", "Evaluation"),
        ("/jobs/", None),
    ],
)
def test_each_page_marks_its_own_section_and_no_other(client, path, section):
    park = factories.make_park(code="MN")
    sign_in(client, factories.make_user(park=park, role=R.OFFICER))
    client.get("/")  # the menu of another section drawn first, and kept
    response = client.get(path)
    assert response.status_code == 200, path
    assert active(response.text) == ([section] if section else [])


def test_the_imports_are_offered_only_to_who_may_import_and_in_the_readers_language(client):
    park = factories.make_park(code="MI")
    officer = factories.make_user(park=park, role=R.OFFICER)
    admin = factories.make_user(park=park, role=R.PARK_ADMIN)

    sign_in(client, officer)
    assert 'href="/import/"' not in menu(client.get("/").text)
    sign_in(client, admin)
    english = menu(client.get("/").text)
    assert 'href="/import/"' in english and "Import yearly figures" in english
    sign_in(client, admin, language="zh-hans")
    chinese = menu(client.get("/").text)
    assert 'href="/import/"' in chinese and "Import yearly figures" not in chinese
    assert "案件" in chinese and "Cases" not in chinese
    sign_in(client, officer, language="zh-hans")
    assert 'href="/import/"' not in menu(client.get("/").text)


def user_menu(page) -> str:
    start = page.index('<ul class="navbar-nav align-items-')
    return page[start : page.index("</nav>", start)]


def test_the_users_menu_names_the_reader_and_carries_the_requests_own_token_and_page(client):
    park = factories.make_park(code="MU")
    officer = factories.make_user(park=park, role=R.OFFICER, first_name="晓东", last_name="李")
    staff = factories.make_user(park=park, role=R.OFFICER, first_name="Ann", last_name="Lee", is_staff=True)

    sign_in(client, officer)
    page = user_menu(client.get("/cases/?q=<b>&status=open").text)
    assert "李晓东" in page and officer.username in page
    assert "/admin/" not in page and "API tokens" in page
    # The page to come back to after switching language, escaped as any value.
    assert 'name="next" type="hidden" value="/cases/?q=%3Cb%3E&amp;status=open"' in page
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert len(tokens) == 2 and "kept" not in tokens[0]

    sign_in(client, staff, language="zh-hans")
    page = user_menu(client.get("/").text)
    assert "Ann Lee" in page and 'href="/admin/"' in page and "修改密码" in page and "API tokens" not in page
    assert 'class="btn btn-sm btn-light" name="language" value="zh-hans"' in page


def test_signing_out_and_switching_language_work_with_the_menus_forms(settings):
    from django.test import Client

    park = factories.make_park(code="MS")
    officer = factories.make_user(park=park, role=R.OFFICER)
    client = Client(enforce_csrf_checks=True)
    sign_in(client, officer)
    page = user_menu(client.get("/parcels/").text)
    switch, sign_out = (
        re.search(r'action="/i18n/setlang/".*?value="([^"]+)"', page).group(1),
        re.search(r'action="/accounts/logout/">.*?value="([^"]+)"', page).group(1),
    )
    response = client.post(
        "/i18n/setlang/", {"csrfmiddlewaretoken": switch, "language": "zh-hans", "next": "/parcels/"}
    )
    assert response.status_code == 302 and response["Location"] == "/parcels/"
    assert "宗地" in client.get("/parcels/").text
    assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": sign_out}).status_code == 302
    assert client.get("/parcels/").status_code == 302  # signed out: to the sign-in page
