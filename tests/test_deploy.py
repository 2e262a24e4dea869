"""The deployment of docs/deploy.md: the nginx site and systemd units of deploy/ are valid, and a
permitted download leaves through nginx (X-Accel-Redirect) or a presigned URL, never a worker's
stream, after the permission check and the custody record."""

import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import urllib3
from django.conf import settings
from django.test import Client

from cases.models import CustodyEvent
from tests import factories
from tests.worlds.deploy import (
    DEPLOY,
    NGINX,
    SYSTEMD_ANALYZE,
    free_port,
    nginx_config,
    nginx_test,
    running_nginx,
)
from tests.worlds.evidence import build_world
from tests.worlds.staff import sign_in

needs_nginx = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx is not installed (apt-get install nginx)"
)
REPOSITORY = Path(__file__).resolve().parents[1]
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def _config(tmp_path: Path, upstream: str = "127.0.0.1:9", http_port: int = 8080, https_port: int = 8443):
    folder = tmp_path / "nginx"
    folder.mkdir()
    return nginx_config(
        folder,
        upstream=upstream,
        evidence=Path(settings.EVIDENCE_ROOT),
        private=Path(settings.PRIVATE_ROOT),
        static=tmp_path / "static",
        http_port=http_port,
        https_port=https_port,
    )


# The examples are valid ---------------------------------------------------------------------------------


@needs_nginx
def test_nginx_accepts_the_site(tmp_path):
    result = nginx_test(_config(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@needs_nginx
def test_nginx_refuses_a_broken_site(tmp_path):
    """The check above can fail: the same site with a directive nginx does not know is refused."""
    config = _config(tmp_path)
    site = config.parent / "parkland.conf"
    site.write_text(site.read_text().replace("client_max_body_size", "client_max_body_sise"))
    result = nginx_test(config)
    assert result.returncode != 0 and "client_max_body_sise" in result.stderr


def test_the_site_keeps_its_promises():
    """What docs/deploy.md says the site does: uploads up to the evidence limit, internal file
    locations, TLS, static files, and waiting for long answers."""
    site = (DEPLOY / "nginx" / "parkland.conf").read_text()
    assert "client_max_body_size 210m;" in site
    assert settings.PARKLAND_EVIDENCE_MAX_BYTES <= 210 * 1024 * 1024
    for alias in ("evidence", "private"):
        location = site.split(f"location {settings.PARKLAND_X_ACCEL_PREFIX}{alias}/ {{")[1].split("}")[0]
        assert "internal;" in location
    assert "ssl_certificate " in site and "location /static/" in site
    assert "proxy_read_timeout 300s;" in site


@pytest.mark.skipif(not SYSTEMD_ANALYZE, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_the_systemd_units_verify(tmp_path, unit):
    """Each unit parses, with the repository standing in for /srv/parkland/app; its commands exist."""
    text = unit.read_text().replace("/srv/parkland/app", str(REPOSITORY))
    copy = tmp_path / unit.name
    copy.write_text(text)
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", str(copy)], capture_output=True, text=True, timeout=60
    )
    ours = [line for line in (result.stdout + result.stderr).splitlines() if unit.name in line]
    if result.returncode != 0 and not ours and "System has not been booted with systemd" in result.stderr:
        pytest.skip("systemd-analyze cannot verify units on this machine")
    assert result.returncode == 0 and not ours, result.stdout + result.stderr


def test_there_are_web_worker_and_beat_units():
    assert [u.name for u in UNITS] == [
        "parkland-beat.service",
        "parkland-web.service",
        "parkland-worker.service",
    ]


# Downloads handed over -----------------------------------------------------------------------------------


@pytest.fixture
def evidence(db):
    world = build_world()
    document = factories.make_document(
        case=world.case,
        doc_type="site_inspection",
        uploaded_by=world.officer,
        content=b"%PDF-1.4\n% site inspection of parcel A-01\n",
        original_name="现场勘查笔录.pdf",
    )
    return world, document


def _download_url(document) -> str:
    return f"/evidence/{document.pk}/download/"


def test_x_accel_mode_hands_the_file_to_nginx_after_the_custody_record(client, settings, evidence):
    settings.PARKLAND_DOWNLOADS = "x-accel"
    world, document = evidence
    response = sign_in(client, world.viewer).get(_download_url(document))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_protected/evidence/{document.file.name}"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert document.custody.filter(action=CustodyEvent.Action.DOWNLOADED, actor=world.viewer).count() == 1


def test_x_accel_mode_still_refuses_another_parks_user_and_a_missing_file(client, settings, evidence):
    settings.PARKLAND_DOWNLOADS = "x-accel"
    world, document = evidence
    sign_in(client, world.other_officer)
    response = client.get(_download_url(document))
    assert response.status_code == 404 and "X-Accel-Redirect" not in response
    document.file.storage.delete(document.file.name)
    response = sign_in(Client(), world.viewer).get(_download_url(document))
    assert response.status_code == 404 and "X-Accel-Redirect" not in response
    assert not document.custody.filter(action=CustodyEvent.Action.DOWNLOADED).exists()


def test_presigned_mode_redirects_to_a_short_lived_url_of_the_bucket(client, settings, evidence):
    """With the S3 storage a download is a redirect to a presigned URL that names the file and its
    type; boto3 signs it locally, so no bucket is needed to prove its shape."""
    world, document = evidence
    settings.PARKLAND_DOWNLOADS = "presigned"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "parkland",
                "endpoint_url": "https://s3.example.org",
                "region_name": "us-east-1",
                "access_key": "test-access",
                "secret_key": "test-secret",
                "location": "evidence",
                "querystring_expire": 300,
                "signature_version": "s3v4",
                "addressing_style": "path",
            },
        },
    }
    from django.core.files.storage import storages

    storage = storages["evidence"]
    storage.exists = lambda name: name == document.file.name  # the bucket holds the document's file
    response = sign_in(client, world.viewer).get(_download_url(document))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert location.netloc == "s3.example.org"
    assert location.path == f"/parkland/evidence/{document.file.name}"
    assert query["X-Amz-Expires"] == ["300"] and "X-Amz-Signature" in query
    assert query["response-content-type"] == ["application/pdf"]
    assert "attachment" in query["response-content-disposition"][0]
    assert document.custody.filter(action=CustodyEvent.Action.DOWNLOADED).count() == 1


