"""The parcel and enterprise lists keep their whole page as drawn with the data version
(`kept_rows`, cases/keptpages.py), and every signed-in request reads its session, user, parks and the
data version in plain SQL (parkland/plainsql.py).

A kept page must be the page drawn afresh, for the same rows, query, parks, rights and language,
with the request's own CSRF token in its forms; a write to its rows shows at once.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import figures
from cases.models import DataVersion, Enterprise, Membership, Park
from parkland.plainsql import select_instances
from parkland.security import ModelBackend
from tests import factories
from tests.worlds.staff import sign_in

R = Membership.Role
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def content(response) -> str:
    """The page's main content, its tokens made alike (each response masks its own)."""
    text = response.content.decode()
    return TOKEN.sub("TOKEN", text[text.index('<main id="main"') : text.index("</main>")])


def reads_rows(queries, table: str) -> bool:
    return any(f'FROM "{table}"' in q["sql"] for q in queries)


def world():
    a, b = factories.make_park(code="KA"), factories.make_park(code="KB")
    for park in (a, b):
        for n in range(3):
            enterprise = factories.make_enterprise(park=park, name=f"{park.code}企业{n}")
            factories.make_parcel(park=park, enterprise=enterprise)
    return a, b


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path, table", [("/enterprises/", "cases_enterprise"), ("/parcels/", "cases_landparcel")]
)
def test_a_kept_list_is_the_list_drawn_afresh_and_reads_none_of_its_rows(client, path, table):
    a, _b = world()
    sign_in(client, factories.make_user(park=a, role=R.OFFICER))
    for query in ("", "?sort=-code", "?q=企业1", "?page=1"):
        fresh = client.get(path + query)
        with CaptureQueriesContext(connection) as queries:
            kept = client.get(path + query)
        assert kept.status_code == fresh.status_code == 200
        assert content(kept) == content(fresh)
        assert not reads_rows(queries, table), query
    assert "KA企业1" in content(kept) and "KB企业" not in content(kept)


@pytest.mark.django_db(transaction=True)
def test_a_write_to_the_rows_shows_at_once_and_each_park_language_and_right_has_its_own_page(client):
    a, b = world()
    officer_a = factories.make_user(park=a, role=R.OFFICER)
    viewer_a = factories.make_user(park=a, role=R.VIEWER)
    officer_b = factories.make_user(park=b, role=R.OFFICER)

    sign_in(client, officer_a)
    assert "KA企业0" in client.get("/enterprises/").text
    renamed = Enterprise.objects.get(name="KA企业0")
    renamed.name = "KA新名称"
    renamed.save()  # committed: the data version moves on
    page = client.get("/enterprises/").text
    assert "KA新名称" in page and "KA企业0" not in page

    assert "New enterprise" in page
    sign_in(client, viewer_a)
    assert "New enterprise" not in client.get("/enterprises/").text  # a viewer may not create
    sign_in(client, officer_b)
    other = client.get("/enterprises/").text
    assert "KB企业0" in other and "KA新名称" not in other
    sign_in(client, officer_a, language="zh-hans")
    chinese = client.get("/enterprises/").text
    assert "KA新名称" in chinese and "新建企业" in chinese and "New enterprise" not in chinese


@pytest.mark.django_db(transaction=True)
def test_the_kept_pages_forms_carry_the_requests_own_token_which_the_server_accepts(client):
    a, _b = world()
    officer = factories.make_user(park=a, role=R.OFFICER)
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, officer)
    browser.get("/enterprises/")
    page = browser.get("/enterprises/").text  # kept
    assert "\0" not in page
    form = re.search(r'<form method="post" action="(/jobs/start/export/)".*?value="([^"]+)"', page, re.S)
    token = form.group(2)
    started = browser.post(
        form.group(1), {"csrfmiddlewaretoken": token, "list": "enterprises", "format": "csv"}
    )
    assert started.status_code == 302, "the kept form's token is this request's own"


@pytest.mark.django_db
def test_writes_not_yet_committed_are_never_kept(client):
    a, _b = world()
    sign_in(client, factories.make_user(park=a, role=R.OFFICER))
    # Under `db` the test's transaction never commits: every request draws its list afresh.
    client.get("/enterprises/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/enterprises/")
    assert reads_rows(queries, "cases_enterprise")


