"""The case's timeline (办理记录): what was done, when, and the clocks it starts."""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from ..validators import PastDateValidator, PlannedDateValidator
from .base import choice_constraint
from .choices import OPEN_STATUSES, Status
from .wording import SystemText, in_words, step_figures_in_words


class EventKind(models.TextChoices):
    SITE_INSPECTION = "site_inspection", _("site inspection")
    NOTICE_SERVED = "notice_served", _("notice served")
    ENTERPRISE_REPLY = "enterprise_reply", _("enterprise reply")
    MEETING = "meeting", _("meeting")
    HEARING = "hearing", _("hearing")
    HEARING_NOTICE_SERVED = "hearing_notice_served", _("hearing notice served")
    DECISION_ISSUED = "decision_issued", _("decision served")
    PAYMENT = "payment", _("payment")
    LAND_RECOVERED = "land_recovered", _("land recovered")
    REVIEW_FILED = "review_filed", _("administrative review filed")
    LAWSUIT_FILED = "lawsuit_filed", _("administrative lawsuit filed")
    REMINDER_SERVED = "reminder_served", _("reminder to comply served")
    ENFORCEMENT_APPLIED = "enforcement_applied", _("court enforcement applied for")
    MEASURE = "measure", _("revitalisation measure")
    STATUS_CHANGE = "status_change", _("status change")
    OTHER = "other", _("other")


class CaseEventQuerySet(models.QuerySet):
    def open_deadlines(self):
        """Deadlines not yet met, on cases still open."""
        return self.filter(due_on__isnull=False, due_met_on__isnull=True, case__status__in=OPEN_STATUSES)

    def overdue(self, today: date):
        return self.open_deadlines().filter(due_on__lt=today)

    def due_within(self, today: date, days: int):
        return self.open_deadlines().filter(due_on__gte=today, due_on__lte=today + timedelta(days=days))

    def record_inspection(
        self,
        *,
        case,
        key: uuid.UUID,
        on: date,
        people_present: str,
        note: str,
        photos: list,
        by,
        ip_address: str | None = None,
    ) -> tuple["CaseEvent", bool]:
        """A site inspection: one timeline event and each photo an evidence document of it, all or none.

        `key` is the form's: sent again (a retried upload), it finds the inspection already made,
        which comes back with False. `photos` are CheckedUpload with their EXIF facts in `extra`.
        """
        from .evidence import DocType, EvidenceDocument

        if existing := self.filter(case=case, submission_key=key).first():
            return existing, False
        with translation.override(settings.LANGUAGE_CODE):
            title = ngettext(
                "Site inspection, %(count)d photo", "Site inspection, %(count)d photos", len(photos)
            ) % {"count": len(photos)}
            photo_title = str(_("Site inspection photo %(date)s") % {"date": on.isoformat()})
        event = self.model(
            case=case,
            kind=EventKind.SITE_INSPECTION,
            occurred_on=on,
            title=title,
            title_code=SystemText.INSPECTION,
            title_params={"count": len(photos)},
            details=note.strip(),
            people_present=people_present.strip(),
            submission_key=key,
            actor=by,
        )
        event.full_clean(exclude=["case"])
        try:
            with transaction.atomic():
                event._history_user = by
                event.save()
                EvidenceDocument.objects.store(
                    case=case,
                    uploads=photos,
                    by=by,
                    ip_address=ip_address,
                    title=photo_title,
                    doc_type=DocType.SITE_INSPECTION,
                    obtained_on=on,
                    inspection=event,
                )
        except IntegrityError:
            # The same form sent twice at once: the other request made the inspection.
            if existing := self.filter(case=case, submission_key=key).first():
                return existing, False
            raise
        return event, True

    record_inspection.alters_data = True