# Through a running nginx ---------------------------------------------------------------------------------


@needs_nginx
@pytest.mark.django_db(transaction=True)
def test_a_download_through_nginx_comes_from_its_internal_location(tmp_path, settings, live_server):
    """nginx in front of the live server, configured from deploy/nginx/parkland.conf: the application
    checks and logs, nginx sends the bytes; nobody reaches the internal location directly."""
    settings.PARKLAND_DOWNLOADS = "x-accel"
    settings.ALLOWED_HOSTS = ["localhost"]
    world = build_world()
    content = b"%PDF-1.4\n% served by nginx\n" + bytes(range(256)) * 64
    document = factories.make_document(
        case=world.case, doc_type="site_inspection", uploaded_by=world.officer, content=content
    )
    session = sign_in(Client(), world.viewer).cookies[settings.SESSION_COOKIE_NAME].value
    other = sign_in(Client(), world.other_officer).cookies[settings.SESSION_COOKIE_NAME].value
    http_port, https_port = free_port(), free_port()
    upstream = live_server.url.removeprefix("http://")
    config = _config(tmp_path, upstream=upstream, http_port=http_port, https_port=https_port)
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    base = f"https://127.0.0.1:{https_port}"

    def get(path, cookie=None):
        cookies = {settings.SESSION_COOKIE_NAME: cookie} if cookie else {}
        return requests.get(
            base + path, cookies=cookies, headers={"Host": "localhost"}, verify=False, timeout=30
        )

    with running_nginx(config, https_port):
        response = get(_download_url(document), session)
        refused = get(_download_url(document), other)
        direct = get(f"/_protected/evidence/{document.file.name}", session)
        health = requests.get(
            f"http://127.0.0.1:{http_port}/healthz", headers={"Host": "localhost"}, timeout=30
        )
    assert response.status_code == 200, response.text
    assert response.content == content
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "X-Accel-Redirect" not in response.headers
    assert refused.status_code == 404 and content not in refused.content
    assert direct.status_code == 404 and content not in direct.content
    # Port 80 hands /healthz to the application instead of redirecting it; the answer is 503 if a
    # migration is waiting (the health check's own business, tested in test_healthz.py).
    assert health.status_code in (200, 503) and health.json()["checks"]["database"] == "ok"
    downloads = document.custody.filter(action=CustodyEvent.Action.DOWNLOADED)
    assert list(downloads.values_list("actor", flat=True)) == [world.viewer.pk]
