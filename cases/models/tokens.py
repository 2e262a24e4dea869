"""API tokens: a user's named, expiring, revocable keys for /api/v1/ (docs/api.md#tokens).

Only a SHA-256 of the secret is stored; the key is shown once, when it is made. The key is
`<prefix>.<secret>`: the prefix finds the row, the hash of the whole key proves it.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX_BYTES = 6  # 8 characters of URL-safe base64
SECRET_BYTES = 32
# How long a new token lasts, in days: the choices offered when one is made.
LIFETIMES = (7, 30, 90, 365)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Neither revoked nor expired."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)

    def create_for(self, user, *, name: str, days: int) -> tuple["ApiToken", str]:
        """A new token of `user` and its key, which is not stored and cannot be shown again."""
        prefix = secrets.token_urlsafe(PREFIX_BYTES)
        while self.filter(prefix=prefix).exists():  # pragma: no cover - 2^48 prefixes
            prefix = secrets.token_urlsafe(PREFIX_BYTES)
        key = f"{prefix}.{secrets.token_urlsafe(SECRET_BYTES)}"
        now = timezone.now()
        token = self.create(
            user=user,
            name=name.strip(),
            prefix=prefix,
            key_hash=digest(key),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        return token, key

    def for_key(self, key: str) -> "ApiToken | None":
        """The token whose key this is (revoked or expired ones too), or None."""
        prefix, dot, _secret = key.partition(".")
        if not dot or not prefix:
            return None
        token = self.select_related("user").filter(prefix=prefix).first()
        if token is None or not hmac.compare_digest(token.key_hash, digest(key)):
            return None
        return token


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. city one map.")
    )
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("SHA-256 of the key"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("revoked by"),
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="%(app_label)s_%(class)s_named"),
            models.CheckConstraint(
                condition=Exact(Length("key_hash"), 64), name="%(app_label)s_%(class)s_hash_is_sha256"
            ),
            models.CheckConstraint(condition=~Q(prefix=""), name="%(app_label)s_%(class)s_prefix_given"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="%(app_label)s_%(class)s_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                name="%(app_label)s_%(class)s_revoked_after_creation",
            ),
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="%(app_label)s_%(class)s_one_live_token_per_name",
                violation_error_message=_("You already have a token of this name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def revoke(self, *, by) -> None:
        """Revoked from now on: the next request with its key is refused."""
        if self.revoked_at is None:
            self.revoked_at = max(timezone.now(), self.created_at)
            self.revoked_by = by
            self.save(update_fields=["revoked_at", "revoked_by"])

    revoke.alters_data = True

    def note_use(self, ip_address: str | None) -> None:
        """When and from where it was last used (one UPDATE, without reading the row again)."""
        now = timezone.now()
        type(self).objects.filter(pk=self.pk).update(last_used_at=now, last_used_ip=ip_address)
        self.last_used_at, self.last_used_ip = now, ip_address
