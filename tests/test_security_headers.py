"""Every page carries the Content-Security-Policy and the other security headers; no template inlines code."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cases.models import Membership

from .factories import make_case, make_parcel, make_park, make_user

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# The case-file index travels inside the evidence zip and is opened from disk, where no policy
# applies and no stylesheet can be fetched: it keeps its own <style>.
SELF_CONTAINED = {"cases/evidence_index.html"}


@pytest.fixture
def signed_in():
    park = make_park(code="AA")
    user = make_user(username="admin-a", park=park, role=Membership.Role.PARK_ADMIN, is_staff=True)
    case = make_case(parcel=make_parcel(park=park))

    def client_in(language: str) -> tuple[Client, str]:
        client = Client()
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client, case.number

    return client_in


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_secure_headers(response) -> None:
    directives = policy(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        "camera=(self)" in response["Permissions-Policy"]
        and "microphone=()" in response["Permissions-Policy"]
    )


PAGES = [
    "/",
    "/cases/",
    "/cases/{number}/",
    "/cases/{number}/edit/",
    "/parcels/",
    "/enterprises/",
    "/deadlines/",
    "/radar/",
    "/measures/",
    "/partners/",
    "/leads/",
    "/reports/monthly/",
    "/reports/monthly/print/",
    "/import/",
    "/admin/",
    "/accounts/password_change/",
    "/no/such/page/",
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_carries_the_policy_in_both_languages(signed_in, language):
    client, number = signed_in(language)
    for path in PAGES:
        response = client.get(path.format(number=number))
        assert response.status_code in {200, 404}, (path, response.status_code)
        assert_secure_headers(response)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_sign_in_page_and_error_responses_carry_the_policy(language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for response in [
        client.get(reverse("login")),
        client.get("/cases/?park=%00"),
        client.get("/healthz"),
        client.get("/", HTTP_HOST="evil.example"),
    ]:
        assert_secure_headers(response)


def test_no_template_has_inline_script_or_style():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        name = path.relative_to(TEMPLATES).as_posix()
        if name in SELF_CONTAINED:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in [
            r"<script(?![^>]*\bsrc=)[^>]*>",
            r"<style\b",
            r"\sstyle=",
            r"\son[a-z]+=",
            r"javascript:",
        ]:
            if re.search(pattern, text, flags=re.IGNORECASE):
                offenders.append(f"{name}: {pattern}")
    assert offenders == []
