"""A control character (NUL and the like) in an API address or query string is refused before the
API as the API refuses: an RFC 9457 problem in the caller's language, not the site's HTML 400 page."""

import pytest
from django.utils import translation

from cases.api.errors import PROBLEMS
from tests.worlds.api import PROBLEM, assert_problem, auth, build_api_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return build_api_world()


def title_in(language: str) -> str:
    with translation.override(language):
        return str(PROBLEMS["bad-request"])


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/cases/?q=%00",
        "/api/v1/cases/?q=a%01b",
        "/api/v1/parcels/?q%00=x",
        "/api/v1/cases/?q=%C2%85",
        "/api/v1/cases/AA%00/",
        "/api/v1/reports/monthly/?year=2022%1f",
    ],
)
def test_a_control_character_under_the_api_is_a_problem(client, api, address):
    response = client.get(address, **auth(api.keys["viewer-a"]))
    body = assert_problem(response, 400)
    assert body["type"] == "urn:parkland:problem:bad-request"
    assert body["title"] == title_in("en") == "The request cannot be read"
    assert "control character" in body["detail"] and "errors" not in body
    assert "Accept-Language" in response["Vary"]


def test_the_problems_title_follows_accept_language(client, api):
    response = client.get("/api/v1/cases/?q=%00", **auth(api.keys["viewer-a"], language="zh-hans"))
    body = assert_problem(response, 400)
    assert body["title"] == title_in("zh-hans") != title_in("en")
    assert response["Content-Language"] == "zh-hans"


def test_it_is_refused_before_authentication_and_for_a_write(client, api):
    assert_problem(client.get("/api/v1/cases/?q=%00"), 400)
    response = client.post(
        "/api/v1/parcels/?q=%00", data="{}", content_type="application/json", **auth(api.keys["officer-a"])
    )
    assert_problem(response, 400)


def test_the_pages_keep_their_own_400_page(client, api):
    client.force_login(api.world.viewer_a)
    response = client.get("/cases/?q=%00")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert not response["Content-Type"].startswith(PROBLEM)
