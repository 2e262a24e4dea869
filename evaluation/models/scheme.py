"""A park's evaluation scheme for a year, as data: indicators, weights, benchmarks, cut-offs, bands."""

from django.db import models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Park
from cases.models.base import choice_constraint

from ..indicators import Code

SCORE = {"max_digits": 8, "decimal_places": 2}
VALUE = {"max_digits": 16, "decimal_places": 4}


class EvaluationScheme(models.Model):
    """How one park grades its enterprises for one year (docs/evaluation.md#the-scheme)."""

    park = models.ForeignKey(
        Park, on_delete=models.CASCADE, related_name="evaluation_schemes", verbose_name=_("park")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    basis = models.TextField(
        _("basis"), blank=True, help_text=_("The published scheme this one follows, and where.")
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Counts the scheme's changes; each run records the version it used."),
    )
    a_min = models.DecimalField(_("class A from score"), **SCORE, default=120)
    b_min = models.DecimalField(_("class B from score"), **SCORE, default=80)
    c_min = models.DecimalField(_("class C from score"), **SCORE, default=50)
    small_tax_only = models.BooleanField(
        _("below designated size graded on tax per mu only"),
        default=True,
        help_text=_("Enterprises below designated size (规下) are scored on tax per mu alone, out of 100."),
    )
    small_land_split_mu = models.DecimalField(
        _("small-land line (mu)"),
        max_digits=6,
        decimal_places=2,
        default=3,
        help_text=_("Results below designated size are published apart for land at or above and below this."),
    )
    average_years = models.PositiveSmallIntegerField(
        _("years averaged"), default=1, help_text=_("1: the year alone; 3: the three years to it, summed.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["park__code", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "year"],
                name="%(app_label)s_%(class)s_one_per_park_year",
                violation_error_message=_("This park already has a scheme for this year."),
            ),
            models.CheckConstraint(
                condition=Q(a_min__gt=F("b_min"), b_min__gt=F("c_min"), c_min__gte=0),
                name="%(app_label)s_%(class)s_cut_offs_descend",
                violation_error_message=_("The class cut-offs must fall from A to C, and not below 0."),
            ),
            models.CheckConstraint(
                condition=Q(average_years__gte=1, average_years__lte=5),
                name="%(app_label)s_%(class)s_average_years_range",
                violation_error_message=_("Average over 1 to 5 years."),
            ),
            models.CheckConstraint(
                condition=Q(small_land_split_mu__gt=0),
                name="%(app_label)s_%(class)s_small_land_split_positive",
                violation_error_message=_("The small-land line must be more than 0 mu."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100),
                name="%(app_label)s_%(class)s_year_plausible",
                violation_error_message=_("The year must be between 1990 and 2100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.park.code} {self.year} · {self.name} (v{self.version})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)

    def touch(self) -> None:
        """A change to an indicator or benchmark is a change to the scheme: count it."""
        self.save(update_fields=["version"])

    touch.alters_data = True

    @transaction.atomic
    def copy_to(self, year: int) -> "EvaluationScheme":
        """This scheme, its indicators and its industry table, as the park's scheme for `year`."""
        indicators = list(self.indicators.all())
        benchmarks = list(
            IndustryBenchmark.objects.filter(indicator__scheme=self).select_related("indicator")
        )
        copy = EvaluationScheme.objects.create(
            park=self.park,
            year=year,
            name=self.name,
            basis=self.basis,
            a_min=self.a_min,
            b_min=self.b_min,
            c_min=self.c_min,
            small_tax_only=self.small_tax_only,
            small_land_split_mu=self.small_land_split_mu,
            average_years=self.average_years,
        )
        by_code = {}
        for indicator in indicators:
            old_pk = indicator.pk
            indicator.pk = None
            indicator.scheme = copy
            indicator.save()
            by_code[old_pk] = indicator
        IndustryBenchmark.objects.bulk_create(
            IndustryBenchmark(indicator=by_code[b.indicator_id], industry_code=b.industry_code, value=b.value)
            for b in benchmarks
        )
        return copy

    copy_to.alters_data = True


class BenchmarkKind(models.TextChoices):
    PARK_AVERAGE = "park_average", _("the park's average")
    FIXED = "fixed", _("a fixed value")
    INDUSTRY = "industry", _("the industry table (park average where it has no row)")


class SchemeIndicator(models.Model):
    """One indicator of a scheme: its weight, what it is scored against, and its bands.

    Its score is weight × value ÷ benchmark (capped at `cap_ratio` × weight when set, never below 0).
    """

    scheme = models.ForeignKey(
        EvaluationScheme, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("scheme")
    )
    code = models.CharField(_("indicator"), max_length=30, choices=Code.choices)
    weight = models.DecimalField(_("weight (points)"), **SCORE)
    benchmark_kind = models.CharField(
        _("benchmark"), max_length=20, choices=BenchmarkKind.choices, default=BenchmarkKind.PARK_AVERAGE
    )
    benchmark_value = models.DecimalField(_("fixed benchmark"), **VALUE, null=True, blank=True)
    cap_ratio = models.DecimalField(
        _("cap (× weight)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no cap, as the published scheme."),
    )
    alert_below = models.DecimalField(_("alert below"), **VALUE, null=True, blank=True)
    excellent_from = models.DecimalField(_("excellent from"), **VALUE, null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("scheme indicator")
        verbose_name_plural = _("scheme indicators")
        ordering = ["scheme", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "code"],
                name="%(app_label)s_%(class)s_once_per_scheme",
                violation_error_message=_("This indicator is already in the scheme."),
            ),
            choice_constraint("code", Code),
            choice_constraint("benchmark_kind", BenchmarkKind),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100),
                name="%(app_label)s_%(class)s_weight_range",
                violation_error_message=_("A weight is 0 to 100 points."),
            ),
            models.CheckConstraint(
                condition=Q(benchmark_kind=BenchmarkKind.FIXED, benchmark_value__gt=0)
                | (~Q(benchmark_kind=BenchmarkKind.FIXED) & Q(benchmark_value__isnull=True)),
                name="%(app_label)s_%(class)s_fixed_benchmark_given",
                violation_error_message=_(
                    "A fixed benchmark needs a value above 0, and only a fixed one has a value."
                ),
            ),
            models.CheckConstraint(
                condition=Q(cap_ratio__isnull=True) | Q(cap_ratio__gt=0),
                name="%(app_label)s_%(class)s_cap_positive",
                violation_error_message=_("A cap must be more than 0."),
            ),
            models.CheckConstraint(
                condition=Q(alert_below__isnull=True)
                | Q(excellent_from__isnull=True)
                | Q(excellent_from__gt=F("alert_below")),
                name="%(app_label)s_%(class)s_bands_ordered",
                violation_error_message=_("The excellent band must start above the alert line."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} · {self.weight}"


class IndustryBenchmark(models.Model):
    """An indicator's benchmark for an industry: the longest code that starts the enterprise's applies."""

    indicator = models.ForeignKey(
        SchemeIndicator,
        on_delete=models.CASCADE,
        related_name="industry_benchmarks",
        verbose_name=_("indicator"),
    )
    industry_code = models.CharField(_("industry code"), max_length=5, help_text=_("C, C33 or C3311."))
    value = models.DecimalField(_("benchmark"), **VALUE)

    class Meta:
        verbose_name = _("industry benchmark")
        verbose_name_plural = _("industry benchmarks")
        ordering = ["indicator", "industry_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "industry_code"],
                name="%(app_label)s_%(class)s_once_per_code",
                violation_error_message=_("This industry already has a benchmark for this indicator."),
            ),
            models.CheckConstraint(
                condition=Q(industry_code__regex=r"^[A-T]([0-9]{2,4})?$"),
                name="%(app_label)s_%(class)s_industry_code_format",
                violation_error_message=_(
                    "An industry code is a letter A–T and two to four digits, e.g. C3311."
                ),
            ),
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="%(app_label)s_%(class)s_value_positive",
                violation_error_message=_("A benchmark must be more than 0."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.industry_code}: {self.value}"
