"""A 标准地 grant's commitments, on the parcel: the figures promised for the end of the initial
operating period and the dates agreed; the start and completion dates stay on the parcel."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import LandParcel
from cases.models.base import MONEY


class GrantCommitment(models.Model):
    parcel = models.OneToOneField(
        LandParcel, on_delete=models.CASCADE, related_name="commitment", verbose_name=_("parcel")
    )
    investment_per_mu_wan = models.DecimalField(
        _("committed investment intensity (10k yuan/mu)"), **MONEY, null=True, blank=True
    )
    output_per_mu_wan = models.DecimalField(
        _("committed output per mu (10k yuan/mu)"), **MONEY, null=True, blank=True
    )
    tax_per_mu_wan = models.DecimalField(
        _("committed tax per mu (10k yuan/mu)"), **MONEY, null=True, blank=True
    )
    production_on = models.DateField(
        _("agreed full production (达产) on"),
        null=True,
        blank=True,
        help_text=_("The end of the initial operating period, when the 达产 review checks the figures."),
    )
    delivered_on = models.DateField(_("land delivered on"), null=True, blank=True)
    actual_completion_on = models.DateField(_("actual completion on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grant commitment")
        verbose_name_plural = _("grant commitments")
        ordering = ["parcel__park__code", "parcel__code"]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}),
                    name=f"%(app_label)s_%(class)s_{field}_not_negative",
                    violation_error_message=_("A committed figure cannot be negative."),
                )
                for field in ("investment_per_mu_wan", "output_per_mu_wan", "tax_per_mu_wan")
            ),
            models.CheckConstraint(
                condition=Q(delivered_on__isnull=True)
                | Q(actual_completion_on__isnull=True)
                | Q(actual_completion_on__gte=F("delivered_on")),
                name="%(app_label)s_%(class)s_completed_after_delivery",
                violation_error_message=_("The building cannot be completed before the land was delivered."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.parcel)
