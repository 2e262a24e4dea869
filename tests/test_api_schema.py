"""The API's contract: docs/openapi.yaml is the schema the code generates, the schema is valid
OpenAPI 3, its readers load only the site's own files under the site's CSP, and a bounded
schemathesis run against the live server finds no server error and no response outside the schema."""

import json
import re

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.utils import translation
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from cases.models import DisposalCase
from tests.worlds.api import PROBLEM, auth, build_api_world
from tests.worlds.contract import COMMITTED, generated_schema, load, real_path_values


@pytest.mark.django_db
def test_the_committed_schema_is_the_generated_one(tmp_path):
    assert COMMITTED.read_text(encoding="utf-8") == generated_schema(tmp_path), (
        "regenerate it: manage.py spectacular --lang en --file docs/openapi.yaml"
    )


def test_the_committed_schema_is_valid_openapi_3():
    schema = load(COMMITTED.read_text(encoding="utf-8"))
    validate(schema)
    assert schema["openapi"].startswith("3.")


def test_every_operation_documents_its_problems():
    schema = load(COMMITTED.read_text(encoding="utf-8"))
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "404", "429"} <= codes, (method, path)
            assert operation["responses"]["404"]["content"] == {
                PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}
            }


@pytest.mark.django_db
def test_the_schema_is_served_to_a_token_in_the_asked_language(client):
    api = build_api_world()
    english = client.get("/api/v1/schema/?format=json&lang=en", **auth(api.keys["viewer-a"]))
    assert english.status_code == 200
    assert "/api/v1/cases/{number}/transitions/" in english.json()["paths"]
    chinese = client.get("/api/v1/schema/?format=json&lang=zh-hans", **auth(api.keys["viewer-a"]))
    help_text = DisposalCase._meta.get_field("case_area_m2").help_text
    with translation.override("zh-hans"):
        in_chinese = str(help_text)
    with translation.override("en"):
        in_english = str(help_text)
    assert in_chinese != in_english
    assert in_chinese in json.dumps(chinese.json(), ensure_ascii=False)
    assert in_english in json.dumps(english.json(), ensure_ascii=False)
    assert client.get("/api/v1/schema/").status_code == 401


ASSET = re.compile(r'(?:src|href)="([^"]+)"')


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_readers_load_only_the_sites_own_files_under_its_csp(client, path):
    api = build_api_world()
    assert client.get(path).status_code == 302  # the sign-in page first
    client.force_login(api.world.viewer_a)
    page = client.get(path)
    assert page.status_code == 200
    policy = page["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert "unsafe-inline" not in policy and directives["script-src"] == "'self'"
    assert "<style" not in page.text and not re.search(r"<script(?![^>]*\bsrc=)", page.text)
    assets = ASSET.findall(page.text)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets)
    for asset in assets:
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset
        else:
            script = client.get(asset)
            assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


@pytest.mark.django_db
def test_redoc_styles_carry_the_pages_nonce(client):
    api = build_api_world()
    client.force_login(api.world.viewer_a)
    page = client.get("/api/v1/redoc/")
    nonce = re.search(r'data-nonce="([^"]+)"', page.text).group(1)
    assert f"'nonce-{nonce}'" in page["Content-Security-Policy"]


# The contract run -----------------------------------------------------------------------------

# Every read, the case's JSON writes, two of the records', the report's and a deadline met: a few
# examples each.
WRITES = {
    ("PATCH", "/api/v1/cases/{number}/"),
    ("POST", "/api/v1/cases/{number}/transitions/"),
    ("POST", "/api/v1/cases/{number}/events/"),
    ("POST", "/api/v1/cases/"),
    ("PATCH", "/api/v1/parcels/{id}/"),
    ("POST", "/api/v1/partners/"),
    ("POST", "/api/v1/targets/"),
    ("POST", "/api/v1/month-closes/"),
    ("POST", "/api/v1/events/{id}/met/"),
}
CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance)


@pytest.mark.contract
def test_the_live_api_keeps_to_its_schema(live_server, settings_override):
    api = build_api_world()
    headers = {"Authorization": f"Bearer {api.keys['supervisor-a']}", "Accept-Language": "en"}
    real = real_path_values(api.world)
    schema = schemathesis.from_dict(load(COMMITTED.read_text(encoding="utf-8")), base_url=live_server.url)
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().method.upper() == "GET" or (result.ok().method.upper(), result.ok().path) in WRITES
    ]
    assert len(operations) > 25
    for operation in operations:
        resource = operation.path[: operation.path.find("}") + 2] if "{" in operation.path else ""
        _run(operation, headers, real.get(resource, {}))


def _run(operation, headers: dict, path_values: dict) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=5,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        if path_values:
            case.path_parameters = {**(case.path_parameters or {}), **path_values}
        response = case.call(headers=headers, timeout=30)
        case.validate_response(response, checks=CHECKS)

    check()


@pytest.fixture
def settings_override(settings):
    settings.PARKLAND_API_RATE = "100000/hour"
    return settings
