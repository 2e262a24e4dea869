"""What every page pays for: the session renewed at most once a minute, and the user's parks and
roles read once a request, while the idle timeout, the menus and the buttons behave as before."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parkland.middleware import IdleSessionMiddleware
from parkland.sessions import SessionStore
from tests.worlds.staff import build_world, sign_in

pytestmark = pytest.mark.django_db

# A query whose own rows are the user's parks or memberships (not one that filters by them).
ROLE_READS = (
    'SELECT "cases_membership".',
    'SELECT "cases_park".',
    'SELECT DISTINCT "cases_park".',
    "SELECT DISTINCT 1",
    'SELECT p."id"',  # parks by role, in plain SQL (roles_by_park)
    'SELECT u."id"',  # the signed-in user with parks and roles (scoping.signed_in_user)
)
PAGES = ["/", "/cases/", "/parcels/", "/enterprises/", "/deadlines/", "/reports/monthly/?year=2022"]


def get(client, path: str):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return response, [q["sql"] for q in captured]


def stored_session(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def set_renewed(client, seconds_ago: int) -> None:
    session = client.session
    session[IdleSessionMiddleware.KEY] = int(time.time()) - seconds_ago
    session.save()


@pytest.mark.parametrize("path", PAGES)
def test_a_page_within_a_minute_of_the_last_renewal_does_not_write_the_session(client, path):
    world = build_world()
    sign_in(client, world.officer_a)
    _response, queries = get(client, path)
    assert not [q for q in queries if "django_session" in q and not q.lstrip().upper().startswith("SELECT")]


def test_a_request_a_minute_after_the_last_renewal_renews_the_idle_time(client):
    world = build_world()
    sign_in(client, world.officer_a)
    set_renewed(client, IdleSessionMiddleware.RENEW_AFTER + 1)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timezone.timedelta(seconds=60)
    )
    _response, queries = get(client, "/cases/")
    assert any(q.lstrip().upper().startswith("UPDATE") and "django_session" in q for q in queries)
    left = stored_session(client).expire_date - timezone.now()
    assert left > timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE - 30)
    assert 0 <= int(time.time()) - client.session[IdleSessionMiddleware.KEY] < 5
    # Renewed just now: the next request writes nothing.
    _response, queries = get(client, "/cases/")
    assert not [q for q in queries if q.lstrip().upper().startswith("UPDATE") and "django_session" in q]


def test_a_session_idle_longer_than_the_idle_time_is_over(client):
    world = build_world()
    sign_in(client, world.officer_a)
    set_renewed(client, 30)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timezone.timedelta(seconds=1)
    )
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_signing_in_counts_as_a_renewal(client):
    world = build_world()
    response = client.post(
        reverse("login"), {"username": world.officer_a.username, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert 0 <= int(time.time()) - client.session[IdleSessionMiddleware.KEY] < 5
    # So the first page after signing in writes nothing either.
    _response, queries = get(client, "/cases/")
    assert not [q for q in queries if q.lstrip().upper().startswith("UPDATE") and "django_session" in q]


def test_an_anonymous_request_stores_no_session(client):
    before = Session.objects.count()
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert Session.objects.count() == before
    assert IdleSessionMiddleware.KEY not in client.session


@pytest.mark.parametrize("path", PAGES)
def test_a_page_reads_the_users_parks_and_roles_once(client, path):
    world = build_world()
    sign_in(client, world.admin_a)
    _response, queries = get(client, path)
    reads = [q for q in queries if q.startswith(ROLE_READS)]
    assert len(reads) == 1, reads
    assert "cases_membership" in reads[0]


@pytest.mark.parametrize("path", PAGES)
def test_a_page_reads_its_user_parks_and_data_version_in_one_query_after_its_session(client, path):
    world = build_world()
    sign_in(client, world.officer_a)
    client.get(path)  # the figures kept, so that the data version is all a page still needs
    _response, queries = get(client, path)
    assert "django_session" in queries[0]
    assert all(word in queries[1] for word in ("auth_user", "cases_membership", "cases_dataversion"))
    assert not [q for q in queries[2:] if "cases_dataversion" in q or q.startswith(ROLE_READS)], queries


@pytest.mark.parametrize(
    "who, can_edit, can_import",
    [
        ("viewer_a", False, False),
        ("officer_a", True, False),
        ("supervisor_a", True, False),
        ("admin_a", True, True),
    ],
)
def test_the_buttons_and_menus_follow_the_users_roles(client, who, can_edit, can_import):
    world = build_world()
    sign_in(client, getattr(world, who))
    response, _queries = get(client, "/cases/")
    html = response.content.decode()
    assert response.context["can_edit"] is can_edit
    assert ('href="/cases/new/"' in html) is can_edit
    assert ('href="/import/"' in html) is can_import


@pytest.mark.django_db(transaction=True)
def test_a_renewal_outside_a_transaction_is_one_update_and_a_deleted_session_is_not_written_again(client):
    """parkland/sessions.py: Django's engine writes BEGIN, UPDATE, COMMIT; a renewal needs the UPDATE."""
    world = build_world()
    sign_in(client, world.officer_a)
    set_renewed(client, IdleSessionMiddleware.RENEW_AFTER + 1)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timezone.timedelta(seconds=60)
    )
    _response, queries = get(client, "/cases/")
    writes = [q for q in queries if "django_session" in q and not q.lstrip().upper().startswith("SELECT")]
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("UPDATE")
    assert not [q for q in queries if q.strip().upper().startswith(("BEGIN", "COMMIT"))]
    left = stored_session(client).expire_date - timezone.now()
    assert left > timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE - 30)

    # Signed out elsewhere while this request ran: the renewal finds no row and writes none.
    store = SessionStore(client.session.session_key)
    store[IdleSessionMiddleware.KEY] = 0
    Session.objects.filter(session_key=store.session_key).delete()
    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.filter(session_key=store.session_key).exists()
