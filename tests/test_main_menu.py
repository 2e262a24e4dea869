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
    return page[start : page.index('<ul class="navbar-nav align-items-lg-center">', start)]


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
