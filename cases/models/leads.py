"""Project leads (意向项目): investment projects looking for land, matched with open cases and
linked to one as a joint development or a transfer."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Q
from django.db.models.functions import Abs
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..validators import PlausibleNumberValidator
from .base import AREA, MONEY, RATIO, choice_constraint
from .choices import OPEN_STATUSES
from .land import LandUse
from .measures import MeasureMethod, Partner, PartnerKind, RevitalisationMeasure
from .parks import Park


class LeadStatus(models.TextChoices):
    OPEN = "open", _("looking for land")
    MATCHED = "matched", _("linked to a case")
    CLOSED = "closed", _("closed")


class LeadLink(models.TextChoices):
    JOINT_DEVELOPMENT = "joint_development", _("as a joint development")
    TRANSFER = "transfer", _("as a transfer of the land-use right")


# Which parcels a project of each land use can go on: industry may take M0 land and the reverse.
COMPATIBLE_USES = {
    LandUse.INDUSTRIAL: (LandUse.INDUSTRIAL, LandUse.NEW_INDUSTRIAL),
    LandUse.NEW_INDUSTRIAL: (LandUse.NEW_INDUSTRIAL, LandUse.INDUSTRIAL),
    LandUse.WAREHOUSE: (LandUse.WAREHOUSE, LandUse.INDUSTRIAL),
    LandUse.COMMERCIAL: (LandUse.COMMERCIAL,),
    LandUse.OTHER: tuple(LandUse),
}
DEFAULT_TOLERANCE_PCT = 20


class ProjectLead(models.Model):
    """An investment project looking for land (意向项目), matched with idle or low-efficiency parcels."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="leads", verbose_name=_("park"))
    name = models.CharField(_("project"), max_length=200)
    investor = models.CharField(_("investor"), max_length=200)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    area_needed_m2 = models.DecimalField(
        _("land area needed (m²)"),
        **AREA,
        validators=[PlausibleNumberValidator(_("land area needed (m²)"), "area")],
    )
    land_use = models.CharField(
        _("land use"), max_length=20, choices=LandUse.choices, default=LandUse.INDUSTRIAL
    )
    min_plot_ratio = models.DecimalField(
        _("minimum plot ratio"),
        **RATIO,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("minimum plot ratio"), "plot_ratio")],
    )
    planned_investment_wan = models.DecimalField(
        _("planned investment (10k yuan)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("planned investment (10k yuan)"), "money")],
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=LeadStatus.choices, default=LeadStatus.OPEN)
    case = models.ForeignKey(
        "cases.DisposalCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("linked case"),
    )
    link_kind = models.CharField(_("linked as"), max_length=20, choices=LeadLink.choices, blank=True)
    measure = models.OneToOneField(
        RevitalisationMeasure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead",
        verbose_name=_("measure"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project lead")
        verbose_name_plural = _("project leads")
        ordering = ["status", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(area_needed_m2__gt=0),
                name="%(app_label)s_%(class)s_area_positive",
                violation_error_message=_("The land area needed must be greater than 0 m²."),
            ),
            models.CheckConstraint(
                condition=(Q(min_plot_ratio__isnull=True) | Q(min_plot_ratio__gte=0))
                & (Q(planned_investment_wan__isnull=True) | Q(planned_investment_wan__gte=0)),
                name="%(app_label)s_%(class)s_figures_not_negative",
                violation_error_message=_("A plot ratio or an investment cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(status="matched", case__isnull=False) & ~Q(link_kind="")
                | Q(status="open", case__isnull=True, link_kind="")
                | Q(status="closed"),
                name="%(app_label)s_%(class)s_matched_has_case",
                violation_error_message=_("A lead linked to a case names the case and how it is linked."),
            ),
            choice_constraint("status", LeadStatus),
            choice_constraint("land_use", LandUse),
            choice_constraint("link_kind", LeadLink, blank=True),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.investor}）"

    def get_absolute_url(self) -> str:
        return reverse("lead-detail", args=[self.pk])

    def matching_cases(self, cases, tolerance_pct: Decimal):
        """Open idle or low-efficiency cases among `cases` whose land fits the lead, best fit first.

        Fits: the area under disposal within ±tolerance of the area needed, a compatible land use,
        and a permitted plot ratio at least the lead's minimum where both are known.
        """
        needed = self.area_needed_m2
        margin = needed * tolerance_pct / 100
        cases = (
            cases.filter(status__in=OPEN_STATUSES)
            .filter(case_area_m2__gte=needed - margin, case_area_m2__lte=needed + margin)
            .filter(parcel__land_use__in=COMPATIBLE_USES.get(self.land_use, tuple(LandUse)))
        )
        if self.min_plot_ratio is not None:
            cases = cases.filter(
                Q(parcel__required_plot_ratio__isnull=True)
                | Q(parcel__required_plot_ratio__gte=self.min_plot_ratio)
            )
        difference = ExpressionWrapper(Abs(F("case_area_m2") - needed), output_field=DecimalField(**AREA))
        return (
            cases.annotate(area_difference=difference)
            .select_related("parcel__park", "parcel__enterprise")
            .order_by("area_difference", "number")
        )

    def link_to(self, case, link: str, *, by) -> None:
        """Link the lead to `case`: as a joint development (a new measure with the investor as
        partner) or as a transfer; either way the link goes onto the case's timeline."""
        from .events import CaseEvent

        if link not in LeadLink.values:
            raise ValidationError(_("Choose how the lead is linked: as a joint development or a transfer."))
        if self.status != LeadStatus.OPEN:
            raise ValidationError(_("This lead is already linked or closed."))
        today = timezone.localdate()
        with transaction.atomic():
            if link == LeadLink.JOINT_DEVELOPMENT:
                partner, _created = Partner.objects.get_or_create(
                    park=case.parcel.park,
                    name=self.investor[:200],
                    defaults={"kind": PartnerKind.PRIVATE_INVESTOR},
                )
                self.measure = RevitalisationMeasure.objects.create(
                    case=case,
                    method=MeasureMethod.JOINT_DEVELOPMENT,
                    partner=partner,
                    project_name=self.name,
                    amount_wan=self.planned_investment_wan,
                    started_on=today,
                    notes=str(_("From project lead: %(lead)s") % {"lead": self}),
                )
            case.events.create(
                kind=CaseEvent.Kind.MEASURE,
                occurred_on=today,
                title=str(
                    _("Project lead linked %(how)s: %(lead)s") % {"how": LeadLink(link).label, "lead": self}
                )[:200],
                title_code="lead_linked",
                title_params={"how": link, "lead": str(self)},
                actor=by,
                measure=self.measure,
            )
            self.case, self.link_kind, self.status = case, link, LeadStatus.MATCHED
            self._history_user = by
            self.save()

    link_to.alters_data = True
