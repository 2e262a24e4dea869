"""Land users and the parcels (宗地) they hold."""

import calendar
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Lower, Replace
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..validators import (
    PastDateValidator,
    PlannedDateValidator,
    PlausibleNumberValidator,
    validate_cadastral_code,
    validate_credit_code,
    validate_unit_number,
)
from .base import AREA, M2_PER_MU, MONEY, RATIO, choice_constraint, m2_to_mu, per_mu
from .choices import OPEN_STATUSES, Status
from .parks import Park
from .search import refresh_case_search

# What makes two ways of writing one name the same: spaces (half and full width), letter case,
# full-width brackets. 珠海鑫华（电子）有限公司 and 珠海鑫华(电子)有限公司 are one enterprise.
_NAME_FOLDS = ((" ", ""), ("\u3000", ""), ("（", "("), ("）", ")"))


def folded_name(name: str) -> str:
    """The name as `EnterpriseQuerySet.likely_duplicates` compares it."""
    name = name.casefold()
    for old, new in _NAME_FOLDS:
        name = name.replace(old, new)
    return name


class EnterpriseQuerySet(models.QuerySet):
    def likely_duplicates(self, park, *, name: str, credit_code: str = "", exclude_pk=None):
        """The park's enterprises with the same name (spaces, case and bracket widths aside) or the
        same credit code: what a new registration most likely repeats."""
        folded = Lower("name")
        for old, new in _NAME_FOLDS:
            folded = Replace(folded, Value(old), Value(new))
        same = Q(folded_name=folded_name(name)) if name.strip() else Q(pk__in=[])
        if credit_code:
            same |= Q(credit_code=credit_code)
        rows = self.filter(park=park).annotate(folded_name=folded).filter(same)
        return rows.exclude(pk=exclude_pk) if exclude_pk else rows


