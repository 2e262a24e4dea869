"""Who calls the API: a per-user token (`Authorization: Bearer <key>`) or the browser's session."""

import logging

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from ..models import ApiToken

logger = logging.getLogger("parkland.api")

KEYWORD = "Bearer"


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class TokenAuthentication(authentication.BaseAuthentication):
    """A token the user made under their menu; revoked or expired ones are refused at once.

    Each use is logged (logger `parkland.api`) and noted on the token: when and from where.
    """

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header must be “Bearer <key>”."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("This API token is not valid.")) from error
        token = ApiToken.objects.for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This API token is not valid."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API token was revoked."))
        if not token.is_usable:
            raise exceptions.AuthenticationFailed(_("This API token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The user of this API token is inactive."))
        address = client_address(request)
        token.note_use(address)
        logger.info(
            "API token %s of %s: %s %s from %s",
            token.prefix,
            token.user.get_username(),
            request.method,
            request.path,
            address,
        )
        return token.user, token

    def authenticate_header(self, request) -> str:
        return KEYWORD


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "cases.api.authentication.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token made under the user menu, API tokens: `Authorization: Bearer <key>`.",
        }
