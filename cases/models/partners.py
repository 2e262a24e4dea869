"""Partners (合作方): the banks, state-owned enterprises, investors, funds and platforms of measures."""

from decimal import Decimal

from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import choice_constraint
from .parks import Park


class PartnerKind(models.TextChoices):
    BANK = "bank", _("bank")
    STATE_OWNED = "state_owned", _("state-owned enterprise")
    PRIVATE_INVESTOR = "private_investor", _("private investor")
    FUND = "fund", _("fund")
    GOVERNMENT_PLATFORM = "government_platform", _("government platform")


class PartnerQuerySet(models.QuerySet):
    def with_totals(self):
        """Each partner's number of measures and their money agreed and completed."""
        from .measures import MeasureStatus

        return self.annotate(
            measure_count=Count("measures"),
            agreed_wan=Coalesce(
                Sum("measures__amount_wan", filter=Q(measures__status=MeasureStatus.AGREED)), Decimal(0)
            ),
            completed_wan=Coalesce(
                Sum("measures__amount_wan", filter=Q(measures__status=MeasureStatus.COMPLETED)), Decimal(0)
            ),
        )


class Partner(models.Model):
    """A bank, state-owned enterprise, investor, fund or platform the park works with."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="partners", verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=PartnerKind.choices)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "name"],
                name="%(app_label)s_%(class)s_name_unique_in_park",
                violation_error_message=_("This park already has a partner of this name."),
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="%(app_label)s_%(class)s_name_given",
                violation_error_message=_("A partner needs a name."),
            ),
            choice_constraint("kind", PartnerKind),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partner-detail", args=[self.pk])
