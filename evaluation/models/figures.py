"""The yearly figures of one enterprise on one parcel (亩均效益 data)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Enterprise, LandParcel, Park
from cases.models.base import AREA, MONEY, choice_constraint, m2_to_mu

from ..indicators import FIGURES, Source

QUANTITY = {"max_digits": 16, "decimal_places": 2}


class YearFiguresQuerySet(models.QuerySet):
    def for_years(self, park: Park, first: int, last: int):
        """The figures on the park's parcels for the years `first` to `last`."""
        return self.filter(parcel__park=park, year__gte=first, year__lte=last)


class YearFigures(models.Model):
    """One enterprise's figures on one parcel for one year, each with the office it came from and
    when; the land it uses is its share of the parcel (the whole parcel unless stated)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="year_figures", verbose_name=_("enterprise")
    )
    parcel = models.ForeignKey(
        LandParcel, on_delete=models.PROTECT, related_name="year_figures", verbose_name=_("parcel")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    is_tenant = models.BooleanField(
        _("tenant"),
        default=False,
        help_text=_("The enterprise rents on this parcel and holds no land of its own here."),
    )
    above_scale = models.BooleanField(
        _("above designated size (规上)"),
        default=True,
        help_text=_("Main revenue of 20 million yuan a year or more."),
    )
    industry_code = models.CharField(
        _("industry code"),
        max_length=5,
        blank=True,
        help_text=_("The national industry classification (GB/T 4754), e.g. C3311."),
    )
    land_m2 = models.DecimalField(
        _("land used (m²)"),
        **AREA,
        null=True,
        blank=True,
        help_text=_(
            "Its share of the parcel; empty: the parcel shared equally by the enterprises on it that year."
        ),
    )
    tax_wan = models.DecimalField(_("tax paid (10k yuan)"), **MONEY, null=True, blank=True)
    value_added_wan = models.DecimalField(
        _("industrial value added (10k yuan)"), **MONEY, null=True, blank=True
    )
    output_wan = models.DecimalField(_("industrial output (10k yuan)"), **MONEY, null=True, blank=True)
    energy_tce = models.DecimalField(_("energy use (tce)"), **QUANTITY, null=True, blank=True)
    emissions_t = models.DecimalField(_("main pollutant emissions (t)"), **QUANTITY, null=True, blank=True)
    rd_wan = models.DecimalField(_("R&D spending (10k yuan)"), **MONEY, null=True, blank=True)
    revenue_wan = models.DecimalField(_("main business revenue (10k yuan)"), **MONEY, null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees (yearly average)"), null=True, blank=True)
    # Where each figure came from and when (docs/evaluation.md#figures).
    tax_wan_source = models.CharField(
        _("source of tax"), max_length=20, choices=Source.choices, default=Source.TAX
    )
    tax_wan_on = models.DateField(_("tax received on"), null=True, blank=True)
    value_added_wan_source = models.CharField(
        _("source of value added"), max_length=20, choices=Source.choices, default=Source.STATISTICS
    )
    value_added_wan_on = models.DateField(_("value added received on"), null=True, blank=True)
    output_wan_source = models.CharField(
        _("source of output"), max_length=20, choices=Source.choices, default=Source.STATISTICS
    )
    output_wan_on = models.DateField(_("output received on"), null=True, blank=True)
    energy_tce_source = models.CharField(
        _("source of energy use"), max_length=20, choices=Source.choices, default=Source.ECONOMY
    )
    energy_tce_on = models.DateField(_("energy use received on"), null=True, blank=True)
    emissions_t_source = models.CharField(
        _("source of emissions"), max_length=20, choices=Source.choices, default=Source.ENVIRONMENT
    )
    emissions_t_on = models.DateField(_("emissions received on"), null=True, blank=True)
    rd_wan_source = models.CharField(
        _("source of R&D spending"), max_length=20, choices=Source.choices, default=Source.STATISTICS
    )
    rd_wan_on = models.DateField(_("R&D spending received on"), null=True, blank=True)
    revenue_wan_source = models.CharField(
        _("source of main revenue"), max_length=20, choices=Source.choices, default=Source.STATISTICS
    )
    revenue_wan_on = models.DateField(_("main revenue received on"), null=True, blank=True)
    employees_source = models.CharField(
        _("source of employees"), max_length=20, choices=Source.choices, default=Source.STATISTICS
    )
    employees_on = models.DateField(_("employees received on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    objects = YearFiguresQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("yearly figures")
        verbose_name_plural = _("yearly figures")
        ordering = ["-year", "enterprise__name", "parcel__code"]
        # A park's years are read parcel by parcel (the evaluation, the sheet's trends, the commitments).
        indexes = [models.Index(fields=["parcel", "year"], name="evaluation_figures_parcel_year")]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "parcel", "year"],
                name="%(app_label)s_%(class)s_one_row_per_enterprise_parcel_year",
                violation_error_message=_(
                    "This enterprise already has figures on this parcel for this year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100),
                name="%(app_label)s_%(class)s_year_plausible",
                violation_error_message=_("The year must be between 1990 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(land_m2__isnull=True) | Q(land_m2__gt=0),
                name="%(app_label)s_%(class)s_land_positive",
                violation_error_message=_("The land used must be more than 0 m²."),
            ),
            models.CheckConstraint(
                condition=Q(industry_code="") | Q(industry_code__regex=r"^[A-T]([0-9]{2,4})?$"),
                name="%(app_label)s_%(class)s_industry_code_format",
                violation_error_message=_(
                    "An industry code is a letter A–T and two to four digits, e.g. C3311."
                ),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{f.field}__isnull": True}) | Q(**{f"{f.field}__gte": 0}),
                    name=f"%(app_label)s_%(class)s_{f.field}_not_negative",
                    violation_error_message=_("A figure cannot be negative."),
                )
                for f in FIGURES
                if f.field != "tax_wan"  # a tax refund can leave a year's net tax below zero
            ),
            *(choice_constraint(f"{f.field}_source", Source) for f in FIGURES),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.enterprise} · {self.parcel.code}"

    @property
    def land_mu(self) -> Decimal | None:
        return m2_to_mu(self.land_m2)
