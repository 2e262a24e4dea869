"""Request hygiene and response headers that every page shares.

- HostileInputMiddleware: NUL and other control characters in the path, the query string or a form
  answer 400 with the site's page (under /api/, a problem-details 400), before any view (or the
  database) sees them.
- MethodNotAllowedPageMiddleware: the empty 405 of ``require_POST`` becomes a page with a way back.
- PermissionsPolicyMiddleware: the Permissions-Policy header (Django has no setting for it).
- IdleSessionMiddleware: a session's idle time renewed as it is used, written at most once a minute.
"""

import logging
import re
import time

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpResponseNotAllowed, JsonResponse, UnreadablePostError
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

# Unicode's control characters (C0, DEL, C1). A typed value may hold tab, line feed and carriage
# return (a textarea); a path, a parameter name or a field name may not.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
# Where another system reads: a refusal there is a problem-details answer, not a page.
API_PREFIX = "/api/"

logger = logging.getLogger("django.security.HostileInput")


class HostileInput(BadRequest):
    """A request carrying control characters; shown on the 400 page as its reason."""

    def __init__(self):
        super().__init__(
            _(
                "The address or the form held a control character (such as NUL) that Parkland "
                "cannot store. Nothing was changed. Remove it, or go back and try again."
            )
        )


def has_control_characters(params, *, names_only: bool = False) -> bool:
    """Whether a QueryDict or MultiValueDict holds a control character in a name or a value."""
    for name, values in params.lists():
        if CONTROL.search(name):
            return True
        if not names_only and any(isinstance(v, str) and CONTROL_IN_VALUE.search(v) for v in values):
            return True
    return False


class HostileInputMiddleware:
    """Refuses control characters in the path, the query string and form values with a 400 page.

    Views, filters and the database never see them: PostgreSQL refuses a NUL in any text, which
    would otherwise end in a server error wherever a value reaches a query. An upload's form is
    checked when it is read (the view may first set its own upload handlers); its files' contents
    are not text and are not checked, only the field names.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL.search(request.path) or has_control_characters(request.GET):
            return self.refuse(request)
        if request.method == "POST" and request.content_type in FORM_TYPES:
            if request.content_type == "multipart/form-data":
                self._check_when_parsed(request)
            else:
                try:
                    post = request.POST
                except UnreadablePostError:
                    post = None  # a broken connection: the view answers as it would without us
                if post is not None and has_control_characters(post):
                    return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request):
        from .views import bad_request

        logger.warning("Control characters refused: %s %s", request.method, ascii(request.path))
        if request.path.startswith(API_PREFIX):
            return api_problem(request, HostileInput())
        return bad_request(request, HostileInput())

    @staticmethod
    def _check_when_parsed(request) -> None:
        parse = request.parse_file_upload

        def parse_and_check(meta, post_data):
            post, files = parse(meta, post_data)
            if has_control_characters(post) or has_control_characters(files, names_only=True):
                for _name, uploads in files.lists():
                    for upload in uploads:
                        upload.close()
                raise HostileInput
            return post, files

        request.parse_file_upload = parse_and_check


def api_problem(request, error: HostileInput) -> JsonResponse:
    """The refusal as the API answers every refusal: an RFC 9457 problem in the caller's language
    (Accept-Language, as the API's own views choose it; docs/api.md#errors)."""
    from cases.api.errors import PROBLEM_TYPE, PROBLEMS

    language = translation.get_language_from_request(request)
    with translation.override(language):
        body = {
            "type": "urn:parkland:problem:bad-request",
            "title": str(PROBLEMS["bad-request"]),
            "status": 400,
            "detail": str(error.args[0]),
        }
        response = JsonResponse(
            body, status=400, content_type=PROBLEM_TYPE, json_dumps_params={"ensure_ascii": False}
        )
        response.headers["Content-Language"] = translation.get_language()
    patch_vary_headers(response, ("Accept-Language",))
    return response


class MethodNotAllowedPageMiddleware:
    """A GET on a POST-only address (or the like) shows a page in the layout, not an empty 405."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page
        return response


class PermissionsPolicyMiddleware:
    """Sends settings.PERMISSIONS_POLICY as the Permissions-Policy header of every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response


class IdleSessionMiddleware:
    """Renews a session's idle time as it is used, writing the session at most once a minute.

    A session ends SESSION_COOKIE_AGE (PARKLAND_SESSION_IDLE_MINUTES) after it was last written.
    Writing it on every request (SESSION_SAVE_EVERY_REQUEST) cost each page an UPDATE in its own
    transaction; here a request marks the session for writing only when its last renewal is
    RENEW_AFTER seconds old or more, so it ends between one minute short of the idle time and the
    idle time after the last request. Listed after SessionMiddleware, so that this runs first on
    the way out and SessionMiddleware writes what it marked.
    """

    RENEW_AFTER = 60
    KEY = "_parkland_renewed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.session_key or session.modified:
            return response
        accessed = session.accessed  # reading it here must not add Vary: Cookie to the response
        renewed = session.get(self.KEY)
        now = int(time.time())
        if not session.is_empty() and not (
            isinstance(renewed, int) and 0 <= now - renewed < self.RENEW_AFTER
        ):
            session[self.KEY] = now
        session.accessed = accessed
        return response


def renewed_at_sign_in(sender, request, user, **kwargs) -> None:
    """A sign-in writes the session anyway: it counts as a renewal (user_logged_in, see apps.py)."""
    if request is not None and hasattr(request, "session"):
        request.session[IdleSessionMiddleware.KEY] = int(time.time())
