"""Throttling per token: each token has its own budget of requests, a session user theirs."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from ..models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """`PARKLAND_API_RATE` requests per token (or per signed-in user, or per address) and period."""

    scope = "api"

    def get_rate(self) -> str:
        # Read on each request, so that the setting can change without restarting (and in tests).
        return settings.PARKLAND_API_RATE

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
