import pytest
from django.core.files.storage import storages
from django.db import connection

from cases.models import EvidenceDocument


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path, monkeypatch):
    """Evidence goes to the test's own folder, never var/; static files need no collectstatic."""
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence"), "base_url": None},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # The modes of parkland/settings.py: the owner and its group (nginx), nobody else.
            "OPTIONS": {
                "location": str(tmp_path / "private"),
                "base_url": None,
                "file_permissions_mode": 0o640,
                "directory_permissions_mode": 0o750,
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.PRIVATE_ROOT = tmp_path / "private"
    # A FileField resolves its storage once, at import; point it at this test's storage too.
    monkeypatch.setattr(EvidenceDocument._meta.get_field("file"), "storage", storages["evidence"])
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; a real password hash each time would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"live_server", "transactional_db"} & set(fixtures)
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # A transactional test empties the database when it ends (the data migrations' rows included),
    # so they all run last, whatever order other plugins left the tests in.
    items.sort(key=_transactional)
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="proves a PostgreSQL-only rule; set DATABASE_URL to a PostgreSQL database")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
