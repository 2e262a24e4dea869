"""Browser tests: Playwright driving Debian's Chromium against Django's live server."""

import io
import os
import shutil
import sqlite3
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings

from cases.models import DataVersion, EvidenceDocument

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PASSWORD = "browser-test-password"

# The live server runs in this process beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    # The hook sees the whole session's tests, not only this folder's: mark and skip only these.
    browser_tests = [item for item in items if item.path.is_relative_to(HERE)]
    for item in browser_tests:
        item.add_marker(pytest.mark.browser)
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium fonts-noto-cjk)")
        for item in browser_tests:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}


class DatabaseCopy:
    """The test database as it stood once, put back whenever asked, in a fraction of a demo load.

    SQLite: the whole database copied with SQLite's backup API, to an in-memory copy and back.
    PostgreSQL: every table copied into a schema of its own, then emptied and refilled from it in
    one transaction (the foreign keys are checked at its end), with the sequences set to follow;
    DELETE rather than TRUNCATE, which costs a second where the tables hold so few rows.
    """

    SCHEMA = "demo_copy"

    def __init__(self, connection):
        self.connection = connection
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            self.copy = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self.copy)
            return
        quote = connection.ops.quote_name
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        statements = [f"DROP SCHEMA IF EXISTS {self.SCHEMA} CASCADE", f"CREATE SCHEMA {self.SCHEMA}"]
        statements += [f"CREATE TABLE {self.SCHEMA}.{quote(t)} AS TABLE {quote(t)}" for t in tables]
        self._execute(statements)
        self.restore_statements = [
            "SET CONSTRAINTS ALL DEFERRED",
            *(f"DELETE FROM {quote(t)}" for t in tables),
            *(f"INSERT INTO {quote(t)} SELECT * FROM {self.SCHEMA}.{quote(t)}" for t in tables),
            *connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)),
        ]

    def _execute(self, statements: list[str]) -> None:
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            cursor.execute(";\n".join(statements))

    def restore(self) -> None:
        self.connection.ensure_connection()
        if self.connection.vendor == "sqlite":
            self.copy.backup(self.connection.connection)
        else:
            self._execute(self.restore_statements)
        # Content types were made again by the last flush, under other ids than the copy's.
        ContentType.objects.clear_cache()
        # The copy's data version is one whose figures an earlier test may have kept from its own rows.
        DataVersion.objects.begin_epoch()

    def drop(self) -> None:
        if self.connection.vendor == "sqlite":
            self.copy.close()
        else:
            self._execute([f"DROP SCHEMA IF EXISTS {self.SCHEMA} CASCADE"])


@contextmanager
def evidence_in(folder: Path):
    """Evidence stored under `folder` (as `_storage` in tests/conftest.py does for one test)."""
    stores = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    field = EvidenceDocument._meta.get_field("file")
    kept = field.storage
    with override_settings(STORAGES=stores, EVIDENCE_ROOT=folder):
        field.storage = storages["evidence"]
        try:
            yield
        finally:
            field.storage = kept


@pytest.fixture(scope="session")
def demo_copy(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo parks, users and evidence files, loaded once: the database copied, the files kept.

    A transactional test before this one may have emptied the tables, the evidence requirements
    seeded by a data migration included: they are seeded again (idempotent) before the demo loads.
    """
    files = tmp_path_factory.mktemp("demo-evidence")
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), evidence_in(files), fast_hashing:
        import_module("cases.migrations.0002_seed_evidence_requirements").seed(apps, None)
        call_command("load_demo", password=PASSWORD, stdout=io.StringIO())
        copy = DatabaseCopy(connection)
    yield copy, files
    with django_db_blocker.unblock():
        copy.drop()


@pytest.fixture
def demo(demo_copy, transactional_db, _storage):
    """The demo in the live server's database and this test's evidence folder, as loaded once.

    Whatever an earlier test wrote is gone: the database is put back from the copy and the files
    copied afresh into this test's own folder.
    """
    copy, files = demo_copy
    copy.restore()
    shutil.copytree(files, settings.EVIDENCE_ROOT, dirs_exist_ok=True)


@pytest.fixture
def sign_in(live_server, page):
    def sign_in_as(username: str, *, language: str = "zh-hans"):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        if language == "en":
            page.get_by_role("button", name="English").click()
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in_as


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
