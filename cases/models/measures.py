"""Revitalisation measures (盘活措施): loans, equity acquisitions, joint developments beside a case."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import MONEY, choice_constraint


class MeasureMethod(models.TextChoices):
    LOAN = "loan", _("financing loan")
    EQUITY_ACQUISITION = "equity_acquisition", _("equity acquisition")
    JOINT_DEVELOPMENT = "joint_development", _("joint development")
    OTHER = "other", _("other")


class PartnerKind(models.TextChoices):
    BANK = "bank", _("bank")
    STATE_OWNED = "state_owned", _("state-owned enterprise")
    PRIVATE_INVESTOR = "private_investor", _("private investor")
    FUND = "fund", _("fund")
    GOVERNMENT_PLATFORM = "government_platform", _("government platform")


class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    NEGOTIATING = "negotiating", _("negotiating")
    AGREED = "agreed", _("agreed")
    COMPLETED = "completed", _("completed")
    ABANDONED = "abandoned", _("abandoned")


class RevitalisationMeasure(models.Model):
    Method = MeasureMethod

    PartnerKind = PartnerKind

    MeasureStatus = MeasureStatus

    case = models.ForeignKey(
        "cases.DisposalCase",
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("case"),
    )
    method = models.CharField(_("method"), max_length=30, choices=Method.choices)
    partner_name = models.CharField(_("partner"), max_length=200, blank=True)
    partner_kind = models.CharField(_("partner kind"), max_length=30, choices=PartnerKind.choices, blank=True)
    amount_wan = models.DecimalField(
        _("amount (10k yuan)"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    equity_share_pct = models.DecimalField(
        _("equity share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("For an equity acquisition: the share acquired."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.PROPOSED
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("revitalisation measure")
        verbose_name_plural = _("revitalisation measures")
        ordering = ["case", "-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_wan__isnull=True) | Q(amount_wan__gte=0),
                name="%(app_label)s_%(class)s_amount_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(equity_share_pct__isnull=True)
                | Q(method="equity_acquisition", equity_share_pct__gt=0, equity_share_pct__lte=100),
                name="%(app_label)s_%(class)s_equity_share_valid",
                violation_error_message=_(
                    "An equity share is given only for an equity acquisition, above 0 and at most 100%%."
                ),
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(concluded_on__isnull=True)
                | Q(concluded_on__gte=F("started_on")),
                name="%(app_label)s_%(class)s_dates_in_order",
                violation_error_message=_("A measure cannot conclude before it started."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["completed", "abandoned"]) | Q(concluded_on__isnull=False),
                name="%(app_label)s_%(class)s_concluded_has_date",
                violation_error_message=_("A completed or abandoned measure needs its conclusion date."),
            ),
            choice_constraint("method", MeasureMethod),
            choice_constraint("partner_kind", PartnerKind, blank=True),
            choice_constraint("status", MeasureStatus),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.partner_name}".strip()

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.equity_share_pct is not None and self.method != self.Method.EQUITY_ACQUISITION:
            errors["equity_share_pct"] = _("An equity share is given only for an equity acquisition.")
        if (
            self.status in {self.MeasureStatus.COMPLETED, self.MeasureStatus.ABANDONED}
            and not self.concluded_on
        ):
            errors["concluded_on"] = _("Give the date the measure was completed or abandoned.")
        if self.started_on and self.concluded_on and self.concluded_on < self.started_on:
            errors["concluded_on"] = _("A measure cannot conclude before it started.")
        if errors:
            raise ValidationError(errors)
