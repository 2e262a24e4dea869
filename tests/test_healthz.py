"""/healthz for the load balancer: database, evidence storage and migrations; no sign-in, no data."""

import pytest
from django.db import OperationalError
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

pytestmark = pytest.mark.django_db


def test_all_checks_pass(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "storage": "ok", "cache": "ok", "migrations": "ok"},
    }
    # No sign-in, no session, nothing cached on the way.
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert "no-cache" in response["Cache-Control"]


def test_head_works_and_a_post_is_refused(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_the_storage_check_writes_and_deletes_a_file(client, settings):
    client.get("/healthz")
    assert list(settings.EVIDENCE_ROOT.iterdir()) == []
    assert list(settings.PRIVATE_ROOT.iterdir()) == []


def test_a_private_storage_that_cannot_be_written_is_503(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the private folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "private"), "base_url": None},
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["failed"] == ["storage"]


def test_a_cache_that_keeps_nothing_is_503(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["failed"] == ["cache"]


def test_a_storage_that_cannot_be_written_is_503(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the evidence folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "evidence"), "base_url": None},
        },
    }
    settings.EVIDENCE_ROOT = blocker / "evidence"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failed" and body["failed"] == ["storage"]
    assert body["checks"] == {"database": "ok", "storage": "failed", "cache": "ok", "migrations": "ok"}
    assert "not-a-folder" not in response.content.decode()  # no paths, no error text


def test_a_database_that_does_not_answer_is_503(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("parkland.views.connection.cursor", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert "database" in body["failed"] and body["checks"]["database"] == "failed"
    assert body["checks"]["storage"] == "ok"
    assert "connection refused" not in response.content.decode()


def test_unapplied_migrations_are_503(client, monkeypatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("cases", "9999_next")])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["migrations"]


def test_it_answers_over_plain_http_behind_the_ssl_redirect(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_it_passes_the_control_character_check(client):
    assert client.get("/healthz?probe=%00").status_code == 400


def test_a_locked_out_address_can_still_be_checked(client):
    for _attempt in range(6):
        client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 429
    assert client.get("/healthz").status_code == 200
