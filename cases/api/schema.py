"""The OpenAPI schema: every operation also documents the problems it may answer with
(`application/problem+json`, the `Problem` component), so a client and a schema check know them."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from .errors import PROBLEM_TYPE


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text="urn:parkland:problem:<kind>, see docs/api.md#errors")
    title = serializers.CharField(help_text="The kind of problem, in the caller's language.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong with this request.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages by field; non_field_errors for the request as a whole.",
    )


READ_PROBLEMS = {
    "400": "A query parameter that cannot be read or is refused by the list's filters.",
    "401": "No valid token or session.",
    "403": "Your role does not allow it.",
    "404": "No such record among those you may see.",
    "429": "Too many requests with this token.",
}
WRITE_PROBLEMS = {
    **READ_PROBLEMS,
    "400": "A body that cannot be read.",
    "409": (
        "A stale version, or the record's state refuses it: a closed case, a month already closed or "
        "reopened, a deadline already met, a case file changed meanwhile."
    ),
    "422": "Invalid values, by field; nothing was changed.",
}


class ProblemAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        problems = READ_PROBLEMS if self.method in ("GET", "HEAD") else WRITE_PROBLEMS
        component = self._problem_component()
        for code, description in problems.items():
            responses.setdefault(
                code,
                {"content": {PROBLEM_TYPE: {"schema": component.ref}}, "description": description},
            )
        return responses

    def _problem_component(self) -> ResolvedComponent:
        component = ResolvedComponent(
            name="Problem",
            type=ResolvedComponent.SCHEMA,
            object="Problem",
            schema=self._map_serializer(ProblemSerializer(), "response"),
        )
        self.registry.register_on_missing(component)
        return component


# The integer ranges Django reads from the database (SQLite allows 64 bits in every integer column,
# PostgreSQL 16 in a small one): not the records' rules, and they would make the schema differ by
# database. Left out, so that docs/openapi.yaml is the same wherever it is generated.
DATABASE_BOUNDS = {32767, 2147483647, 9223372036854775807}


def without_database_ranges(result, generator, request, public):
    """Postprocessing hook: drop `maximum` (and the int64 format it implies) where it is a database's."""

    def visit(node):
        if isinstance(node, dict):
            if node.get("type") == "integer" and node.get("maximum") in DATABASE_BOUNDS:
                del node["maximum"]
                if node.get("format") == "int64":
                    del node["format"]
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(result)
    return result
