"""API tokens: stored hashed, named, expiring, revocable by the user and a park administrator, each
use noted; the key authenticates as its user; throttling counts per token."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import ApiToken
from cases.models.tokens import digest
from tests import factories
from tests.worlds.api import assert_problem, auth, build_api_world, get
from tests.worlds.staff import sign_in

pytestmark = pytest.mark.django_db


def test_only_a_hash_of_the_key_is_stored_and_the_key_finds_its_token():
    user = factories.make_user()
    token, key = ApiToken.objects.create_for(user, name="一张图", days=30)
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in str(row)
    assert row["key_hash"] == digest(key)
    assert key.startswith(token.prefix + ".")
    assert ApiToken.objects.for_key(key) == token
    assert ApiToken.objects.for_key(key + "x") is None
    assert ApiToken.objects.for_key(token.prefix + ".wrong") is None


def test_a_token_authenticates_as_its_user_and_each_use_is_noted(client, caplog):
    api = build_api_world()
    with caplog.at_level("INFO", logger="parkland.api"):
        response = get(client, api.keys["officer-a"], "/api/v1/parks/")
    token = ApiToken.objects.get(user=api.world.officer_a)
    assert [r.getMessage() for r in caplog.records if r.name == "parkland.api"] == [
        f"API token {token.prefix} of officer-a: GET /api/v1/parks/ from 127.0.0.1"
    ]
    assert response.status_code == 200
    assert [p["code"] for p in response.json()["results"]] == ["AA"]
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.last_used_ip == "127.0.0.1"


def test_no_token_a_wrong_one_or_a_malformed_header_is_401(client):
    api = build_api_world()
    assert_problem(client.get("/api/v1/parks/"), 401)
    assert_problem(client.get("/api/v1/parks/", **auth("nope.nope")), 401)
    assert_problem(client.get("/api/v1/parks/", HTTP_AUTHORIZATION="Bearer a b"), 401)
    response = client.get("/api/v1/parks/", **auth(api.keys["officer-a"] + "x"))
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_revocation_takes_effect_on_the_next_request(client):
    api = build_api_world()
    key = api.keys["officer-a"]
    assert get(client, key, "/api/v1/cases/").status_code == 200
    ApiToken.objects.get(user=api.world.officer_a).revoke(by=api.world.officer_a)
    body = assert_problem(get(client, key, "/api/v1/cases/"), 401)
    assert body["detail"] == "This API token was revoked."


def test_an_expired_token_is_refused(client):
    api = build_api_world()
    now = timezone.now()
    ApiToken.objects.filter(user=api.world.officer_a).update(
        created_at=now - timedelta(days=2), expires_at=now - timedelta(seconds=1)
    )
    body = assert_problem(get(client, api.keys["officer-a"], "/api/v1/cases/"), 401)
    assert body["detail"] == "This API token has expired."


def test_the_token_of_an_inactive_user_is_refused(client):
    api = build_api_world()
    api.world.officer_a.is_active = False
    api.world.officer_a.save()
    assert_problem(get(client, api.keys["officer-a"], "/api/v1/cases/"), 401)


def test_throttling_counts_per_token(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.PARKLAND_API_RATE = "2/minute"
    api = build_api_world()
    for _ in range(2):
        assert get(client, api.keys["officer-a"], "/api/v1/parks/").status_code == 200
    response = get(client, api.keys["officer-a"], "/api/v1/parks/")
    assert_problem(response, 429)
    assert int(response["Retry-After"]) > 0
    # Another token of the same park has its own budget.
    assert get(client, api.keys["supervisor-a"], "/api/v1/parks/").status_code == 200
    cache.clear()


@pytest.mark.parametrize(
    "change",
    [
        {"name": ""},
        {"key_hash": "abc"},
        {"prefix": ""},
        {"expires_at": "created"},
    ],
)
def test_the_database_refuses_a_token_that_cannot_be(change):
    user = factories.make_user()
    token, _key = ApiToken.objects.create_for(user, name="一张图", days=30)
    if change.get("expires_at") == "created":
        change = {"expires_at": token.created_at}
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(**change)


def test_one_live_token_per_name_but_a_revoked_name_may_be_used_again():
    user = factories.make_user()
    token, _key = ApiToken.objects.create_for(user, name="一张图", days=30)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.create_for(user, name="一张图", days=30)
    token.revoke(by=user)
    ApiToken.objects.create_for(user, name="一张图", days=30)
    assert ApiToken.objects.filter(user=user).count() == 2


# The page under the user menu -------------------------------------------------------------------


def test_the_user_menu_links_to_the_token_page(client):
    api = build_api_world()
    sign_in(client, api.world.viewer_a)
    assert 'href="/tokens/"' in client.get("/").text


def test_a_token_is_made_on_the_page_and_its_key_shown_once(client):
    user = factories.make_user()
    sign_in(client, user)
    response = client.post("/tokens/", {"name": "招商系统", "days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    key = response.context["key"]
    assert token.key_hash == digest(key) and key in response.text
    assert token.expires_at - token.created_at == timedelta(days=30)
    again = client.get("/tokens/")
    assert key not in again.text and "招商系统" in again.text


@pytest.mark.parametrize("data", [{"name": "", "days": "30"}, {"name": "x", "days": "12"}, {"name": "  "}])
def test_the_page_refuses_a_token_without_a_name_or_with_another_lifetime(client, data):
    user = factories.make_user()
    sign_in(client, user)
    assert client.post("/tokens/", data).status_code == 422
    assert not ApiToken.objects.exists()


def test_a_second_live_token_of_the_same_name_is_refused(client):
    user = factories.make_user()
    ApiToken.objects.create_for(user, name="一张图", days=30)
    sign_in(client, user)
    assert client.post("/tokens/", {"name": "一张图", "days": "30"}).status_code == 422
    assert ApiToken.objects.count() == 1


def test_a_user_revokes_their_own_token(client):
    api = build_api_world()
    token = ApiToken.objects.get(user=api.world.officer_a)
    sign_in(client, api.world.officer_a)
    assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == api.world.officer_a
    assert_problem(get(client, api.keys["officer-a"], "/api/v1/parks/"), 401)


def test_a_park_admin_sees_and_revokes_the_tokens_of_their_parks_people(client):
    api = build_api_world()
    theirs = ApiToken.objects.get(user=api.world.officer_a)
    sign_in(client, api.world.admin_a)
    page = client.get("/tokens/")
    assert theirs in page.context["others"]
    assert not any(t.user == api.world.officer_b for t in page.context["others"])
    assert client.post(f"/tokens/{theirs.pk}/revoke/").status_code == 302
    theirs.refresh_from_db()
    assert theirs.revoked_by == api.world.admin_a


def test_nobody_else_may_revoke_a_token(client):
    api = build_api_world()
    other_park = ApiToken.objects.get(user=api.world.officer_b)
    colleague = ApiToken.objects.get(user=api.world.supervisor_a)
    for user, token in [(api.world.admin_a, other_park), (api.world.officer_a, colleague)]:
        sign_in(client, user)
        assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None


def test_the_admin_shows_tokens_read_only_without_their_hash(client):
    api = build_api_world()
    token = ApiToken.objects.get(user=api.world.officer_a)
    client.force_login(factories.make_user(is_staff=True, is_superuser=True))
    page = client.get(f"/admin/cases/apitoken/{token.pk}/change/")
    assert page.status_code == 200
    assert token.key_hash not in page.text and token.name in page.text
    assert client.get("/admin/cases/apitoken/add/").status_code == 403
    # A park administrator sees their parks' people's tokens, not another park's.
    admin_a = api.world.admin_a
    admin_a.is_staff = True
    admin_a.save()
    client.force_login(admin_a)
    listed = client.get("/admin/cases/apitoken/").context["cl"].result_list
    assert token in listed and not any(t.user == api.world.officer_b for t in listed)