class Enterprise(models.Model):
    """The holder of a land-use right (权利人)."""

    park = models.ForeignKey(
        Park,
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("park"),
        help_text=_("The park whose ledger keeps this enterprise."),
    )
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = EnterpriseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        # The enterprise list's default order.
        indexes = [models.Index(fields=["name", "id"], name="cases_enterprise_name_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "credit_code"],
                condition=~Q(credit_code=""),
                name="%(app_label)s_%(class)s_credit_code_unique_in_park",
                violation_error_message=_(
                    "An enterprise with this unified social credit code is already registered."
                ),
            ),
            models.CheckConstraint(
                condition=Q(credit_code="") | Q(credit_code__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
                name="%(app_label)s_%(class)s_credit_code_format",
                violation_error_message=_("A unified social credit code has 18 characters."),
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="%(app_label)s_%(class)s_name_given",
                violation_error_message=_("An enterprise needs a name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        adding = self._state.adding
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            if adding:
                return
            # Its name is searched on the cases of its parcels: all of them in one UPDATE.
            cases = apps.get_model("cases", "DisposalCase")._default_manager.using(self._state.db)
            refresh_case_search(cases.filter(parcel__enterprise=self))

    def get_absolute_url(self) -> str:
        return reverse("enterprise-detail", args=[self.pk])


class LandUse(models.TextChoices):
    INDUSTRIAL = "industrial", _("industrial land")
    WAREHOUSE = "warehouse", _("warehouse land")
    NEW_INDUSTRIAL = "new_industrial", _("new-type industrial land (M0)")
    COMMERCIAL = "commercial", _("commercial and service land")
    OTHER = "other", _("other")


INDUSTRIAL_USES = (LandUse.INDUSTRIAL, LandUse.WAREHOUSE, LandUse.NEW_INDUSTRIAL)
PER_MU = DecimalField(max_digits=20, decimal_places=6)


class SupplyMethod(models.TextChoices):
    GRANT = "grant", _("grant")
    ALLOCATION = "allocation", _("allocation")


def years_before(day: date, years: int) -> date:
    """The latest date whose `years`-th anniversary has come by `day`.

    Anniversaries follow the statutory clocks (cases.deadlines.add_months): 29 February's falls on
    28 February in other years, so on 28 February of a common year the cut-off reaches back to
    29 February of a leap year.
    """
    year = day.year - years
    last_of_month = calendar.monthrange(year, day.month)[1]
    if day.month == 2 and day.day == calendar.monthrange(day.year, 2)[1]:
        return date(year, 2, last_of_month)
    return date(year, day.month, min(day.day, last_of_month))


def _per_mu(field: str):
    # value ÷ (area ÷ 666.67) = value × (10000/15) ÷ area, for display.
    return ExpressionWrapper(F(field) * Value(M2_PER_MU) / F("area_m2"), output_field=PER_MU)


class LandParcelQuerySet(models.QuerySet):
    """The radar's suspects (docs/workflow.md#the-radar): land that may be idle or low-efficiency."""

    def not_handled(self):
        """Land with an open case is being handled; land with a disposed case has been dealt with."""
        return self.exclude(cases__status__in=[*OPEN_STATUSES, Status.DISPOSED])

    def suspected_idle(self, today: date):
        """Parcels whose agreed start is at least one full year past, not started, with no case open
        or disposed."""
        return (
            self.filter(agreed_start_on__lte=years_before(today, 1), actual_start_on__isnull=True)
            .not_handled()
            .select_related("park", "enterprise")
            .order_by("agreed_start_on", "code")
        )

    def suspected_low_efficiency(self):
        """Industrial parcels in use below any of their park's thresholds, with no case open or
        disposed.

        Per-亩 figures are compared as value × 10000 < threshold × area × 15, without the repeating
        666.67, so a parcel exactly at a threshold is never below it.

        Land not yet started is idle, not low-efficiency: the idle lists show it."""
        thresholds = "park__thresholds__"
        scaled = {}
        for value, limit in (
            ("invested_wan", "min_investment_per_mu_wan"),
            ("annual_output_wan", "min_output_per_mu_wan"),
            ("annual_tax_wan", "min_tax_per_mu_wan"),
        ):
            scaled[f"{value}_scaled"] = ExpressionWrapper(F(value) * 10000, output_field=PER_MU)
            scaled[f"{limit}_scaled"] = ExpressionWrapper(
                F(f"{thresholds}{limit}") * F("area_m2") * 15, output_field=PER_MU
            )
        below = (
            Q(actual_plot_ratio__lt=F(f"{thresholds}min_plot_ratio"))
            | Q(invested_wan_scaled__lt=F("min_investment_per_mu_wan_scaled"))
            | Q(annual_output_wan_scaled__lt=F("min_output_per_mu_wan_scaled"))
            | Q(annual_tax_wan_scaled__lt=F("min_tax_per_mu_wan_scaled"))
        )
        return (
            self.filter(land_use__in=INDUSTRIAL_USES, park__thresholds__isnull=False)
            .not_handled()
            .filter(actual_start_on__isnull=False)
            .alias(**scaled)
            .annotate(
                investment_per_mu=_per_mu("invested_wan"),
                output_per_mu=_per_mu("annual_output_wan"),
                tax_per_mu=_per_mu("annual_tax_wan"),
            )
            .filter(below)
            .select_related("park__thresholds", "enterprise")
            .order_by("park__code", "code")
        )


class LandParcel(models.Model):
    LandUse = LandUse

    SupplyMethod = SupplyMethod

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="parcels", verbose_name=_("park"))
    code = models.CharField(
        _("parcel number"),
        max_length=40,
        help_text=_("The park's own number for this parcel; unique within the park."),
    )
    cadastral_code = models.CharField(
        _("cadastral parcel code"),
        max_length=19,
        blank=True,
        validators=[validate_cadastral_code],
        help_text=_("宗地代码, 19 characters, e.g. 440403001001GB00001."),
    )
    unit_number = models.CharField(
        _("real-estate unit number"),
        max_length=28,
        blank=True,
        validators=[validate_unit_number],
        help_text=_("不动产单元号, 28 characters."),
    )
    location = models.CharField(_("location"), max_length=200)
    area_m2 = models.DecimalField(
        _("area (m²)"), **AREA, validators=[PlausibleNumberValidator(_("area (m²)"), "area")]
    )
    land_use = models.CharField(
        _("land use"), max_length=20, choices=LandUse.choices, default=LandUse.INDUSTRIAL
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parcels",
        verbose_name=_("land user"),
    )
    supply_method = models.CharField(
        _("supply method"), max_length=20, choices=SupplyMethod.choices, default=SupplyMethod.GRANT
    )
    contract_number = models.CharField(_("contract number"), max_length=60, blank=True)
    contract_signed_on = models.DateField(
        _("contract date"), null=True, blank=True, validators=[PastDateValidator(_("contract date"))]
    )
    land_price_wan = models.DecimalField(
        _("land price (10k yuan)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("land price (10k yuan)"), "money")],
    )
    agreed_start_on = models.DateField(
        _("agreed start date"),
        null=True,
        blank=True,
        validators=[PlannedDateValidator(_("agreed start date"))],
    )
    agreed_completion_on = models.DateField(
        _("agreed completion date"),
        null=True,
        blank=True,
        validators=[PlannedDateValidator(_("agreed completion date"))],
    )
    actual_start_on = models.DateField(
        _("actual start date"), null=True, blank=True, validators=[PastDateValidator(_("actual start date"))]
    )
    required_plot_ratio = models.DecimalField(
        _("required plot ratio"),
        **RATIO,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("required plot ratio"), "plot_ratio")],
    )
    actual_plot_ratio = models.DecimalField(
        _("actual plot ratio"),
        **RATIO,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("actual plot ratio"), "plot_ratio")],
    )
    building_area_m2 = models.DecimalField(
        _("building area (m²)"),
        **AREA,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("building area (m²)"), "building_area")],
    )
    invested_wan = models.DecimalField(
        _("investment made (10k yuan)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("investment made (10k yuan)"), "money")],
    )
    annual_tax_wan = models.DecimalField(
        _("annual tax (10k yuan)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("annual tax (10k yuan)"), "money")],
    )
    annual_output_wan = models.DecimalField(
        _("annual output (10k yuan)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("annual output (10k yuan)"), "money")],
    )
    boundary = models.JSONField(_("boundary (GeoJSON polygon)"), null=True, blank=True)

    history = HistoricalRecords()

    objects = LandParcelQuerySet.as_manager()

    class Meta:
        verbose_name = _("land parcel")
        verbose_name_plural = _("land parcels")
        ordering = ["park__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "code"],
                name="%(app_label)s_%(class)s_code_unique_in_park",
                violation_error_message=_("This park already has a parcel with this number."),
            ),
            models.CheckConstraint(
                condition=Q(area_m2__gt=0),
                name="%(app_label)s_%(class)s_area_positive",
                violation_error_message=_("A parcel's area must be greater than 0 m²."),
            ),
            models.CheckConstraint(
                condition=~Q(code="") & ~Q(location=""),
                name="%(app_label)s_%(class)s_code_and_location_given",
                violation_error_message=_("A parcel needs a number and a location."),
            ),
            models.CheckConstraint(
                condition=Q(cadastral_code="") | Q(cadastral_code__regex=r"^\d{12}[GJZ][A-Z]\d{5}$"),
                name="%(app_label)s_%(class)s_cadastral_code_format",
                violation_error_message=_("A cadastral parcel code has 19 characters."),
            ),
            models.CheckConstraint(
                condition=Q(unit_number="") | Q(unit_number__regex=r"^\d{12}[GJZ][A-Z]\d{5}[FLQW]\d{8}$"),
                name="%(app_label)s_%(class)s_unit_number_format",
                violation_error_message=_("A real-estate unit number has 28 characters."),
            ),
            models.CheckConstraint(
                # `type` present and one of these: an array or a string has no `type`, and a missing
                # key compares as NULL, which a CHECK would let through.
                condition=Q(boundary__isnull=True)
                | (
                    Q(boundary__type__isnull=False)
                    & Q(boundary__type__in=["Polygon", "MultiPolygon", "Feature"])
                ),
                name="%(app_label)s_%(class)s_boundary_is_a_polygon",
                violation_error_message=_("Give the boundary as a GeoJSON Polygon or MultiPolygon."),
            ),
            models.CheckConstraint(
                condition=(
                    (Q(land_price_wan__isnull=True) | Q(land_price_wan__gte=0))
                    & (Q(required_plot_ratio__isnull=True) | Q(required_plot_ratio__gte=0))
                    & (Q(actual_plot_ratio__isnull=True) | Q(actual_plot_ratio__gte=0))
                    & (Q(building_area_m2__isnull=True) | Q(building_area_m2__gte=0))
                    & (Q(invested_wan__isnull=True) | Q(invested_wan__gte=0))
                    & (Q(annual_tax_wan__isnull=True) | Q(annual_tax_wan__gte=0))
                    & (Q(annual_output_wan__isnull=True) | Q(annual_output_wan__gte=0))
                ),
                name="%(app_label)s_%(class)s_figures_not_negative",
                violation_error_message=_("Prices, ratios, areas and amounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(agreed_start_on__isnull=True)
                | Q(agreed_completion_on__isnull=True)
                | Q(agreed_completion_on__gte=F("agreed_start_on")),
                name="%(app_label)s_%(class)s_agreed_dates_in_order",
                violation_error_message=_(
                    "The agreed completion date cannot be before the agreed start date."
                ),
            ),
            choice_constraint("land_use", LandUse),
            choice_constraint("supply_method", SupplyMethod),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.location}"

    def save(self, *args, **kwargs) -> None:
        adding = self._state.adding
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            if not adding:
                # Its number, location and land user are searched on its cases.
                refresh_case_search(self.cases.all())

    def get_absolute_url(self) -> str:
        return reverse("parcel-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors = self.errors_of_its_own()
        if self.pk and self.area_m2:
            largest = self.cases.aggregate(models.Max("case_area_m2"))["case_area_m2__max"]
            if largest is not None and largest > self.area_m2:
                errors["area_m2"] = self.smaller_than_case_message(largest)
        if errors:
            raise ValidationError(errors)

    def errors_of_its_own(self) -> dict:
        """The rules this parcel's own values break, checked without a query (`clean` adds its cases')."""
        errors = {}
        if self.enterprise_id and self.park_id and self.enterprise.park_id != self.park_id:
            errors["enterprise"] = _("The land user must be an enterprise of the same park.")
        if self.boundary is not None and not _is_geojson_polygon(self.boundary):
            errors["boundary"] = _("Give the boundary as a GeoJSON Polygon or MultiPolygon.")
        return errors

    @staticmethod
    def smaller_than_case_message(largest_case_area_m2: Decimal):
        return _("A case on this parcel covers %(area)s m²; the parcel cannot be smaller.") % {
            "area": largest_case_area_m2
        }

    @property
    def area_mu(self) -> Decimal | None:
        return m2_to_mu(self.area_m2)

    @property
    def tax_per_mu_wan(self) -> Decimal | None:
        return per_mu(self.annual_tax_wan, self.area_m2)

    @property
    def output_per_mu_wan(self) -> Decimal | None:
        return per_mu(self.annual_output_wan, self.area_m2)

    @property
    def investment_intensity_wan(self) -> Decimal | None:
        """Investment per 亩 (万元/亩)."""
        return per_mu(self.invested_wan, self.area_m2)


def _is_geojson_polygon(value) -> bool:
    if not isinstance(value, dict):
        return False
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
    kind, coordinates = value.get("type"), value.get("coordinates")
    rings = {"Polygon": [coordinates], "MultiPolygon": coordinates}.get(kind)
    if not isinstance(coordinates, list) or rings is None:
        return False
    try:
        return all(
            len(ring) >= 4 and all(len(point) >= 2 for point in ring) for polygon in rings for ring in polygon
        )
    except TypeError:
        return False