@pytest.mark.django_db
def test_the_plain_sql_reads_give_what_the_orm_gives():
    park = factories.make_park(code="PQ")
    other = factories.make_park(code="PA")
    user = factories.make_user(park=park, role=R.SUPERVISOR, first_name="晓", last_name="王", is_staff=True)
    Membership.objects.create(user=user, park=other, role=R.VIEWER)
    user.last_login = timezone.now()
    user.save()

    read = ModelBackend().get_user(user.pk)
    orm = get_user_model().objects.get(pk=user.pk)
    assert [getattr(read, f.attname) for f in orm._meta.concrete_fields] == [
        getattr(orm, f.attname) for f in orm._meta.concrete_fields
    ]
    assert read.last_login.tzinfo is not None and read._state.db == "default" and not read._state.adding
    assert ModelBackend().get_user(user.pk + 1000) is None
    user.is_active = False
    user.save()
    assert ModelBackend().get_user(user.pk) is None

    assert Membership.objects.roles_by_park(factories.make_user()) == {}
    user.is_active = True
    user.save()
    roles = Membership.objects.roles_by_park(user)
    assert list(roles.items()) == [(other, R.VIEWER), (park, R.SUPERVISOR)]  # in the order of the codes
    assert [p.name for p in roles] == [other.name, park.name]
    superuser = get_user_model().objects.create_superuser("root-pq", password="x")
    assert list(Membership.objects.roles_by_park(superuser)) == list(Park.objects.order_by("code"))
    Membership.objects.create(user=superuser, park=park, role=R.VIEWER)  # a superuser's own role aside

    # The signed-in user is read with the parks and roles that `roles_by_park` gives.
    for someone in (user, superuser, factories.make_user()):
        read = ModelBackend().get_user(someone.pk)
        expected = Membership.objects.roles_by_park(someone)
        assert list(read._parkland_park_roles.items()) == list(expected.items())
        assert all(isinstance(role, str) for role in read._parkland_park_roles.values())
    assert set(ModelBackend().get_user(superuser.pk)._parkland_park_roles.values()) == {R.PARK_ADMIN}

    DataVersion.objects.all().delete()
    epoch, counter = DataVersion.objects.current()  # the row made on first use
    row = DataVersion.objects.get(pk=1)
    assert (epoch, counter) == (str(row.epoch), row.counter) == (str(row.epoch), 0)
    assert [v for (v,) in select_instances(DataVersion, alias="v", tail="", params=(), using="default")] == [
        row
    ]
    # Read with the user in a request, the data version is that request's own.
    DataVersion.objects.move_on()
    figures._request_version.start()
    try:
        ModelBackend().get_user(user.pk)
        assert figures._version("default") == (str(row.epoch), 1) == DataVersion.objects.current()
    finally:
        figures._request_version.finish()


@pytest.mark.django_db
def test_a_session_is_read_until_it_expires_and_not_after(client):
    user = factories.make_user(park=factories.make_park(code="SX"), role=R.OFFICER)
    sign_in(client, user)
    assert client.get("/enterprises/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/enterprises/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def whole(response) -> str:
    """The whole page, its tokens made alike."""
    return TOKEN.sub("TOKEN", response.content.decode())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/enterprises/", "/parcels/"])
def test_a_kept_page_is_the_whole_page_drawn_without_keeping(client, path, monkeypatch):
    from cases.views.land import EnterpriseListView, ParcelListView

    a, _b = world()
    sign_in(
        client, factories.make_user(park=a, role=R.PARK_ADMIN, is_staff=True, first_name="晓", last_name="王")
    )
    client.get(path)
    kept = client.get(path + "?sort=-code")
    kept = client.get(path + "?sort=-code")
    for view in (EnterpriseListView, ParcelListView):
        monkeypatch.setattr(view, "kept_rows", False)
    drawn = client.get(path + "?sort=-code")
    assert whole(kept) == whole(drawn)
    assert "王晓" in whole(kept) and "/admin/" in whole(kept) and "/import/" in whole(kept)


@pytest.mark.django_db(transaction=True)
def test_two_readers_of_one_kept_page_each_see_their_own_name_token_and_menus(client):
    a, _b = world()
    first = factories.make_user(
        park=a, role=R.OFFICER, username="reader-one", first_name="Ann", last_name="Lee"
    )
    second = factories.make_user(
        park=a, role=R.OFFICER, username="reader-two", first_name="Bo", last_name="Wu"
    )
    staff = factories.make_user(park=a, role=R.OFFICER, username="reader-staff", is_staff=True)
    admin = factories.make_user(park=a, role=R.PARK_ADMIN, username="reader-admin")
    pages = {}
    for user in (first, second, staff, admin):
        reader = Client()
        sign_in(reader, user)
        reader.get("/enterprises/?q=%E4%BC%81%E4%B8%9A")
        with CaptureQueriesContext(connection) as queries:
            pages[user.username] = reader.get("/enterprises/?q=%E4%BC%81%E4%B8%9A").text
        assert not reads_rows(queries, "cases_enterprise")
        assert reader.cookies["csrftoken"].value  # the token's cookie is set for the kept page too
    assert "Ann Lee" in pages["reader-one"] and "reader-one" in pages["reader-one"]
    assert "Bo Wu" in pages["reader-two"] and "reader-one" not in pages["reader-two"]
    assert "Ann Lee" not in pages["reader-two"]
    # Each reader's forms carry a token of their own (a masked token differs on each page drawn).
    tokens = [re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', p) for p in pages.values()]
    assert all(tokens) and len({t[0] for t in tokens}) == len(tokens)
    assert "/admin/" in pages["reader-staff"] and "/admin/" not in pages["reader-one"]
    assert "/import/" in pages["reader-admin"] and "/import/" not in pages["reader-one"]
    # The language switch returns to the page as asked for.
    assert 'name="next" type="hidden" value="/enterprises/?q=%E4%BC%81%E4%B8%9A"' in pages["reader-one"]


@pytest.mark.django_db(transaction=True)
def test_a_page_with_messages_shows_them_and_is_not_kept(client):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    a, _b = world()
    sign_in(client, factories.make_user(park=a, role=R.OFFICER))
    client.get("/enterprises/")
    storage = CookieStorage(None)
    saved = Message(constants.SUCCESS, "Saved: 已保存的企业.")
    client.cookies[storage.cookie_name] = storage._encode([saved])
    shown = client.get("/enterprises/").text
    assert "Saved: 已保存的企业." in shown
    again = client.get("/enterprises/").text
    assert "已保存的企业" not in again and "KA企业0" in again  # shown once, never kept with the page
