"""The API's contract: the schema as generated, and the path values of real rows for the contract run."""

from pathlib import Path

import yaml
from django.core.management import call_command

from tests.worlds.staff import World

COMMITTED = Path(__file__).resolve().parent.parent.parent / "docs" / "openapi.yaml"


def generated_schema(tmp_path) -> str:
    """The schema as `manage.py spectacular --lang en` writes it (the committed docs/openapi.yaml)."""
    out = tmp_path / "openapi.yaml"
    call_command("spectacular", "--lang", "en", "--file", str(out))
    return out.read_text(encoding="utf-8")


def load(text: str) -> dict:
    return yaml.safe_load(text)


def real_path_values(world: World) -> dict[str, dict[str, str]]:
    """For each resource's path, the id (or number) of a row of park A that the caller may see."""
    return {
        "/api/v1/cases/{number}/": {"number": world.case_a.number},
        "/api/v1/parks/{id}/": {"id": str(world.park_a.pk)},
        "/api/v1/parcels/{id}/": {"id": str(world.parcel_a.pk)},
        "/api/v1/enterprises/{id}/": {"id": str(world.enterprise_a.pk)},
        "/api/v1/partners/{id}/": {"id": str(world.partner_a.pk)},
        "/api/v1/deadlines/{id}/": {"id": str(world.case_a.stored_deadlines.first().pk)},
    }
