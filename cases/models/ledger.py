"""The record of each ledger (台账) imported from a park's spreadsheet."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class LedgerImport(models.Model):
    """One imported file: who brought it in, when, which file exactly, and what it changed."""

    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    rows = models.PositiveIntegerField(_("rows"))
    created = models.PositiveIntegerField(_("rows creating records"), default=0)
    updated = models.PositiveIntegerField(_("rows updating records"), default=0)
    unchanged = models.PositiveIntegerField(_("rows changing nothing"), default=0)
    # Per model: {"parcels": {"created": n, "updated": n}, "enterprises": {...}, "cases": {...}}.
    counts = models.JSONField(_("counts"), default=dict)
    parks = models.ManyToManyField("cases.Park", related_name="ledger_imports", verbose_name=_("parks"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["-imported_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="%(app_label)s_%(class)s_sha256_format",
                violation_error_message=_("A SHA-256 checksum is 64 hexadecimal characters."),
            ),
            models.CheckConstraint(
                condition=Q(rows=F("created") + F("updated") + F("unchanged")),
                name="%(app_label)s_%(class)s_rows_add_up",
                violation_error_message=_("Every row is counted once: created, updated or unchanged."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"
