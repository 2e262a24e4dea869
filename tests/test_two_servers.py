"""Stateless app servers (docs/deploy.md): two gunicorn processes on two ports share one PostgreSQL
database, one Redis (sessions, cache and the job queue) and one evidence and private folder. A
user signed in on one is signed in on the other; evidence uploaded through one downloads through
the other; a ledger checked on one is imported from the other; a job started on one, run by a
Celery worker, shows its progress and result on the other.

Marked `twoserver`: PostgreSQL only (SQLite is one machine's file), with Redis at PARKLAND_TEST_REDIS
(default redis://127.0.0.1:6379); `.ci/run` runs it once on PostgreSQL.
"""

import os
import re
import time
from urllib.parse import urlsplit

import pytest
import redis
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from cases.models import DisposalCase, EvidenceDocument
from jobs.models import Job
from tests import factories
from tests.worlds.deploy import app_server, free_port, job_worker
from tests.worlds.evidence import build_world, pdf_bytes
from tests.worlds.ledger import case_row, xlsx

pytestmark = [pytest.mark.twoserver, pytest.mark.django_db(transaction=True)]

REDIS = os.environ.get("PARKLAND_TEST_REDIS", "redis://127.0.0.1:6379").rstrip("/")
# Redis databases of their own, so that nothing else's sessions or queue mix with these.
CACHE_DB, BROKER_DB = 14, 15
PASSWORD = "two-servers-password-1"


@pytest.fixture
def cluster(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("two app servers share a PostgreSQL database; set DATABASE_URL to one")
    try:
        redis.Redis.from_url(f"{REDIS}/{CACHE_DB}").ping()
    except redis.RedisError:
        pytest.skip(f"Redis is not reachable at {REDIS}")
    for db in (CACHE_DB, BROKER_DB):
        redis.Redis.from_url(f"{REDIS}/{db}").flushdb()
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    if database.get("PASSWORD"):
        url = url.replace("@", f":{database['PASSWORD']}@", 1)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.twoserver_settings",
        "DATABASE_URL": f"{url}/{database['NAME']}",
        "DJANGO_SECRET_KEY": "two-servers-test-key-shared-by-both",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SESSION_ENGINE": "cache",
        "DJANGO_CACHE_URL": f"{REDIS}/{CACHE_DB}",
        "PARKLAND_REDIS_URL": f"{REDIS}/{BROKER_DB}",
        "CELERY_BROKER_URL": f"{REDIS}/{BROKER_DB}",
        "CELERY_RESULT_BACKEND": f"{REDIS}/{BROKER_DB}",
        "PARKLAND_STORAGE": "filesystem",
        "PARKLAND_EVIDENCE_ROOT": str(tmp_path / "shared" / "evidence"),
        "PARKLAND_PRIVATE_ROOT": str(tmp_path / "shared" / "private"),
        "PARKLAND_DOWNLOADS": "app",
        "DJANGO_DB_CONN_MAX_AGE": "0",
        "GUNICORN_TIMEOUT": "120",
    }
    ports = free_port(), free_port()
    with (
        app_server(ports[0], environment, tmp_path / "server-a.log"),
        app_server(ports[1], environment, tmp_path / "server-b.log"),
        job_worker(environment, tmp_path / "worker.log"),
    ):
        yield [f"http://127.0.0.1:{port}" for port in ports]


def _signed_in(server: str, user) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{server}/accounts/login/", timeout=60)
    response = browser.post(
        f"{server}/accounts/login/",
        data={"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": _token(page.text)},
        headers={"Referer": f"{server}/accounts/login/"},
        timeout=60,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return browser


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _post(browser, server: str, path: str, data: dict, files=None, form_path: str | None = None):
    """POST as the page would, with the CSRF token of the form's page on the same server."""
    page = browser.get(f"{server}{form_path or path}", timeout=60)
    assert page.status_code == 200, page.text[:500]
    return browser.post(
        f"{server}{path}",
        data={**data, "csrfmiddlewaretoken": _token(page.text)},
        files=files,
        headers={"Referer": f"{server}{form_path or path}"},
        timeout=120,
        allow_redirects=False,
    )


def _with_password(user):
    # The servers use Django's default hashers; a low iteration count keeps the sign-in quick.
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "twoservers", iterations=1000)
    user.save(update_fields=["password"])
    return user


def test_one_cluster_two_servers(cluster):
    a, b = cluster
    world = build_world()
    officer = _with_password(world.officer)
    park_admin = _with_password(factories.make_user(username="ea-admin", park=world.park, role="park_admin"))

    # Signed in on A, the session (in Redis) is valid on B.
    browser = _signed_in(a, officer)
    assert browser.get(f"{b}/cases/", timeout=60, allow_redirects=False).status_code == 200

    # Evidence uploaded through A downloads through B.
    content = pdf_bytes("uploaded through server A")
    upload_path = f"/cases/{world.case.number}/evidence/new/"
    response = _post(
        browser,
        a,
        upload_path,
        {"doc_type": "site_inspection", "title": "现场勘查笔录（A）"},
        files={"files": ("现场勘查.pdf", content, "application/pdf")},
    )
    assert response.status_code == 302, response.text[:1000]
    document = EvidenceDocument.objects.get(case=world.case)
    download = browser.get(f"{b}/evidence/{document.pk}/download/", timeout=60)
    assert download.status_code == 200 and download.content == content

    # A ledger checked on A is imported from B.
    admin = _signed_in(b, park_admin)
    world.park.code = "HZ"  # the ledger rows name park HZ
    world.park.save(update_fields=["code"])
    factories.make_user(username="hz-officer", park=world.park, role="officer")
    ledger = xlsx([case_row(1), case_row(2)])
    checked = _post(
        admin,
        a,
        "/import/",
        {"park": str(world.park.pk)},
        files={"file": ("海洲台账.xlsx", ledger, "application/octet-stream")},
    )
    assert checked.status_code == 302, checked.text[:1000]
    before = DisposalCase.objects.count()
    confirmed = _post(admin, b, "/import/confirm/", {}, form_path="/import/")
    assert confirmed.status_code == 302, confirmed.text[:1000]
    assert DisposalCase.objects.count() == before + 2

    # A job started on A, run by the worker, shows its progress and its result on B.
    started = _post(
        admin,
        a,
        "/jobs/start/report/",
        {"format": "xlsx", "query": "year=2022"},
        form_path="/reports/monthly/",
    )
    assert started.status_code == 302, started.text[:1000]
    job = Job.objects.get(pk=int(re.search(r"/jobs/(\d+)/", urlsplit(started.headers["Location"]).path)[1]))
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = admin.get(f"{b}/jobs/{job.pk}/status.json", timeout=60).json()
        seen.append(status["state"])
        if status["finished"]:
            break
        time.sleep(0.5)
    assert status["state"] == "succeeded", (seen, status)
    assert status["percent"] == 100 and status["download_url"]
    result = admin.get(f"{b}{status['download_url']}", timeout=60)
    assert result.status_code == 200 and result.content.startswith(b"PK")
