"""Parks, who works in them, and what each park measures itself against."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from parkland.plainsql import select_instances, table

from ..validators import PlausibleNumberValidator, validate_park_code
from .base import MONEY, RATIO, choice_constraint


class Park(models.Model):
    code = models.CharField(
        _("park code"),
        max_length=10,
        unique=True,
        validators=[validate_park_code],
        help_text=_("A short code used in case numbers, e.g. XQ."),
    )
    name = models.CharField(_("name"), max_length=100)
    district = models.CharField(_("district"), max_length=100, blank=True)
    strip_photo_location = models.BooleanField(
        _("strip photo location from copies that leave the system"),
        default=False,
        help_text=_(
            "Downloads, case-file zips and the API send photos without their GPS position; "
            "the stored original and its checksum stay as uploaded."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z][A-Z0-9]{1,9}$"),
                name="%(app_label)s_%(class)s_code_format",
                violation_error_message=_("A park code is 2 to 10 capital letters or digits."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class MembershipQuerySet(models.QuerySet):
    def role_of(self, user, park: Park) -> str | None:
        """The user's role in the park; a superuser acts as its park administrator."""
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if user.is_superuser:
            return Membership.Role.PARK_ADMIN
        return self.filter(user=user, park=park).values_list("role", flat=True).first()

    def roles_by_park(self, user) -> dict[Park, str]:
        """The parks where the user holds a role, in the order of their codes, with that role, in one
        query; a superuser acts as every park's administrator."""
        if user is None or not user.is_authenticated or not user.is_active:
            return {}
        # Read on every signed-in request: in plain SQL (parkland/plainsql.py), as the ORM would.
        if user.is_superuser:
            parks = select_instances(Park, alias="p", tail="ORDER BY p.code", params=(), using=self.db)
            return {park: Membership.Role.PARK_ADMIN for (park,) in parks}
        memberships = table(Membership, self.db)
        rows = select_instances(
            Park,
            alias="p",
            tail=f"INNER JOIN {memberships} m ON m.park_id = p.id WHERE m.user_id = %s ORDER BY p.code",
            params=(user.pk,),
            using=self.db,
            extra=("m.role",),
        )
        return dict(rows)


class Role(models.TextChoices):
    VIEWER = "viewer", _("viewer")
    OFFICER = "officer", _("case officer")
    SUPERVISOR = "supervisor", _("supervisor")
    PARK_ADMIN = "park_admin", _("park administrator")


class Membership(models.Model):
    """A user's role in one park; a user may belong to several parks."""

    Role = Role

    # Each role can do all that the roles before it can.
    RANK = {Role.VIEWER: 1, Role.OFFICER: 2, Role.SUPERVISOR: 3, Role.PARK_ADMIN: 4}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    park = models.ForeignKey(
        Park, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("park")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("park membership")
        verbose_name_plural = _("park memberships")
        ordering = ["park__code", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "park"],
                name="%(app_label)s_%(class)s_one_role_per_park",
                violation_error_message=_("This user already has a role in this park."),
            ),
            choice_constraint("role", Role),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.park.code} · {self.get_role_display()}"

    @classmethod
    def rank_of(cls, role: str | None) -> int:
        return cls.RANK.get(role, 0)


class LowEfficiencyThreshold(models.Model):
    """The park's own floor for each indicator; a parcel below any of them is suspected low-efficiency."""

    park = models.OneToOneField(
        Park,
        on_delete=models.CASCADE,
        related_name="thresholds",
        verbose_name=_("park"),
    )
    min_plot_ratio = models.DecimalField(
        _("minimum plot ratio"),
        **RATIO,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("minimum plot ratio"), "plot_ratio")],
    )
    min_investment_per_mu_wan = models.DecimalField(
        _("minimum investment intensity (10k yuan/mu)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[
            PlausibleNumberValidator(_("minimum investment intensity (10k yuan/mu)"), "money_per_mu")
        ],
    )
    min_output_per_mu_wan = models.DecimalField(
        _("minimum annual output per mu (10k yuan/mu)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[
            PlausibleNumberValidator(_("minimum annual output per mu (10k yuan/mu)"), "money_per_mu")
        ],
    )
    min_tax_per_mu_wan = models.DecimalField(
        _("minimum annual tax per mu (10k yuan/mu)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("minimum annual tax per mu (10k yuan/mu)"), "money_per_mu")],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("low-efficiency thresholds")
        verbose_name_plural = _("low-efficiency thresholds")
        constraints = [
            models.CheckConstraint(
                condition=(
                    (Q(min_plot_ratio__isnull=True) | Q(min_plot_ratio__gte=0))
                    & (Q(min_investment_per_mu_wan__isnull=True) | Q(min_investment_per_mu_wan__gte=0))
                    & (Q(min_output_per_mu_wan__isnull=True) | Q(min_output_per_mu_wan__gte=0))
                    & (Q(min_tax_per_mu_wan__isnull=True) | Q(min_tax_per_mu_wan__gte=0))
                ),
                name="%(app_label)s_%(class)s_not_negative",
                violation_error_message=_("Thresholds cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Low-efficiency thresholds of %(park)s") % {"park": self.park.code})


class DisposalTargetQuerySet(models.QuerySet):
    def benchmark_pct(self, *, park: Park | None, year: int):
        """The disposal-rate target for a park (or all parks) and year, else the settings default."""
        scope = Q(park__isnull=True) | Q(park=park) if park is not None else Q(park__isnull=True)
        candidates = {t.park_id: t.rate_pct for t in self.filter(scope, year=year)}
        if park is not None and park.pk in candidates:
            return candidates[park.pk]
        if None in candidates:
            return candidates[None]
        return settings.PARKLAND_DEFAULT_BENCHMARK_PCT

    def set_for(self, *, park: Park, year: int, rate_pct, by) -> "DisposalTarget":
        """The park's target for the year set to `rate_pct` (made if it has none), recorded as `by`'s."""
        target = self.filter(park=park, year=year).first() or self.model(park=park, year=year)
        target.rate_pct = rate_pct
        target._history_user = by
        target.save()
        return target


class DisposalTarget(models.Model):
    park = models.ForeignKey(
        Park,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("park"),
        help_text=_("Leave empty for a target that applies to all parks."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[PlausibleNumberValidator(_("year"), "year")]
    )
    rate_pct = models.DecimalField(
        _("target disposal rate (%)"),
        max_digits=4,
        decimal_places=1,
        validators=[PlausibleNumberValidator(_("target disposal rate (%)"), "percentage")],
    )

    objects = DisposalTargetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disposal-rate target")
        verbose_name_plural = _("disposal-rate targets")
        ordering = ["-year", "park__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "year"],
                name="%(app_label)s_%(class)s_one_per_park_year",
                violation_error_message=_("This park already has a target for this year."),
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(park__isnull=True),
                name="%(app_label)s_%(class)s_one_overall_per_year",
                violation_error_message=_("There is already an all-parks target for this year."),
            ),
            models.CheckConstraint(
                condition=Q(rate_pct__gte=0, rate_pct__lte=100),
                name="%(app_label)s_%(class)s_rate_in_range",
                violation_error_message=_("A target rate lies between 0 and 100%%."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="%(app_label)s_%(class)s_year_in_range",
                violation_error_message=_("The year must lie between 2000 and 2100."),
            ),
        ]

    def __str__(self) -> str:
        scope = self.park.code if self.park_id else _("all parks")
        return f"{scope} {self.year}: {self.rate_pct}%"
