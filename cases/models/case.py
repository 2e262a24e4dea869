"""The disposal case (处置案件): its fields, the rules its values keep, and its number on saving.

Its workflow is in `workflow.py`, its number in `numbers.py`, the disposal rate its queryset computes
in `rate.py`.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..exceptions import StaleVersion
from ..validators import (
    PastDateValidator,
    PlannedDateValidator,
    PlausibleNumberValidator,
    validate_case_number,
)
from .base import AREA, choice_constraint, m2_to_mu
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
from .evidence import EvidenceRequirement
from .land import LandParcel
from .numbers import CaseNumberSequence, format_case_number, parse_case_number
from .parks import Membership
from .rate import RateQuerySet
from .search import GramsField, fill_search_columns, search_cases
from .workflow import Workflow


class DisposalCaseQuerySet(RateQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def search(self, term: str):
        """Cases whose number, parcel number, location or land user contains `term` (see search.py)."""
        return search_cases(self, term)


S = Status


class DisposalCase(Workflow, models.Model):
    """A disposal case (处置案件) of one parcel: its figures, its rules and its place in the workflow."""

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
    # What the case list's search looks in, refreshed on every save (search.py).
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)
    search_grams = GramsField(_("search bigrams"), blank=True, default="", editable=False)

    objects = DisposalCaseQuerySet.as_manager()
    # A step's reason is kept whole, after the code of the step (models/wording.py).
    history = HistoricalRecords(
        excluded_fields=["search_text", "search_grams"],
        history_change_reason_field=models.TextField(null=True),
    )

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
            # The case list's default order, so its first page is read off the index.
            models.Index(fields=["-opened_on", "-number", "id"], name="cases_case_list_order_idx"),
            # The list's row count and total area, read off the index by status, category and parcel.
            models.Index(
                fields=["status", "category", "parcel"],
                include=["case_area_m2"],
                name="cases_case_totals_idx",
            ),
            # The dashboard's "my cases": an officer's open cases by target date, the first ten read
            # off the index.
            models.Index(
                fields=["officer", "target_on", "number"],
                condition=Q(status__in=OPEN_STATUSES),
                name="cases_case_officer_open_idx",
            ),
            # The radar's test that a parcel is being or has been dealt with (an open or disposed
            # case), read off the index instead of every such case.
            models.Index(
                fields=["parcel"],
                condition=Q(status__in=[*OPEN_STATUSES, Status.DISPOSED]),
                name="cases_case_handled_parcel_idx",
            ),
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
                self.number = format_case_number(park.code, self.opened_on.year, sequence)
            elif self._state.adding and (parsed := parse_case_number(self.number)) and parsed[0] == park.code:
                # A number brought in from a ledger is never handed out again.
                CaseNumberSequence.objects.note_used(park=park, year=parsed[1], number=parsed[2])
            fill_search_columns(self)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "search_grams"}
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
