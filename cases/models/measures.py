"""Revitalisation (盘活): typed measures beside a case, their steps and their record on the timeline."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..validators import PastDateValidator, PlausibleNumberValidator
from .base import MONEY, choice_constraint

# Partners have their own module; they are imported from here too.
from .partners import Partner, PartnerKind  # noqa: F401

PERCENT = {"max_digits": 5, "decimal_places": 2}


class MeasureMethod(models.TextChoices):
    LOAN = "loan", _("financing loan")
    EQUITY_ACQUISITION = "equity_acquisition", _("equity acquisition")
    JOINT_DEVELOPMENT = "joint_development", _("joint development")
    OTHER = "other", _("other")


class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    NEGOTIATING = "negotiating", _("negotiating")
    AGREED = "agreed", _("agreed")
    COMPLETED = "completed", _("completed")
    ABANDONED = "abandoned", _("abandoned")


# proposed → negotiating → agreed → completed; any step before completion may be abandoned.
MEASURE_STEPS = {
    MeasureStatus.PROPOSED: (MeasureStatus.NEGOTIATING, MeasureStatus.ABANDONED),
    MeasureStatus.NEGOTIATING: (MeasureStatus.AGREED, MeasureStatus.ABANDONED),
    MeasureStatus.AGREED: (MeasureStatus.COMPLETED, MeasureStatus.ABANDONED),
    MeasureStatus.COMPLETED: (),
    MeasureStatus.ABANDONED: (),
}
AGREED_OR_LATER = (MeasureStatus.AGREED, MeasureStatus.COMPLETED)
MEASURE_PATH = [
    MeasureStatus.PROPOSED,
    MeasureStatus.NEGOTIATING,
    MeasureStatus.AGREED,
    MeasureStatus.COMPLETED,
]


class MeasureQuerySet(models.QuerySet):
    """The money of measures: proposed, agreed and completed, in 10k yuan."""

    def money(self) -> dict:
        """The money of these measures: still proposed or negotiating, agreed, completed."""
        return self.order_by().aggregate(
            proposed=Coalesce(
                Sum("amount_wan", filter=~Q(status__in=[*AGREED_OR_LATER, MeasureStatus.ABANDONED])),
                Decimal(0),
            ),
            agreed=Coalesce(Sum("amount_wan", filter=Q(status=MeasureStatus.AGREED)), Decimal(0)),
            completed=Coalesce(Sum("amount_wan", filter=Q(status=MeasureStatus.COMPLETED)), Decimal(0)),
        )

    def money_by_method(self, year: int) -> list[dict]:
        """Each method's money agreed in `year` (agreed or since completed) and completed in `year`."""
        money = {
            row["method"]: row
            for row in self.order_by()
            .values("method")
            .annotate(
                agreed=Sum("amount_wan", filter=Q(status__in=AGREED_OR_LATER, agreed_on__year=year)),
                completed=Sum(
                    "amount_wan", filter=Q(status=MeasureStatus.COMPLETED, concluded_on__year=year)
                ),
            )
        }
        return [
            {
                "method": method,
                "agreed": money.get(method, {}).get("agreed") or 0,
                "completed": money.get(method, {}).get("completed") or 0,
            }
            for method in MeasureMethod
        ]

    def by_method(self) -> list[dict]:
        """Count, agreed and completed money per method used, each with its label."""
        rows = (
            self.order_by()
            .values("method")
            .annotate(
                count=Count("pk"),
                agreed=Coalesce(Sum("amount_wan", filter=Q(status=MeasureStatus.AGREED)), Decimal(0)),
                completed=Coalesce(Sum("amount_wan", filter=Q(status=MeasureStatus.COMPLETED)), Decimal(0)),
            )
            .order_by("method")
        )
        labels = dict(MeasureMethod.choices)
        return [{**row, "label": labels.get(row["method"], row["method"])} for row in rows]


