"""Month-end close (月结): a month's reported figures frozen, so what went upwards stays on record."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..exceptions import ReportError
from ..validators import PlausibleNumberValidator
from .parks import Park


class MonthCloseQuerySet(models.QuerySet):
    def in_force(self):
        """Closes not reopened: the figures that stand as reported."""
        return self.filter(reopened_at__isnull=True)

    def in_force_by_month(self, *, park: Park, year: int) -> dict[int, "MonthClose"]:
        """The closes in force of a park's year by month, with who closed them, as the report shows
        them: their frozen figures, not the case numbers behind them (read only when asked for)."""
        closes = self.in_force().filter(park=park, year=year).select_related("park", "closed_by")
        return {close.month: close for close in closes.defer("cases")}


class MonthClose(models.Model):
    park = models.ForeignKey(
        Park, on_delete=models.PROTECT, related_name="month_closes", verbose_name=_("park")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[PlausibleNumberValidator(_("year"), "year")]
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[PlausibleNumberValidator(_("month"), "month")]
    )
    # The month's report row as it stood, for all cases and for each category:
    # {"all": {...}, "idle": {...}, "inefficient": {...}} in the JSON shape of docs/disposal-rate.md#json.
    figures = models.JSONField(_("figures"))
    # The case numbers behind the figures: {"register": [...], "disposed": [...]}.
    cases = models.JSONField(_("cases behind the figures"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("closed by")
    )
    closed_at = models.DateTimeField(_("closed at"), default=timezone.now)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reopened by"),
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    objects = MonthCloseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("month-end close")
        verbose_name_plural = _("month-end closes")
        ordering = ["-year", "-month", "park__code", "-closed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "year", "month"],
                condition=Q(reopened_at__isnull=True),
                name="%(app_label)s_%(class)s_one_in_force",
                violation_error_message=_("This month is already closed for this park."),
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12, year__gte=2000, year__lte=2100),
                name="%(app_label)s_%(class)s_period_valid",
                violation_error_message=_("A close is for a month from 1 to 12 of a year from 2000 to 2100."),
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True, reopened_by__isnull=True, reopen_reason="")
                | (Q(reopened_at__isnull=False, reopened_by__isnull=False) & ~Q(reopen_reason="")),
                name="%(app_label)s_%(class)s_reopening_complete",
                violation_error_message=_("A reopened month records who reopened it, when and why."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.park.code} {self.year}-{self.month:02d}"

    def reopen(self, user, reason: str) -> None:
        """Reopen the month with a reason; the close stays on record, marked as reopened by `user`.
        The month's figures are then those the data gives, and it may be closed again."""
        reason = reason.strip()
        if not reason:
            raise ReportError(_("Give the reason for reopening the month."))
        if self.reopened_at is not None:
            raise ReportError(_("This month was already reopened."))
        self.reopened_at = timezone.now()
        self.reopened_by = user
        self.reopen_reason = reason
        self._history_user = user
        self.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