class CaseEvent(models.Model):
    Kind = EventKind

    case = models.ForeignKey(
        "cases.DisposalCase",
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("case"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    occurred_on = models.DateField(_("date"), validators=[PastDateValidator(_("date"))])
    title = models.CharField(_("title"), max_length=200)
    # A title the system wrote, as its code and parameters, shown in the reader's language
    # (wording.py); empty for a title a person typed. `title` keeps the working language's words.
    title_code = models.CharField(_("system title"), max_length=40, blank=True, choices=SystemText.choices)
    title_params = models.JSONField(_("system title parameters"), default=dict, blank=True)
    details = models.TextField(_("details"), blank=True)
    due_on = models.DateField(
        _("response due"),
        null=True,
        blank=True,
        validators=[PlannedDateValidator(_("response due"))],
        help_text=_("The deadline this event opens, if any."),
    )
    due_met_on = models.DateField(
        _("deadline met on"),
        null=True,
        blank=True,
        validators=[PastDateValidator(_("deadline met on"))],
        help_text=_("When the reply, payment or other answer to this deadline came in."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    evidence = models.ForeignKey(
        "cases.EvidenceDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("evidence document"),
    )
    from_status = models.CharField(_("from status"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=Status.choices, blank=True)
    override_reason = models.TextField(
        _("evidence override reason"),
        blank=True,
        help_text=_("Why a supervisor let the case move on with evidence missing."),
    )
    people_present = models.CharField(
        _("people present"),
        max_length=500,
        blank=True,
        help_text=_("Who took part in the site inspection: names and units."),
    )
    # The key of the form that recorded a site inspection: a resent upload finds the inspection
    # it already made instead of making a second one.
    submission_key = models.UUIDField(_("submission key"), null=True, blank=True, unique=True, editable=False)
    measure = models.ForeignKey(
        "cases.RevitalisationMeasure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("revitalisation measure"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = CaseEventQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["-occurred_on", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=F("occurred_on")),
                name="%(app_label)s_%(class)s_due_after_event",
                violation_error_message=_("A deadline cannot fall before the event that opens it."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="status_change") & ~Q(to_status=""))
                | (~Q(kind="status_change") & Q(from_status="", to_status="")),
                name="%(app_label)s_%(class)s_status_fields_only_on_status_change",
                violation_error_message=_("Only a status change records the statuses it moves between."),
            ),
            models.CheckConstraint(
                condition=Q(override_reason="") | Q(kind="status_change"),
                name="%(app_label)s_%(class)s_override_only_on_status_change",
                violation_error_message=_("Only a status change can carry an evidence override."),
            ),
            models.CheckConstraint(
                condition=Q(due_met_on__isnull=True)
                | (Q(due_on__isnull=False) & Q(due_met_on__gte=F("occurred_on"))),
                name="%(app_label)s_%(class)s_deadline_met_after_event",
                violation_error_message=_("A deadline can only be met on or after the event that opened it."),
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="%(app_label)s_%(class)s_title_given",
                violation_error_message=_("An event needs a title."),
            ),
            models.CheckConstraint(
                condition=Q(kind="site_inspection") | Q(people_present="", submission_key__isnull=True),
                name="%(app_label)s_%(class)s_inspection_fields_only_on_inspections",
                violation_error_message=_("Only a site inspection records the people present."),
            ),
            models.CheckConstraint(
                condition=Q(kind="measure") | Q(measure__isnull=True),
                name="%(app_label)s_%(class)s_measure_only_on_measure_events",
                violation_error_message=_("Only a revitalisation measure's event points at a measure."),
            ),
            choice_constraint("kind", EventKind),
            choice_constraint("from_status", Status, blank=True),
            choice_constraint("to_status", Status, blank=True),
            choice_constraint("title_code", SystemText, blank=True),
        ]
        indexes = [
            models.Index(fields=["case", "occurred_on"], name="cases_event_case_date_idx"),
            # The dashboard's latest evidence overrides: few rows among a city's million events.
            models.Index(
                fields=["-occurred_on", "-id"],
                condition=~Q(override_reason=""),
                name="cases_event_override_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on:%Y-%m-%d} {self.title}"

    @property
    def display_title(self) -> str:
        """The title in the reader's language when the system wrote it; as typed when a person did."""
        return in_words(self.title_code, self.title_params) or self.title

    @property
    def display_details(self) -> str:
        """The details, with the figures a step carried (stored first, in the working language) in
        the reader's language."""
        figures = step_figures_in_words(self.title_params or {})
        if not figures:
            return self.details
        rest = self.details.split("\n", 1)[1] if "\n" in self.details else ""
        return "\n".join(filter(None, [figures, rest]))

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.evidence_id and self.case_id and self.evidence.case_id != self.case_id:
            errors["evidence"] = _("The document must belong to the same case.")
        opened_on = self.case.opened_on if self.case_id else None
        if self.occurred_on and opened_on and self.occurred_on < opened_on:
            # Its clocks could not run: the deadline list would only say "cannot compute".
            errors["occurred_on"] = _(
                "The date %(date)s is before the case was opened on %(opened)s; "
                "an event of the case cannot come before it."
            ) % {"date": self.occurred_on.isoformat(), "opened": opened_on.isoformat()}
        if self.due_on and self.occurred_on and self.due_on < self.occurred_on:
            errors["due_on"] = _("A deadline cannot fall before the event that opens it.")
        if self.due_met_on and not self.due_on:
            errors["due_met_on"] = _("Only an event with a deadline can have it met.")
        elif self.due_met_on and self.occurred_on and self.due_met_on < self.occurred_on:
            errors["due_met_on"] = _("A deadline can only be met on or after the event that opened it.")
        if errors:
            raise ValidationError(errors)

    def mark_deadline_met(self, by, today: date) -> None:
        """The deadline this event opened, met today (not before the event): as the case page marks it."""
        self.due_met_on = max(today, self.occurred_on)
        self._history_user = by
        self.save(update_fields=["due_met_on"])
