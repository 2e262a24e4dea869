"""The disposal case (处置案件): its number, its rules, its workflow and the disposal rate."""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..bounds import MAX_CASE_SEQUENCE
from ..exceptions import (
    GuardFailed,
    MissingEvidence,
    StaleVersion,
    TransitionForbidden,
    TransitionNotAllowed,
)
from ..validators import (
    PastDateValidator,
    PlannedDateValidator,
    PlausibleNumberValidator,
    case_number_parts,
    validate_case_number,
)
from .base import AREA, CENT, choice_constraint, m2_to_mu
from .choices import (
    CLOSED_STATUSES,
    IDENTIFIED_STATUSES,
    METHODS_BY_CATEGORY,
    OPEN_STATUSES,
    PRE_IDENTIFICATION_STATUSES,
    Category,
    DisposalMethod,
    IdleCause,
    Litigation,
    ProblemFlag,
    Status,
)
from .events import CaseEvent
from .evidence import EvidenceRequirement
from .land import LandParcel
from .parks import Membership, Park

ZERO_AREA = Decimal("0.00")
PERCENT = Decimal("0.1")


# The disposal rate (DESIGN.md §6) -------------------------------------------------------------


def register_q(*, year: int, as_of: date) -> Q:
    """In the register of `year` at `as_of`: approved as identified (or further on) by then, and not
    disposed before the year began. Only a supervisor's step into `identified` sets `identified_on`."""
    return Q(status__in=IDENTIFIED_STATUSES, identified_on__lte=as_of) & (
        Q(disposed_on__isnull=True) | Q(disposed_on__gte=date(year, 1, 1))
    )


def disposed_q(*, start: date, end: date) -> Q:
    """Disposed, with the disposal date between `start` and `end` inclusive."""
    return Q(status=Status.DISPOSED, disposed_on__gte=start, disposed_on__lte=end)


def _area_sum(field: str, condition: Q):
    return Coalesce(
        Sum(field, filter=condition),
        Value(ZERO_AREA),
        output_field=models.DecimalField(**AREA),
    )


def _count(condition: Q):
    return Count("pk", filter=condition)


