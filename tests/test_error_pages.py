"""Error pages 400, 403, 404, 405, 500 and the CSRF failure: the site's layout, both languages, a way back."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cases.models import Membership

from .factories import make_case, make_parcel, make_park, make_user

pytestmark = pytest.mark.django_db

LANGUAGES = [("zh-hans", '<html lang="zh-CN"'), ("en", '<html lang="en"')]


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


@pytest.fixture
def park():
    return make_park(code="AA")


@pytest.fixture
def viewer(park):
    return make_user(username="viewer-a", park=park, role=Membership.Role.VIEWER)


def client_in(language: str, user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def assert_error_page(response, status: int, language: str, html_lang: str, *, texts: dict) -> None:
    assert response.status_code == status
    page = response.content.decode()
    assert page.startswith("<!doctype html>") or page.lstrip().startswith("<!doctype html>")
    assert html_lang in page
    assert 'class="navbar' in page and "parkland/parkland.css" in page  # the site's layout
    assert 'href="/"' in page  # a way back
    assert texts[language] in page
    for technical in ["DEBUG", "Traceback", "CSRF verification failed", "Request Method", "settings.py"]:
        assert technical not in page


@pytest.mark.parametrize("language, html_lang", LANGUAGES)
def test_400(language, html_lang):
    # A Host header the site does not answer to is a bad request.
    response = client_in(language).get("/", HTTP_HOST="evil.example")
    assert_error_page(
        response,
        400,
        language,
        html_lang,
        texts={"zh-hans": "无法读取该请求", "en": "This request could not be read"},
    )


@pytest.mark.parametrize("language, html_lang", LANGUAGES)
def test_403(language, html_lang, park, viewer):
    case = make_case(parcel=make_parcel(park=park))
    response = client_in(language, viewer).post(
        reverse("case-transition", args=[case.number]), {"to": "lead"}
    )
    assert_error_page(response, 403, language, html_lang, texts={"zh-hans": "无权操作", "en": "Not allowed"})
    assert "viewer-a" in response.content.decode()  # the user's own menu


@pytest.mark.parametrize("language, html_lang", LANGUAGES)
def test_404(language, html_lang, viewer):
    response = client_in(language, viewer).get("/no/such/page/")
    assert_error_page(response, 404, language, html_lang, texts={"zh-hans": "未找到", "en": "Not found"})


@pytest.mark.parametrize("language, html_lang", LANGUAGES)
@pytest.mark.parametrize("name", ["report-close-month", "report-set-target", "ledger-import-confirm"])
def test_405_a_get_on_a_post_only_address(language, html_lang, viewer, name):
    response = client_in(language, viewer).get(reverse(name))
    assert_error_page(
        response,
        405,
        language,
        html_lang,
        texts={"zh-hans": "不能以这种方式访问", "en": "Not available this way"},
    )
    assert response["Allow"] == "POST"


@pytest.mark.parametrize("language, html_lang", LANGUAGES)
def test_500(language, html_lang, settings, viewer):
    settings.ROOT_URLCONF = "tests.error_urls"
    client = client_in(language, viewer, raise_request_exception=False)
    response = client.get("/fail/")
    assert_error_page(
        response,
        500,
        language,
        html_lang,
        texts={"zh-hans": "服务器出错了", "en": "Something went wrong on the server"},
    )
    assert "a bug" not in response.content.decode()


def test_the_500_page_comes_out_when_its_template_fails(settings, monkeypatch):
    settings.ROOT_URLCONF = "tests.error_urls"
    monkeypatch.setattr("parkland.views.loader.get_template", lambda name: 1 / 0)
    response = Client(raise_request_exception=False).get("/fail/")
    assert response.status_code == 500
    assert "Something went wrong on the server" in response.content.decode()


@pytest.mark.parametrize("language, html_lang", LANGUAGES)
def test_csrf_failure(language, html_lang, viewer):
    client = client_in(language, enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "viewer-a", "password": "correct horse battery"})
    assert_error_page(
        response, 403, language, html_lang, texts={"zh-hans": "表单已过期", "en": "The form has expired"}
    )
    assert "_auth_user_id" not in client.session


def test_csrf_failure_of_a_signed_in_user_keeps_the_menu(viewer):
    client = client_in("en", viewer, enforce_csrf_checks=True)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "viewer-a" in response.content.decode()


def test_the_browsers_own_icon_request_renders_no_page_and_sets_no_cookie():
    """A late /favicon.ico must not hand out a new CSRF cookie, which would spoil a sign-in form."""
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("parkland/favicon.svg")
    assert not response.cookies


@pytest.mark.parametrize("path", ["/accounts/login/", "/no/such/page/", "/admin/login/"])
def test_every_layout_names_the_icon(path):
    page = Client().get(path).content.decode()
    assert 'rel="icon"' in page and "parkland/favicon.svg" in page
