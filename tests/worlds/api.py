"""Shared builders of the API tests: the staff world's two parks, a token for each of its people,
and requests made with a token."""

import json
from dataclasses import dataclass

from django.core.cache import cache

from cases.models import ApiToken, CaseEvent, DisposalCase, DisposalTarget, EvidenceDocument, MonthClose
from tests.worlds.staff import World, build_world

PROBLEM = "application/problem+json"


@dataclass
class ApiWorld:
    world: World
    keys: dict  # username -> key


def build_api_world() -> ApiWorld:
    # Token ids repeat from test to test (rolled back): each world starts with fresh request budgets.
    cache.clear()
    world = build_world()
    keys = {}
    for user in (world.viewer_a, world.officer_a, world.supervisor_a, world.admin_a, world.officer_b):
        _token, keys[user.username] = ApiToken.objects.create_for(user, name="城市一张图", days=30)
    return ApiWorld(world=world, keys=keys)


def auth(key: str, language: str = "en") -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}", "HTTP_ACCEPT_LANGUAGE": language}


def get(client, key: str, path: str, language: str = "en", **params):
    return client.get(path, params, **auth(key, language))


def send(client, method: str, key: str, path: str, body, language: str = "en"):
    call = getattr(client, method)
    return call(path, data=json.dumps(body), content_type="application/json", **auth(key, language))


def assert_problem(response, status: int, *fields: str) -> dict:
    """The response is a problem of `status` naming `fields` among its errors; its body."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    for field in fields:
        assert field in body.get("errors", {}), body
    return body


def written() -> dict:
    """Every case, event and document as stored: what a refused write must leave as it was."""
    return {
        "cases": list(DisposalCase.objects.order_by("pk").values()),
        "events": list(CaseEvent.objects.order_by("pk").values()),
        "documents": list(EvidenceDocument.objects.order_by("pk").values()),
    }


def reported() -> dict:
    """Every target and month-end close as stored: what a refused report write must leave as it was."""
    return {
        "targets": list(DisposalTarget.objects.order_by("pk").values()),
        "closes": list(MonthClose.objects.order_by("pk").values()),
    }