def rate_pct(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part ÷ whole × 100, half-up to one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RateFigures:
    """The register and the disposed cases of one scope at one date, and what follows from them."""

    register_count: int
    register_area_m2: Decimal
    disposed_count: int
    disposed_area_m2: Decimal

    @property
    def rate_pct(self) -> Decimal | None:
        return rate_pct(self.disposed_area_m2, self.register_area_m2)

    @property
    def count_rate_pct(self) -> Decimal | None:
        return rate_pct(self.disposed_count, self.register_count)

    @property
    def register_area_mu(self) -> Decimal:
        return m2_to_mu(self.register_area_m2)

    @property
    def disposed_area_mu(self) -> Decimal:
        return m2_to_mu(self.disposed_area_m2)

    def gap_pp(self, benchmark_pct: Decimal) -> Decimal | None:
        """Rate minus benchmark, in percentage points; None without a rate."""
        rate = self.rate_pct
        return None if rate is None else rate - Decimal(benchmark_pct)

    def area_to_benchmark_m2(self, benchmark_pct: Decimal) -> Decimal:
        """Area still to dispose of for the rate to reach the benchmark (never negative)."""
        needed = Decimal(benchmark_pct) / 100 * self.register_area_m2 - self.disposed_area_m2
        return max(ZERO_AREA, needed).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class MonthFigures:
    month: int
    end: date
    identified_count: int
    identified_area_m2: Decimal
    disposed_count: int
    disposed_area_m2: Decimal
    cumulative: RateFigures


def month_ends(year: int, as_of: date) -> list[tuple[int, date, date]]:
    """(month, first day, last day counted) for January up to `as_of`'s month; the last ends at `as_of`."""
    months = []
    for month in range(1, as_of.month + 1):
        first = date(year, month, 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
        months.append((month, first, min(last, as_of)))
    return months


class DisposalCaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def register(self, *, year: int, as_of: date):
        """The denominator of the disposal rate (DESIGN.md §6): see `register_q`."""
        return self.filter(register_q(year=year, as_of=as_of))

    def disposed_in_year(self, *, year: int, as_of: date):
        """The numerator of the disposal rate: disposed between 1 January of `year` and `as_of`."""
        return self.filter(disposed_q(start=date(year, 1, 1), end=as_of))

    def rate_figures(self, *, year: int, as_of: date) -> RateFigures:
        """The disposal rate of this queryset for `year` as of `as_of`, in one aggregate query.

        Register: identified on or before `as_of`, not withdrawn, and not disposed before
        1 January of `year`; area = Σ case area. Disposed: disposed from 1 January of `year`
        to `as_of`; area = Σ disposed area. Rate = disposed area ÷ register area × 100.
        """
        row = self.order_by().aggregate(**_rate_aggregates("", year=year, as_of=as_of))
        return _rate_from_row(row, "")

    def forecast_area_m2(self, *, year: int, as_of: date) -> Decimal:
        """Area disposed by year end if every case now in implementing is disposed by its target date.

        Counts the year's disposed area to `as_of` plus the area of each case in the register that is
        being implemented with a target date within `year`.
        """
        register = register_q(year=year, as_of=as_of)
        due = register & Q(
            status=Status.IMPLEMENTING, target_on__gte=date(year, 1, 1), target_on__lte=date(year, 12, 31)
        )
        row = self.order_by().aggregate(
            disposed=_area_sum("disposed_area_m2", disposed_q(start=date(year, 1, 1), end=as_of)),
            due=_area_sum("case_area_m2", due),
        )
        return (Decimal(row["disposed"]) + Decimal(row["due"])).quantize(CENT)

    def rate_breakdown(self, field: str, *, year: int, as_of: date) -> dict:
        """`rate_figures` for each value of `field` (e.g. "category"), in one grouped query."""
        rows = (
            self.order_by()
            .filter(register_q(year=year, as_of=as_of))
            .values(field)
            .annotate(**_rate_aggregates("", year=year, as_of=as_of))
            .order_by(field)
        )
        return {row[field]: _rate_from_row(row, "") for row in rows}

    def monthly_figures(self, *, year: int, as_of: date) -> list[MonthFigures]:
        """The month table of DESIGN.md §6 for January to `as_of`'s month, in one aggregate query."""
        aggregates = {}
        for month, first, end in month_ends(year, as_of):
            in_month = register_q(year=year, as_of=end) & Q(identified_on__gte=first)
            disposed_in_month = disposed_q(start=first, end=end)
            aggregates[f"m{month}_new_identified_count"] = _count(in_month)
            aggregates[f"m{month}_new_identified_area"] = _area_sum("case_area_m2", in_month)
            aggregates[f"m{month}_new_disposed_count"] = _count(disposed_in_month)
            aggregates[f"m{month}_new_disposed_area"] = _area_sum("disposed_area_m2", disposed_in_month)
            aggregates.update(_rate_aggregates(f"m{month}_", year=year, as_of=end))
        row = self.order_by().aggregate(**aggregates)
        return [
            MonthFigures(
                month=month,
                end=end,
                identified_count=row[f"m{month}_new_identified_count"],
                identified_area_m2=Decimal(row[f"m{month}_new_identified_area"]).quantize(CENT),
                disposed_count=row[f"m{month}_new_disposed_count"],
                disposed_area_m2=Decimal(row[f"m{month}_new_disposed_area"]).quantize(CENT),
                cumulative=_rate_from_row(row, f"m{month}_"),
            )
            for month, _first, end in month_ends(year, as_of)
        ]


def _rate_aggregates(prefix: str, *, year: int, as_of: date) -> dict:
    register = register_q(year=year, as_of=as_of)
    disposed = disposed_q(start=date(year, 1, 1), end=as_of)
    return {
        f"{prefix}register_count": _count(register),
        f"{prefix}register_area": _area_sum("case_area_m2", register),
        f"{prefix}disposed_count": _count(disposed),
        f"{prefix}disposed_area": _area_sum("disposed_area_m2", disposed),
    }


def _rate_from_row(row: dict, prefix: str) -> RateFigures:
    return RateFigures(
        register_count=row[f"{prefix}register_count"],
        register_area_m2=Decimal(row[f"{prefix}register_area"]).quantize(CENT),
        disposed_count=row[f"{prefix}disposed_count"],
        disposed_area_m2=Decimal(row[f"{prefix}disposed_area"]).quantize(CENT),
    )


# Case numbers ---------------------------------------------------------------------------------


class CaseNumberSequenceQuerySet(models.QuerySet):
    def take_next(self, *, park: Park, year: int) -> int:
        """The next sequence number of a park's year; the row lock serialises concurrent callers."""
        with transaction.atomic():
            sequence, _created = self.select_for_update().get_or_create(park=park, year=year)
            sequence.last_number += 1
            sequence.save(update_fields=["last_number"])
            return sequence.last_number

    def take_block(self, *, park: Park, year: int, count: int) -> int:
        """The first of `count` consecutive sequence numbers of a park's year, all taken at once."""
        with transaction.atomic():
            sequence, _created = self.select_for_update().get_or_create(park=park, year=year)
            first = sequence.last_number + 1
            sequence.last_number += count
            sequence.save(update_fields=["last_number"])
            return first

    def note_used(self, *, park: Park, year: int, number: int) -> None:
        """Record a number given from outside (an imported ledger) so it is never handed out again."""
        with transaction.atomic():
            sequence, _created = self.select_for_update().get_or_create(park=park, year=year)
            if sequence.last_number < number:
                sequence.last_number = number
                sequence.save(update_fields=["last_number"])


class CaseNumberSequence(models.Model):
    """The last case number handed out for a park and year; numbers are never reused."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, verbose_name=_("park"))
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number given"), default=0)

    objects = CaseNumberSequenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("case number sequence")
        verbose_name_plural = _("case number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "year"], name="%(app_label)s_%(class)s_one_per_park_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.park.code}-{self.year}: {self.last_number}"


def parse_case_number(number: str) -> tuple[str, int, int] | None:
    """(park code, year, sequence) of a well-formed case number such as XQ-2023-007, else None.

    Well-formed: `{park}-{year}-{seq:03d}` with a sequence from 1 to MAX_CASE_SEQUENCE, so a number
    brought in from a ledger never overflows the sequence it is noted in (`validate_case_number`
    says what is wrong with one that is not).
    """
    parts = case_number_parts(number)
    if parts is None or parts[2] > MAX_CASE_SEQUENCE:
        return None
    return parts


# The workflow (DESIGN.md §3) ------------------------------------------------------------------


class Transition(NamedTuple):
    source: str
    target: str
    kind: str  # "forward", "back", "withdraw" or "reopen"
    role: str  # the least role that may make it
    needs_reason: bool


_OFFICER, _SUPERVISOR, _PARK_ADMIN = (
    Membership.Role.OFFICER,
    Membership.Role.SUPERVISOR,
    Membership.Role.PARK_ADMIN,
)
S = Status

TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.LEAD, S.INVESTIGATING, "forward", _OFFICER, False),
    Transition(S.INVESTIGATING, S.IDENTIFIED, "forward", _SUPERVISOR, False),
    Transition(S.IDENTIFIED, S.PLANNING, "forward", _OFFICER, False),
    Transition(S.PLANNING, S.IMPLEMENTING, "forward", _OFFICER, False),
    Transition(S.IMPLEMENTING, S.DISPOSED, "forward", _SUPERVISOR, False),
    Transition(S.INVESTIGATING, S.LEAD, "back", _OFFICER, True),
    Transition(S.IDENTIFIED, S.INVESTIGATING, "back", _OFFICER, True),
    Transition(S.PLANNING, S.IDENTIFIED, "back", _OFFICER, True),
    Transition(S.IMPLEMENTING, S.PLANNING, "back", _OFFICER, True),
    *(Transition(s, S.WITHDRAWN, "withdraw", _SUPERVISOR, True) for s in OPEN_STATUSES),
    Transition(S.DISPOSED, S.IMPLEMENTING, "reopen", _PARK_ADMIN, True),
    *(Transition(S.WITHDRAWN, s, "reopen", _PARK_ADMIN, True) for s in OPEN_STATUSES),
)


class DisposalCase(models.Model):
    number = models.CharField(
        _("case number"), max_length=30, unique=True, editable=False, validators=[validate_case_number]
    )
    parcel = models.ForeignKey(
        LandParcel, on_delete=models.PROTECT, related_name="cases", verbose_name=_("parcel")
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.LEAD)
    status_before_close = models.CharField(
        _("status before closing"),
        max_length=20,
        choices=Status.choices,
        blank=True,
        editable=False,
        help_text=_("Where a reopened case returns to."),
    )
    idle_cause = models.CharField(
        _("cause of idleness"), max_length=20, choices=IdleCause.choices, default=IdleCause.UNKNOWN
    )
    case_area_m2 = models.DecimalField(
        _("area under disposal (m²)"),
        **AREA,
        validators=[PlausibleNumberValidator(_("area under disposal (m²)"), "area")],
        help_text=_("Greater than 0 and at most the parcel's area."),
    )
    opened_on = models.DateField(_("opened on"), validators=[PastDateValidator(_("opened on"))])
    identified_on = models.DateField(
        _("identified on"), null=True, blank=True, validators=[PastDateValidator(_("identified on"))]
    )
    disposal_method = models.CharField(
        _("disposal method"), max_length=30, choices=DisposalMethod.choices, blank=True
    )
    decision_on = models.DateField(
        _("decision date"), null=True, blank=True, validators=[PastDateValidator(_("decision date"))]
    )
    target_on = models.DateField(
        _("planned completion date"),
        null=True,
        blank=True,
        validators=[PlannedDateValidator(_("planned completion date"))],
    )
    disposed_on = models.DateField(
        _("disposed on"), null=True, blank=True, validators=[PastDateValidator(_("disposed on"))]
    )
    disposed_area_m2 = models.DecimalField(
        _("disposed area (m²)"),
        **AREA,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("disposed area (m²)"), "area")],
        help_text=_("Defaults to the area under disposal."),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case officer"),
    )
    low_willingness = models.BooleanField(ProblemFlag.LOW_WILLINGNESS.label, default=False)
    low_willingness_note = models.TextField(_("note on low willingness"), blank=True)
    evidence_difficulty = models.BooleanField(ProblemFlag.EVIDENCE_DIFFICULTY.label, default=False)
    evidence_difficulty_note = models.TextField(_("note on evidence difficulty"), blank=True)
    litigation_risk = models.BooleanField(ProblemFlag.LITIGATION_RISK.label, default=False)
    litigation_risk_note = models.TextField(_("note on litigation risk"), blank=True)
    funding_gap = models.BooleanField(ProblemFlag.FUNDING_GAP.label, default=False)
    funding_gap_note = models.TextField(_("note on the funding gap"), blank=True)
    litigation = models.CharField(
        _("litigation"), max_length=20, choices=Litigation.choices, default=Litigation.NONE
    )
    summary = models.TextField(_("summary"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("updated by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DisposalCaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disposal case")
        verbose_name_plural = _("disposal cases")
        ordering = ["-opened_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["parcel"],
                condition=Q(status__in=OPEN_STATUSES),
                name="%(app_label)s_%(class)s_one_open_case_per_parcel",
                violation_error_message=_("This parcel already has an open case."),
            ),
            models.CheckConstraint(
                condition=Q(case_area_m2__gt=0),
                name="%(app_label)s_%(class)s_case_area_positive",
                violation_error_message=_("The area under disposal must be greater than 0 m²."),
            ),
            models.CheckConstraint(
                condition=Q(disposed_area_m2__isnull=True)
                | Q(disposed_area_m2__gt=0, disposed_area_m2__lte=F("case_area_m2")),
                name="%(app_label)s_%(class)s_disposed_area_within_case_area",
                violation_error_message=_(
                    "The disposed area must be greater than 0 and at most the area under disposal."
                ),
            ),
            models.CheckConstraint(
                condition=Q(identified_on__isnull=True) | Q(identified_on__gte=F("opened_on")),
                name="%(app_label)s_%(class)s_identified_after_opened",
                violation_error_message=_("A case cannot be identified before it was opened."),
            ),
            models.CheckConstraint(
                condition=Q(disposed_on__isnull=True)
                | Q(identified_on__isnull=False, disposed_on__gte=F("identified_on")),
                name="%(app_label)s_%(class)s_disposed_after_identified",
                violation_error_message=_("A case cannot be disposed of before it was identified."),
            ),
            models.CheckConstraint(
                condition=Q(decision_on__isnull=True)
                | Q(identified_on__isnull=False, decision_on__gte=F("identified_on")),
                name="%(app_label)s_%(class)s_decision_after_identified",
                violation_error_message=_("A decision cannot be made before the case was identified."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=IDENTIFIED_STATUSES) | Q(identified_on__isnull=False),
                name="%(app_label)s_%(class)s_identified_status_has_date",
                violation_error_message=_("An identified case needs its identification date."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[S.IMPLEMENTING, S.DISPOSED])
                | (Q(decision_on__isnull=False) & ~Q(disposal_method="")),
                name="%(app_label)s_%(class)s_implementing_has_decision",
                violation_error_message=_(
                    "A case under implementation needs its disposal method and decision date."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=PRE_IDENTIFICATION_STATUSES) | Q(identified_on__isnull=True),
                name="%(app_label)s_%(class)s_identified_on_only_once_identified",
                violation_error_message=_(
                    "A case in lead or investigation has no identification date: "
                    "only the supervisor's step into “identified” sets it."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status=S.DISPOSED) | Q(disposed_on__isnull=True, disposed_area_m2__isnull=True),
                name="%(app_label)s_%(class)s_disposal_figures_only_when_disposed",
                violation_error_message=_(
                    "Only a disposed case has a disposal date and disposed area: "
                    "the supervisor's step into “disposed” sets them."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=S.DISPOSED)
                | Q(disposed_on__isnull=False, disposed_area_m2__isnull=False),
                name="%(app_label)s_%(class)s_disposed_has_date_and_area",
                violation_error_message=_("A disposed case needs its disposal date and disposed area."),
            ),
            models.CheckConstraint(
                condition=Q(disposal_method="")
                | Q(category=Category.IDLE, disposal_method__in=METHODS_BY_CATEGORY[Category.IDLE])
                | Q(
                    category=Category.INEFFICIENT,
                    disposal_method__in=METHODS_BY_CATEGORY[Category.INEFFICIENT],
                ),
                name="%(app_label)s_%(class)s_method_fits_category",
                violation_error_message=_("This disposal method does not apply to this category of land."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=OPEN_STATUSES, status_before_close="")
                | Q(status__in=CLOSED_STATUSES, status_before_close__in=[*OPEN_STATUSES, ""]),
                name="%(app_label)s_%(class)s_status_before_close_valid",
            ),
            models.CheckConstraint(
                condition=~Q(number=""),
                name="%(app_label)s_%(class)s_number_given",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="%(app_label)s_%(class)s_version_positive",
            ),
            choice_constraint("category", Category),
            choice_constraint("status", Status),
            choice_constraint("idle_cause", IdleCause),
            choice_constraint("disposal_method", DisposalMethod, blank=True),
            choice_constraint("litigation", Litigation),
        ]
        indexes = [
            models.Index(fields=["status"], name="cases_case_status_idx"),
            models.Index(fields=["identified_on"], name="cases_case_identified_idx"),
            models.Index(fields=["disposed_on"], name="cases_case_disposed_idx"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("new case"))

    def save(self, *args, **kwargs) -> None:
        # The two checks that span tables cannot be CHECK constraints; they hold on every save.
        self.validate_case_area()
        park = self.parcel.park
        with transaction.atomic():
            if not self.number:
                sequence = CaseNumberSequence.objects.take_next(park=park, year=self.opened_on.year)
                self.number = f"{park.code}-{self.opened_on.year}-{sequence:03d}"
            elif self._state.adding and (parsed := parse_case_number(self.number)) and parsed[0] == park.code:
                # A number brought in from a ledger is never handed out again.
                CaseNumberSequence.objects.note_used(park=park, year=parsed[1], number=parsed[2])
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("case-detail", args=[self.number])

    # Rules ------------------------------------------------------------------------------------

    def validate_case_area(self) -> None:
        if self.parcel_id and self.case_area_m2 is not None and self.case_area_m2 > self.parcel.area_m2:
            raise ValidationError(
                {
                    "case_area_m2": _(
                        "The area under disposal cannot exceed the parcel's area of %(area)s m²."
                    )
                    % {"area": self.parcel.area_m2}
                }
            )

    def clean(self) -> None:
        super().clean()
        errors = self.errors_of_its_own()
        if (
            self.parcel_id
            and self.status in OPEN_STATUSES
            and type(self).objects.open().filter(parcel_id=self.parcel_id).exclude(pk=self.pk).exists()
        ):
            errors.setdefault("parcel", []).append(_("This parcel already has an open case."))
        if self.officer_id and self.parcel_id:
            role = Membership.objects.role_of(self.officer, self.parcel.park)
            if Membership.rank_of(role) < Membership.rank_of(Membership.Role.OFFICER):
                errors.setdefault("officer", []).append(
                    _("The case officer must be an officer of the parcel's park.")
                )
        if errors:
            raise ValidationError(errors)

    def errors_of_its_own(self) -> dict[str, list]:
        """The rules this case's own values break, checked without a query.

        `clean` adds the two that need other rows (one open case per parcel, the officer's role);
        a ledger import checks those against what it has loaded.
        """
        errors: dict[str, list] = {}

        def add(field: str, message) -> None:
            errors.setdefault(field, []).append(message)

        try:
            self.validate_case_area()
        except ValidationError as error:
            errors.update(error.message_dict)
        # An area of 0 or less is outside the field's plausible range (its validator says so).
        if (
            self.disposed_area_m2 is not None
            and self.case_area_m2 is not None
            and not 0 < self.disposed_area_m2 <= self.case_area_m2
        ):
            add(
                "disposed_area_m2",
                _("The disposed area must be greater than 0 and at most the area under disposal."),
            )
        if self.identified_on and self.opened_on and self.identified_on < self.opened_on:
            add("identified_on", _("A case cannot be identified before it was opened."))
        for field, message in (
            ("disposed_on", _("A case cannot be disposed of before it was identified.")),
            ("decision_on", _("A decision cannot be made before the case was identified.")),
        ):
            value = getattr(self, field)
            if value and (not self.identified_on or value < self.identified_on):
                add(field, message)
        if self.disposal_method and self.category:
            allowed = METHODS_BY_CATEGORY.get(self.category, ())
            if self.disposal_method not in allowed:
                add("disposal_method", _("This disposal method does not apply to this category of land."))
        if self.status in IDENTIFIED_STATUSES and not self.identified_on:
            add("identified_on", _("An identified case needs its identification date."))
        if self.status in (S.IMPLEMENTING, S.DISPOSED):
            if not self.disposal_method:
                add("disposal_method", _("A case under implementation needs its disposal method."))
            if not self.decision_on:
                add("decision_on", _("A case under implementation needs its decision date."))
        if self.status == S.DISPOSED:
            if not self.disposed_on:
                add("disposed_on", _("A disposed case needs its disposal date."))
            if self.disposed_area_m2 is None:
                add("disposed_area_m2", _("A disposed case needs its disposed area."))
        elif self.disposed_on or self.disposed_area_m2 is not None:
            field = "disposed_on" if self.disposed_on else "disposed_area_m2"
            add(field, _("Only a disposed case has a disposal date and disposed area."))
        if self.status in PRE_IDENTIFICATION_STATUSES and self.identified_on:
            add("identified_on", _("A case in lead or investigation has no identification date yet."))
        return errors

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def case_area_mu(self) -> Decimal | None:
        return m2_to_mu(self.case_area_m2)

    @property
    def disposed_area_mu(self) -> Decimal | None:
        return m2_to_mu(self.disposed_area_m2)

    def flags(self) -> list[tuple[ProblemFlag, str]]:
        """The problem flags raised on this case, each with its note."""
        return [
            (flag, getattr(self, f"{flag.value}_note")) for flag in ProblemFlag if getattr(self, flag.value)
        ]

    # Workflow ---------------------------------------------------------------------------------

    def transitions_from_here(self) -> list[Transition]:
        """The steps the table allows from the current status (a reopen only to where it came from)."""
        return [
            t
            for t in TRANSITIONS
            if t.source == self.status and (t.kind != "reopen" or self._reopen_target() == t.target)
        ]

    def transitions_for(self, user) -> list[Transition]:
        """The steps `user` may make on this case now, by the table and by their role in its park."""
        rank = Membership.rank_of(Membership.objects.role_of(user, self.parcel.park))
        return [t for t in self.transitions_from_here() if rank >= Membership.rank_of(t.role)]

    def _reopen_target(self) -> str:
        # A closed case imported without its earlier status goes back to the first step that fits.
        if self.status == S.DISPOSED:
            return self.status_before_close or S.IMPLEMENTING
        return self.status_before_close or S.LEAD

    def evidence_checklist(self, status: str) -> list[tuple[EvidenceRequirement, bool]]:
        return EvidenceRequirement.objects.checklist(self, status)

    def save_versioned(self, *, by, expected_version: int | None = None) -> None:
        """Save an edit unless someone else saved the case since `expected_version` was read."""
        expected = self.version if expected_version is None else expected_version
        with transaction.atomic():
            updated = type(self).objects.filter(pk=self.pk, version=expected).update(version=F("version") + 1)
            if not updated:
                raise StaleVersion(
                    _("Someone else saved case %(number)s meanwhile; reload it and make your change again.")
                    % {"number": self.number}
                )
            self.version = expected + 1
            self.updated_by = by
            self._history_user = by
            self.save()

    save_versioned.alters_data = True

    def transition_to(
        self,
        new_status: str,
        *,
        by,
        reason: str = "",
        override_reason: str = "",
        on: date | None = None,
        identified_on: date | None = None,
        disposed_on: date | None = None,
        disposed_area_m2: Decimal | None = None,
    ) -> CaseEvent:
        """Move the case to `new_status` as `by`, after the table, role, figure and evidence guards.

        The figures the disposal rate counts travel with their step and nowhere else: the step into
        `identified` takes `identified_on` (default today), the step into `disposed` takes
        `disposed_on` (default today) and `disposed_area_m2` (default the case area). Saves the
        status, a timeline event and a history record in one transaction; raises a TransitionError
        subclass with the user's messages, changing nothing, when a guard fails.
        """
        transition = next((t for t in self.transitions_from_here() if t.target == new_status), None)
        if transition is None:
            raise TransitionNotAllowed(
                _("A case cannot move from “%(source)s” to “%(target)s”.")
                % {"source": self.get_status_display(), "target": _status_label(new_status)}
            )
        rank = Membership.rank_of(Membership.objects.role_of(by, self.parcel.park))
        if rank < Membership.rank_of(transition.role):
            raise TransitionForbidden(
                _("Moving a case to “%(target)s” needs the role of %(role)s.")
                % {"target": _status_label(new_status), "role": Membership.Role(transition.role).label}
            )
        reason, override_reason = reason.strip(), override_reason.strip()
        figures = StepFigures.for_step(
            self,
            transition,
            identified_on=identified_on,
            disposed_on=disposed_on,
            disposed_area_m2=disposed_area_m2,
        )
        problems = list(figures.problems)
        if transition.needs_reason and not reason:
            problems.insert(0, _("Give a reason for this step."))
        problems += self._missing_dates(new_status)
        missing = (
            EvidenceRequirement.objects.missing_for(self, new_status) if transition.kind == "forward" else []
        )
        evidence_messages = [
            _("Missing evidence: %(document)s.") % {"document": requirement} for requirement in missing
        ]
        # Everything that stops the step is said at once, not one refusal at a time.
        if problems:
            raise GuardFailed(*problems, *([] if override_reason else evidence_messages))
        if missing and not override_reason:
            raise MissingEvidence(*evidence_messages, missing=missing)
        if missing and rank < Membership.rank_of(Membership.Role.SUPERVISOR):
            raise TransitionForbidden(_("Only a supervisor may let a case move on with evidence missing."))
        if not missing:
            override_reason = ""

        old_status = self.status
        snapshot = {field: getattr(self, field) for field in _TRANSITION_FIELDS}
        snapshot_version = self.version
        self._apply_transition(transition, figures)
        try:
            self.full_clean()
        except ValidationError as error:
            for field, value in snapshot.items():
                setattr(self, field, value)
            raise GuardFailed(*error.messages) from error

        self._change_reason = f"{_status_change_title(old_status, new_status)} {reason}".strip()[:100]
        try:
            with transaction.atomic():
                self.save_versioned(by=by)
                event = self.events.create(
                    kind=CaseEvent.Kind.STATUS_CHANGE,
                    occurred_on=on or figures.step_date or timezone.localdate(),
                    title=_status_change_title(old_status, new_status),
                    details="\n".join(filter(None, [figures.summary(), reason])),
                    actor=by,
                    from_status=old_status,
                    to_status=new_status,
                    override_reason=override_reason,
                )
        except BaseException:
            # The database rolled back; the object in memory goes back with it.
            for field, value in snapshot.items():
                setattr(self, field, value)
            self.version = snapshot_version
            raise
        return event

    transition_to.alters_data = True

    def _missing_dates(self, new_status: str) -> list:
        messages = []
        if new_status == S.IMPLEMENTING:
            if not self.disposal_method:
                messages.append(_("Choose the disposal method before implementation starts."))
            if not self.decision_on:
                messages.append(_("Enter the decision date before implementation starts."))
        return messages

    def _apply_transition(self, transition: Transition, figures: "StepFigures") -> None:
        if transition.kind == "reopen":
            if self.status == S.DISPOSED:
                # A disposal reversed: the old date would otherwise take the case out of the register.
                self.disposed_on = None
                self.disposed_area_m2 = None
            self.status_before_close = ""
        elif transition.target in CLOSED_STATUSES:
            self.status_before_close = self.status
        if transition.target in PRE_IDENTIFICATION_STATUSES and self.identified_on:
            # Out of the register again: the identification (and any decision after it) is undone;
            # the history keeps the old values.
            self.identified_on = None
            self.decision_on = None
        if transition.target == S.IDENTIFIED and transition.kind == "forward":
            self.identified_on = figures.identified_on
        if transition.target == S.DISPOSED:
            self.disposed_on = figures.disposed_on
            self.disposed_area_m2 = figures.disposed_area_m2
        self.status = transition.target


# The figures the disposal rate counts: written only by the workflow's steps, a ledger import or a
# park administrator's reopening, never by a form (DESIGN.md §3).
RATE_FIELDS = ("identified_on", "disposed_on", "disposed_area_m2")

# What the staff case form and the admin may change by hand.
HAND_EDITED_FIELDS = (
    "parcel",
    "category",
    "idle_cause",
    "case_area_m2",
    "officer",
    "opened_on",
    "disposal_method",
    "decision_on",
    "target_on",
    *(name for flag in ProblemFlag for name in (flag.value, f"{flag.value}_note")),
    "litigation",
    "summary",
)

# The fields a transition may change, restored in memory when it fails.
_TRANSITION_FIELDS = (
    "status",
    "status_before_close",
    "identified_on",
    "decision_on",
    "disposed_on",
    "disposed_area_m2",
)


@dataclass
class StepFigures:
    """The rate's figures a step carries (认定日期; 处置完成日期, 已处置面积) and what is wrong with them."""

    identified_on: date | None = None
    disposed_on: date | None = None
    disposed_area_m2: Decimal | None = None
    problems: tuple = ()

    @property
    def step_date(self) -> date | None:
        return self.identified_on or self.disposed_on

    def summary(self) -> str:
        with translation.override(settings.LANGUAGE_CODE):
            if self.identified_on:
                return str(_("Identified on %(date)s.") % {"date": self.identified_on.isoformat()})
            if self.disposed_on:
                return str(
                    _("Disposed on %(date)s, %(area)s m².")
                    % {"date": self.disposed_on.isoformat(), "area": f"{self.disposed_area_m2:,}"}
                )
        return ""

    @classmethod
    def for_step(
        cls,
        case: "DisposalCase",
        transition: Transition,
        *,
        identified_on: date | None,
        disposed_on: date | None,
        disposed_area_m2: Decimal | None,
    ) -> "StepFigures":
        today = timezone.localdate()
        problems = []
        takes_identification = transition.target == S.IDENTIFIED and transition.kind == "forward"
        takes_disposal = transition.target == S.DISPOSED
        if (identified_on and not takes_identification) or (
            (disposed_on or disposed_area_m2 is not None) and not takes_disposal
        ):
            problems.append(
                _("Only the step into “identified” or “disposed” takes the rate's dates and areas.")
            )
            return cls(problems=tuple(problems))
        if takes_identification:
            identified_on = identified_on or today
            if identified_on > today:
                problems.append(
                    _("The identification date %(date)s is in the future.")
                    % {"date": identified_on.isoformat()}
                )
            if case.opened_on and identified_on < case.opened_on:
                problems.append(
                    _("The identification date %(date)s is before the case was opened on %(opened)s.")
                    % {"date": identified_on.isoformat(), "opened": case.opened_on.isoformat()}
                )
            return cls(identified_on=identified_on, problems=tuple(problems))
        if takes_disposal:
            disposed_on = disposed_on or today
            area = case.case_area_m2 if disposed_area_m2 is None else disposed_area_m2
            if disposed_on > today:
                problems.append(
                    _("The disposal date %(date)s is in the future.") % {"date": disposed_on.isoformat()}
                )
            if case.identified_on and disposed_on < case.identified_on:
                problems.append(
                    _("The disposal date %(date)s is before the case was identified on %(identified)s.")
                    % {"date": disposed_on.isoformat(), "identified": case.identified_on.isoformat()}
                )
            if area is not None and not 0 < area <= case.case_area_m2:
                problems.append(
                    _(
                        "The disposed area of %(area)s m² must be greater than 0 "
                        "and at most the %(case)s m² under disposal."
                    )
                    % {"area": f"{area:,}", "case": f"{case.case_area_m2:,}"}
                )
            return cls(disposed_on=disposed_on, disposed_area_m2=area, problems=tuple(problems))
        return cls()


def _status_label(code: str) -> str:
    return str(Status(code).label) if code in Status.values else code


def _status_change_title(old: str, new: str) -> str:
    # Stored in the park's working language; pages show statuses from the codes beside it.
    with translation.override(settings.LANGUAGE_CODE):
        return f"{_status_label(old)} → {_status_label(new)}"
