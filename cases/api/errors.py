"""Errors as RFC 9457 problem details (`application/problem+json`), their titles in the caller's
language (Accept-Language): `type`, `title`, `status`, `detail`, and `errors` per field."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

PROBLEM_TYPE = "application/problem+json"
NON_FIELD = "non_field_errors"

# Each problem's type (a URN named in docs/api.md#errors) and title.
PROBLEMS = {
    "validation": _("Your request has invalid values"),
    "bad-request": _("The request cannot be read"),
    "not-authenticated": _("Authentication is needed"),
    "permission-denied": _("You may not do this"),
    "not-found": _("Not found"),
    "method-not-allowed": _("Method not allowed"),
    "not-acceptable": _("No acceptable response format"),
    "unsupported-media-type": _("Unsupported media type"),
    "throttled": _("Too many requests"),
    "stale-version": _("Someone else saved it meanwhile"),
    "conflict": _("The request conflicts with the record's state"),
    "transition-refused": _("The step was refused"),
}

_BY_EXCEPTION = [
    (exceptions.ParseError, "bad-request"),
    (exceptions.NotAuthenticated, "not-authenticated"),
    (exceptions.AuthenticationFailed, "not-authenticated"),
    (exceptions.PermissionDenied, "permission-denied"),
    (exceptions.NotFound, "not-found"),
    (exceptions.MethodNotAllowed, "method-not-allowed"),
    (exceptions.NotAcceptable, "not-acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported-media-type"),
    (exceptions.Throttled, "throttled"),
]


class Problem(exceptions.APIException):
    """A refusal with its problem type, status, detail and field errors."""

    def __init__(self, kind: str, status_code: int, detail="", errors: dict | None = None) -> None:
        self.kind = kind
        self.status_code = status_code
        self.errors = errors or {}
        super().__init__(detail or PROBLEMS[kind])


def invalid(errors: dict, *, status_code: int = 422, detail="") -> Problem:
    """Field errors (a form's `errors`, or {field: [message]}): 422 like the pages, or 400."""
    errors = {
        NON_FIELD if name == "__all__" else name: [str(m) for m in messages]
        for name, messages in errors.items()
    }
    return Problem(
        "validation", status_code, detail or gettext("Nothing was changed: correct the values named."), errors
    )


def problem_response(kind: str, status_code: int, detail="", errors: dict | None = None, headers=None):
    body = {
        "type": f"urn:parkland:problem:{kind}",
        "title": str(PROBLEMS[kind]),
        "status": status_code,
        "detail": str(detail or PROBLEMS[kind]),
    }
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_TYPE)


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {
            name: [str(m) for m in (value if isinstance(value, list) else [value])]
            for name, value in detail.items()
        }
    return {NON_FIELD: [str(m) for m in detail]}


def exception_handler(exc, context):
    """Every refusal of the API as a problem; anything else is left to Django (a 500)."""
    if isinstance(exc, Http404):
        # get_object_or_404's own message names the model in English: the plain "Not found." instead.
        message = str(exc) if exc.args else ""
        exc = exceptions.NotFound(
            None if not message or message.endswith("matches the given query.") else message
        )
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) if str(exc) else None)
    if not isinstance(exc, exceptions.APIException):
        return None
    set_rollback()
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, Problem):
        return problem_response(exc.kind, exc.status_code, exc.detail, exc.errors, headers)
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            "validation",
            status.HTTP_400_BAD_REQUEST,
            gettext("Nothing was changed: correct the values named."),
            _field_errors(exc.detail),
        )
    kind = next((k for cls, k in _BY_EXCEPTION if isinstance(exc, cls)), "bad-request")
    return problem_response(kind, exc.status_code, exc.detail, None, headers)