class RevitalisationMeasure(models.Model):
    """A loan, equity acquisition, joint development or other measure to put the land back to use.

    `amount_wan` is the money of the measure: the loan, the consideration for the shares, or the
    planned investment of a joint development.
    """

    Method = MeasureMethod
    MeasureStatus = MeasureStatus

    case = models.ForeignKey(
        "cases.DisposalCase",
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("case"),
    )
    method = models.CharField(_("method"), max_length=30, choices=MeasureMethod.choices)
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("partner"),
        help_text=_("The lender, the acquirer or the development partner."),
    )
    amount_wan = models.DecimalField(
        _("amount (10k yuan)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("amount (10k yuan)"), "money")],
        help_text=_("Loan amount, consideration for the shares, or planned investment."),
    )
    # Loan
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"),
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("term (months)"), "term_months")],
    )
    interest_rate_pct = models.DecimalField(
        _("interest rate (% a year)"),
        **PERCENT,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("interest rate (% a year)"), "interest_rate")],
    )
    interest_subsidy_wan = models.DecimalField(
        _("interest subsidy (10k yuan)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("interest subsidy (10k yuan)"), "money")],
    )
    collateral_parcel = models.ForeignKey(
        "cases.LandParcel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collateral parcel"),
    )
    drawn_on = models.DateField(
        _("drawn on"), null=True, blank=True, validators=[PastDateValidator(_("drawn on"))]
    )
    # Equity acquisition
    equity_share_pct = models.DecimalField(
        _("share acquired (%)"),
        **PERCENT,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("share acquired (%)"), "percentage")],
    )
    registered_on = models.DateField(
        _("change registered on"),
        null=True,
        blank=True,
        validators=[PastDateValidator(_("change registered on"))],
    )
    # Joint development
    project_name = models.CharField(_("project name"), max_length=200, blank=True)
    partner_share_pct = models.DecimalField(
        _("partner's share (%)"),
        **PERCENT,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("partner's share (%)"), "percentage")],
    )
    holder_share_pct = models.DecimalField(
        _("land user's share (%)"),
        **PERCENT,
        null=True,
        blank=True,
        validators=[PlausibleNumberValidator(_("land user's share (%)"), "percentage")],
    )
    contract_signed_on = models.DateField(
        _("contract signed on"),
        null=True,
        blank=True,
        validators=[PastDateValidator(_("contract signed on"))],
    )
    # Every method
    status = models.CharField(
        _("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.PROPOSED
    )
    started_on = models.DateField(
        _("started on"), null=True, blank=True, validators=[PastDateValidator(_("started on"))]
    )
    agreed_on = models.DateField(
        _("agreed on"), null=True, blank=True, validators=[PastDateValidator(_("agreed on"))]
    )
    concluded_on = models.DateField(
        _("concluded on"), null=True, blank=True, validators=[PastDateValidator(_("concluded on"))]
    )
    abandon_reason = models.TextField(_("reason for abandoning"), blank=True)
    notes = models.TextField(_("description and notes"), blank=True)

    history = HistoricalRecords()

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("revitalisation measure")
        verbose_name_plural = _("revitalisation measures")
        ordering = ["case", "-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(amount_wan__isnull=True) | Q(amount_wan__gte=0))
                & (Q(interest_rate_pct__isnull=True) | Q(interest_rate_pct__gte=0))
                & (Q(interest_subsidy_wan__isnull=True) | Q(interest_subsidy_wan__gte=0))
                & (Q(term_months__isnull=True) | Q(term_months__gt=0)),
                name="%(app_label)s_%(class)s_figures_valid",
                violation_error_message=_(
                    "Amounts and rates cannot be negative, and a term is at least a month."
                ),
            ),
            models.CheckConstraint(
                condition=Q(method="loan")
                | Q(
                    term_months__isnull=True,
                    interest_rate_pct__isnull=True,
                    interest_subsidy_wan__isnull=True,
                    collateral_parcel__isnull=True,
                    drawn_on__isnull=True,
                ),
                name="%(app_label)s_%(class)s_loan_fields_only_on_loans",
                violation_error_message=_(
                    "Term, interest, subsidy, collateral and drawing belong to a loan."
                ),
            ),
            models.CheckConstraint(
                condition=Q(equity_share_pct__isnull=True)
                | Q(method="equity_acquisition", equity_share_pct__gt=0, equity_share_pct__lte=100),
                name="%(app_label)s_%(class)s_equity_share_valid",
                violation_error_message=_(
                    "A share acquired is given only for an equity acquisition, above 0 and at most 100%%."
                ),
            ),
            models.CheckConstraint(
                condition=Q(method="equity_acquisition") | Q(registered_on__isnull=True),
                name="%(app_label)s_%(class)s_registration_only_on_equity",
                violation_error_message=_("A change registration belongs to an equity acquisition."),
            ),
            models.CheckConstraint(
                condition=Q(method="joint_development")
                | Q(partner_share_pct__isnull=True, holder_share_pct__isnull=True),
                name="%(app_label)s_%(class)s_shares_only_on_joint_development",
                violation_error_message=_("Each side's share belongs to a joint development."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(partner_share_pct__isnull=True)
                    | Q(partner_share_pct__gte=0, partner_share_pct__lte=100)
                )
                & (Q(holder_share_pct__isnull=True) | Q(holder_share_pct__gte=0, holder_share_pct__lte=100))
                & (
                    Q(partner_share_pct__isnull=True)
                    | Q(holder_share_pct__isnull=True)
                    | Q(partner_share_pct__lte=100 - F("holder_share_pct"))
                ),
                name="%(app_label)s_%(class)s_shares_within_whole",
                violation_error_message=_(
                    "The two sides' shares lie between 0 and 100%% and add up to at most 100%%."
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
            models.CheckConstraint(
                condition=~Q(status="abandoned") | ~Q(abandon_reason=""),
                name="%(app_label)s_%(class)s_abandoned_has_reason",
                violation_error_message=_("An abandoned measure records why."),
            ),
            models.CheckConstraint(
                condition=Q(method="other") | Q(partner__isnull=False),
                name="%(app_label)s_%(class)s_partner_given",
                violation_error_message=_(
                    "A loan, equity acquisition or joint development names its partner."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(method="other") | ~Q(notes=""),
                name="%(app_label)s_%(class)s_other_described",
                violation_error_message=_("A measure of another kind is described."),
            ),
            models.CheckConstraint(
                condition=~Q(method="joint_development") | ~Q(project_name=""),
                name="%(app_label)s_%(class)s_joint_development_named",
                violation_error_message=_("A joint development names its project."),
            ),
            models.CheckConstraint(
                condition=~Q(method="loan", status__in=AGREED_OR_LATER)
                | Q(amount_wan__isnull=False, term_months__isnull=False),
                name="%(app_label)s_%(class)s_agreed_loan_complete",
                violation_error_message=_("An agreed loan states its amount and term."),
            ),
            models.CheckConstraint(
                condition=~Q(method="equity_acquisition", status__in=AGREED_OR_LATER)
                | Q(equity_share_pct__isnull=False),
                name="%(app_label)s_%(class)s_agreed_acquisition_complete",
                violation_error_message=_("An agreed equity acquisition states the share acquired."),
            ),
            choice_constraint("method", MeasureMethod),
            choice_constraint("status", MeasureStatus),
        ]

    def __str__(self) -> str:
        partner = self.partner.name if self.partner_id else ""
        return f"{self.get_method_display()} {partner}".strip()

    def get_absolute_url(self) -> str:
        return reverse("measure-detail", args=[self.pk])

    def record(self, *, by):
        """Save the measure and put its creation, or what changed, on the case's timeline, atomically.

        Nothing is saved or written when an edit changes nothing; the event is returned, else None.
        """
        from .events import CaseEvent

        created = self.pk is None
        # Stored in the working language, as the other texts the system writes into the record.
        with translation.override(settings.LANGUAGE_CODE):
            changes = [] if created else self._changes_since_saved()
            if not created and not changes:
                return None
            template = _("Measure recorded: %(measure)s") if created else _("Measure changed: %(measure)s")
            title = str(template % {"measure": self})
            details = "\n".join(f"{label}：{old} → {new}" for label, old, new in changes)
        with transaction.atomic():
            self._history_user = by
            self.save()
            return self.case.events.create(
                kind=CaseEvent.Kind.MEASURE,
                occurred_on=timezone.localdate(),
                title=title[:200],
                title_code="measure_recorded" if created else "measure_changed",
                title_params=self._wording_params(),
                details=details,
                actor=by,
                measure=self,
            )

    record.alters_data = True

    def _wording_params(self) -> dict:
        """The measure as its timeline events name it, in the reader's language (models/wording.py)."""
        return {"method": self.method, "partner": self.partner.name if self.partner_id else ""}

    def _changes_since_saved(self) -> list[tuple[str, str, str]]:
        """(label, old, new) of each field that differs from the saved row, in the active language."""
        saved = type(self).objects.select_related("partner", "collateral_parcel").get(pk=self.pk)
        changes = []
        for field in self._meta.concrete_fields:
            if field.name in ("id", "case") or getattr(saved, field.attname) == getattr(self, field.attname):
                continue
            changes.append((str(field.verbose_name), _shown(saved, field), _shown(self, field)))
        return changes

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}

        def add(field: str, message) -> None:
            errors.setdefault(field, []).append(message)

        method, agreed = self.method, self.status in AGREED_OR_LATER
        if method != MeasureMethod.OTHER and not self.partner_id:
            add("partner", _("Choose the partner (lender, acquirer or development partner)."))
        self._loan_and_equity_errors(add, agreed)
        if self.equity_share_pct is not None and not 0 < self.equity_share_pct <= 100:
            add("equity_share_pct", _("A share lies above 0 and at most 100%."))
        self._joint_development_errors(add)
        if method == MeasureMethod.OTHER and not self.notes.strip():
            add("notes", _("Describe the measure."))
        if (
            self.collateral_parcel_id
            and self.case_id
            and self.collateral_parcel.park_id != self.case.parcel.park_id
        ):
            add("collateral_parcel", _("The collateral must be a parcel of the case's park."))
        if self.partner_id and self.case_id and self.partner.park_id != self.case.parcel.park_id:
            add("partner", _("The partner must be registered in the case's park."))
        if self.status in (MeasureStatus.COMPLETED, MeasureStatus.ABANDONED) and not self.concluded_on:
            add("concluded_on", _("Give the date the measure was completed or abandoned."))
        if self.started_on and self.concluded_on and self.concluded_on < self.started_on:
            add("concluded_on", _("A measure cannot conclude before it started."))
        if self.status == MeasureStatus.ABANDONED and not self.abandon_reason.strip():
            add("abandon_reason", _("Say why the measure was abandoned."))
        if errors:
            raise ValidationError(errors)

    def _joint_development_errors(self, add) -> None:
        """A joint development names its project and its shares fit in the whole; no other has shares."""
        if self.method == MeasureMethod.JOINT_DEVELOPMENT:
            if not self.project_name.strip():
                add("project_name", _("Name the joint development project."))
            shares = [s for s in (self.partner_share_pct, self.holder_share_pct) if s is not None]
            if sum(shares, Decimal(0)) > 100:
                add("holder_share_pct", _("The two sides' shares add up to more than 100%."))
        else:
            for name in ("partner_share_pct", "holder_share_pct"):
                if getattr(self, name) is not None:
                    add(name, _("Only a joint development has this."))

    def _loan_and_equity_errors(self, add, agreed: bool) -> None:
        """What only a loan or only an equity acquisition carries, and what each needs once agreed."""
        method = self.method
        if method == MeasureMethod.LOAN:
            if agreed and self.amount_wan is None:
                add("amount_wan", _("An agreed loan needs its amount."))
            if agreed and not self.term_months:
                add("term_months", _("An agreed loan needs its term."))
        else:
            for name in (
                "term_months",
                "interest_rate_pct",
                "interest_subsidy_wan",
                "collateral_parcel",
                "drawn_on",
            ):
                if getattr(self, name) not in (None, ""):
                    add(name, _("Only a loan has this."))
        if method == MeasureMethod.EQUITY_ACQUISITION:
            if agreed and self.equity_share_pct is None:
                add("equity_share_pct", _("An agreed equity acquisition needs the share acquired."))
        else:
            for name in ("equity_share_pct", "registered_on"):
                if getattr(self, name) is not None:
                    add(name, _("Only an equity acquisition has this."))

    def path(self) -> list[dict]:
        """The way from proposed to completed, each status with its date where one is kept, whether
        the measure reached it, and which it is at (an abandoned measure ends where it stopped)."""
        dates = {
            MeasureStatus.NEGOTIATING: self.started_on,
            MeasureStatus.AGREED: self.agreed_on,
            MeasureStatus.COMPLETED: self.concluded_on if self.status == MeasureStatus.COMPLETED else None,
        }
        order = MEASURE_PATH
        if self.status == MeasureStatus.ABANDONED:
            # Where it stopped: agreed if it was ever agreed, else no further than the proposal.
            reached_up_to = order.index(MeasureStatus.AGREED) if self.agreed_on else 0
        else:
            reached_up_to = order.index(self.status)
        path = [
            {
                "status": status,
                "label": status.label,
                "on": dates.get(status),
                "reached": index <= reached_up_to,
                "current": status == self.status,
            }
            for index, status in enumerate(order)
        ]
        if self.status == MeasureStatus.ABANDONED:
            path.append(
                {
                    "status": MeasureStatus.ABANDONED,
                    "label": MeasureStatus.ABANDONED.label,
                    "on": self.concluded_on,
                    "reached": True,
                    "current": True,
                }
            )
        return path

    def next_steps(self) -> tuple[str, ...]:
        return MEASURE_STEPS[self.status]

    def next_step_choices(self) -> list[tuple[str, str]]:
        return [(step.value, step.label) for step in MEASURE_STEPS[self.status]]

    def advance(self, to: str, *, by, on: date | None = None, reason: str = ""):
        """Move the measure one step on (or abandon it) and write the step on the case's timeline."""
        from .events import CaseEvent

        if to not in self.next_steps():
            raise ValidationError(
                _("A measure cannot go from “%(from)s” to “%(to)s”.")
                % {
                    "from": self.get_status_display(),
                    "to": MeasureStatus(to).label if to in MeasureStatus.values else to,
                }
            )
        on = on or timezone.localdate()
        opened_on = self.case.opened_on
        if opened_on and on < opened_on:
            # The step goes onto the case's timeline, which cannot begin before the case.
            raise ValidationError(
                _(
                    "The date %(date)s is before the case was opened on %(opened)s; "
                    "an event of the case cannot come before it."
                )
                % {"date": on.isoformat(), "opened": opened_on.isoformat()}
            )
        previous, previous_code = self.get_status_display(), self.status
        self.status = to
        if to == MeasureStatus.NEGOTIATING and not self.started_on:
            self.started_on = on
        if to == MeasureStatus.AGREED:
            self.agreed_on = on
        if to in (MeasureStatus.COMPLETED, MeasureStatus.ABANDONED):
            self.concluded_on = on
        if to == MeasureStatus.ABANDONED:
            self.abandon_reason = reason.strip()
        self.full_clean()
        with transaction.atomic():
            self._history_user = by
            self.save()
            return self.case.events.create(
                kind=CaseEvent.Kind.MEASURE,
                occurred_on=on,
                title=f"{self}: {previous} → {self.get_status_display()}"[:200],
                title_code="measure_step",
                title_params=self._wording_params() | {"measure_from": previous_code, "measure_to": to},
                details=reason.strip(),
                actor=by,
                measure=self,
            )

    advance.alters_data = True


def _shown(measure: RevitalisationMeasure, field: models.Field) -> str:
    """A field's value as the timeline writes it: a choice's label, a record's name, a date, or "—"."""
    value = getattr(measure, field.attname)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return str(getattr(measure, field.name))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
