"""Sign-in hardening: lockout after repeated failures, the records in the admin, session lifetime."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import get_default_password_validators
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Membership
from parkland.middleware import IdleSessionMiddleware

from .factories import make_park, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
LOCKED_EN = "Sign-in is locked: too many failed attempts"
LOCKED_ZH = "账户已锁定"


@pytest.fixture
def officer():
    return make_user(username="officer-a", park=make_park(code="AA"), role=Membership.Role.OFFICER)


def sign_in(client, username, password, *, address="10.0.0.1", language="en"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.post(
        reverse("login"), {"username": username, "password": password, "next": "/"}, REMOTE_ADDR=address
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_limits_come_from_the_settings():
    assert settings.PARKLAND_LOGIN_FAILURE_LIMIT == settings.AXES_FAILURE_LIMIT == 5
    assert (
        settings.AXES_COOLOFF_TIME
        == timedelta(minutes=settings.PARKLAND_LOGIN_LOCKOUT_MINUTES)
        == timedelta(minutes=30)
    )
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


@pytest.mark.parametrize("language, message", [("en", LOCKED_EN), ("zh-hans", LOCKED_ZH)])
def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_refused(
    client, officer, language, message
):
    for _attempt in range(4):
        response = sign_in(client, "officer-a", "wrong", language=language)
        assert response.status_code == 200
        assert message not in response.text
    # The fifth failure locks.
    response = sign_in(client, "officer-a", "wrong", language=language)
    assert response.status_code == 429
    assert message in response.text

    response = sign_in(client, "officer-a", PASSWORD, language=language)
    assert response.status_code == 429
    assert not signed_in(client)
    # The sign-in page in the site's layout, with the time the lockout lasts and the form kept.
    assert message in response.text
    assert "30" in response.text
    assert 'name="password"' in response.text
    assert 'value="officer-a"' in response.text
    assert 'class="navbar' in response.text
    assert response.templates[0].name == "registration/login.html"


def test_the_lockout_lasts_the_stated_time(client, officer):
    for _attempt in range(5):
        sign_in(client, "officer-a", "wrong")
    assert sign_in(client, "officer-a", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=29))
    assert sign_in(client, "officer-a", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    response = sign_in(client, "officer-a", PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    assert signed_in(client)


def test_the_account_is_locked_from_every_address(client, officer):
    for number in range(5):
        sign_in(client, "officer-a", "wrong", address=f"10.0.1.{number}")
    response = sign_in(Client(), "officer-a", PASSWORD, address="10.0.2.1")
    assert response.status_code == 429


def test_an_address_is_locked_for_every_account(client, officer):
    for number in range(5):
        sign_in(client, f"guess{number}", "wrong", address="10.0.3.1")
    other = Client()
    assert sign_in(other, "officer-a", PASSWORD, address="10.0.3.1").status_code == 429
    assert sign_in(other, "officer-a", PASSWORD, address="10.0.3.2").status_code == 302


def test_a_lower_limit_from_the_settings_applies(client, officer, settings):
    settings.AXES_FAILURE_LIMIT = 2
    sign_in(client, "officer-a", "wrong")
    assert sign_in(client, "officer-a", "wrong").status_code == 429


def test_signing_in_to_an_own_account_does_not_clear_the_failures_against_another(client, officer):
    make_user(username="insider", park=officer.memberships.first().park)
    for _round in range(2):
        for _attempt in range(2):
            assert sign_in(client, "officer-a", "wrong", address="10.0.8.1").status_code == 200
        assert sign_in(client, "insider", PASSWORD, address="10.0.8.1").status_code == 302
        client.post(reverse("logout"), REMOTE_ADDR="10.0.8.1")
    # The fifth failure against officer-a locks it, whatever succeeded in between.
    assert sign_in(client, "officer-a", "wrong", address="10.0.8.1").status_code == 429
    assert sign_in(Client(), "officer-a", PASSWORD, address="10.0.8.2").status_code == 429


def test_failures_older_than_the_lockout_time_are_forgotten(client, officer):
    for _attempt in range(4):
        sign_in(client, "officer-a", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert sign_in(client, "officer-a", "wrong").status_code == 200


def test_every_failure_and_the_lockout_are_recorded(client, officer):
    for _attempt in range(5):
        sign_in(client, "officer-a", "wrong", address="10.0.4.1")
    sign_in(client, "officer-a", PASSWORD, address="10.0.4.1")
    failures = AccessFailureLog.objects.filter(username="officer-a").order_by("attempt_time", "pk")
    assert failures.count() == 6
    assert [f.locked_out for f in failures] == [False] * 4 + [True, True]
    assert {f.ip_address for f in failures} == {"10.0.4.1"}
    attempt = AccessAttempt.objects.get(username="officer-a")
    assert attempt.failures_since_start >= 5
    assert "wrong" not in attempt.post_data  # passwords are never stored


def test_a_sign_in_and_a_sign_out_are_recorded(client, officer):
    assert sign_in(client, "officer-a", PASSWORD, address="10.0.5.1").status_code == 302
    log = AccessLog.objects.get(username="officer-a")
    assert log.ip_address == "10.0.5.1" and log.attempt_time is not None and log.logout_time is None
    client.post(reverse("logout"), REMOTE_ADDR="10.0.5.1")
    log.refresh_from_db()
    assert log.logout_time is not None and log.logout_time >= log.attempt_time


def test_commands_and_the_shell_still_check_passwords_without_a_request(officer):
    assert authenticate(username="officer-a", password=PASSWORD) == officer
    assert authenticate(username="officer-a", password="wrong") is None


# The records in the admin ------------------------------------------------------------------------------


@pytest.fixture
def locked_out(client, officer):
    for _attempt in range(5):
        sign_in(Client(), "officer-a", "wrong", address="10.0.6.1")
    return officer


RECORD_PAGES = ["admin:axes_accessattempt_changelist", "admin:axes_accessfailurelog_changelist"]


@pytest.mark.parametrize("page", RECORD_PAGES)
def test_a_superuser_sees_the_lockout_in_the_admin(client, locked_out, page):
    client.force_login(make_user(username="root", is_staff=True, is_superuser=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse(page))
    assert response.status_code == 200
    assert "officer-a" in response.text and "10.0.6.1" in response.text
    index = client.get(reverse("admin:index")).text
    assert "Sign-in records" in index


def test_the_admin_shows_the_records_in_chinese(client, locked_out):
    client.force_login(make_user(username="root", is_staff=True, is_superuser=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "登录记录" in client.get(reverse("admin:index")).text
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert "登录失败次数" in response.text and "已锁定" in response.text


def test_the_sign_ins_and_sign_outs_are_in_the_admin_and_cannot_be_changed(client, officer):
    sign_in(Client(), "officer-a", PASSWORD, address="10.0.7.1")
    root = make_user(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    response = client.get(reverse("admin:axes_accesslog_changelist"))
    assert "officer-a" in response.text and "10.0.7.1" in response.text
    log = AccessLog.objects.get(username="officer-a")
    assert (
        client.post(reverse("admin:axes_accesslog_delete", args=[log.pk]), {"post": "yes"}).status_code == 403
    )
    assert AccessLog.objects.filter(pk=log.pk).exists()


def test_a_superuser_lifts_a_lockout_by_deleting_the_attempt(client, locked_out):
    client.force_login(make_user(username="root", is_staff=True, is_superuser=True))
    attempt = AccessAttempt.objects.get(username="officer-a")
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert sign_in(Client(), "officer-a", PASSWORD, address="10.0.6.9").status_code == 302


@pytest.mark.parametrize("page", [*RECORD_PAGES, "admin:axes_accesslog_changelist"])
def test_a_park_admin_does_not_see_the_records(client, locked_out, page):
    park_admin = make_user(park=make_park(code="BB"), role=Membership.Role.PARK_ADMIN, is_staff=True)
    client.force_login(park_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(reverse(page)).status_code == 403
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "Sign-in records" not in index.text and "officer-a" not in index.text


# Sessions and passwords -----------------------------------------------------------------------------


def test_the_session_ends_with_the_browser_and_after_the_idle_time(client, officer):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    # Renewed by IdleSessionMiddleware instead, at most once a minute.
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.PARKLAND_SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 30 * 60

    response = sign_in(client, "officer-a", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value and not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie

    session = Session.objects.get(session_key=cookie.value)
    left = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < left <= timedelta(minutes=30)

    # A request renews the idle time once the last renewal is a minute old.
    stored = client.session
    stored[IdleSessionMiddleware.KEY] -= IdleSessionMiddleware.RENEW_AFTER + 1
    stored.save()
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=5))
    assert client.get("/").status_code == 200
    session.refresh_from_db()
    assert session.expire_date - timezone.now() > timedelta(minutes=29)

    # Idle past the limit: the session is gone and the next page asks to sign in.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/cases/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_shorter_idle_time_from_the_settings_applies(client, officer, settings):
    settings.SESSION_COOKIE_AGE = 60
    response = sign_in(client, "officer-a", PASSWORD)
    session = Session.objects.get(session_key=response.cookies[settings.SESSION_COOKIE_NAME].value)
    assert session.expire_date - timezone.now() <= timedelta(seconds=60)


def test_the_password_validators_are_on(client, officer):
    names = {type(v).__name__ for v in get_default_password_validators()}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "This password is too common." in response.text
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
