"""Background jobs, the once-per-cluster schedule, and the reminders sent (docs/jobs.md)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def job_storage():
    """Job inputs and results: the private storage every app server and worker sees (no URL)."""
    return storages["private"]


class JobKind(models.TextChoices):
    LEDGER_CHECK = "ledger_check", _("ledger check (dry run)")
    LEDGER_IMPORT = "ledger_import", _("ledger import")
    LIST_EXPORT = "list_export", _("list export")
    LEDGER_EXPORT = "ledger_export", _("cases in ledger form")
    REPORT = "report", _("monthly report")
    EVIDENCE_ZIP = "evidence_zip", _("case file (zip)")
    REMINDERS = "reminders", _("deadline reminders")
    EVALUATION_RUN = "evaluation_run", _("per-mu evaluation run")


class JobState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")


class JobQuerySet(models.QuerySet):
    def visible_to(self, user) -> JobQuerySet:
        """The user's own jobs, and the jobs of the parks the user administers (superuser: all)."""
        from cases import scoping
        from cases.models import Membership

        if user.is_superuser:
            return self
        parks = scoping.parks_for(user, role=Membership.Role.PARK_ADMIN)
        return self.filter(Q(user=user) | Q(park__in=parks))

    def stalled(self, now=None) -> JobQuerySet:
        """Running jobs whose worker has not written a heartbeat within the lease."""
        now = now or timezone.now()
        limit = now - timedelta(seconds=settings.PARKLAND_JOB_LEASE_SECONDS)
        return self.filter(state=JobState.RUNNING, heartbeat_at__lt=limit)

    def expired(self, now=None) -> JobQuerySet:
        return self.filter(expires_at__lte=now or timezone.now())


LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class Job(models.Model):
    """One piece of long work: who asked, what, its state and progress, its result or why it failed."""

    kind = models.CharField(_("kind"), max_length=20, choices=JobKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        help_text=_("Empty for the scheduled work of the whole installation."),
    )
    park = models.ForeignKey(
        "cases.Park", verbose_name=_("park"), on_delete=models.CASCADE, null=True, blank=True
    )
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    title = models.CharField(_("title"), max_length=200)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0, help_text=_("0 while not yet known."))
    message = models.CharField(_("message"), max_length=200, blank=True)
    input_file = models.FileField(_("input file"), storage=job_storage, max_length=200, blank=True)
    result_file = models.FileField(_("result file"), storage=job_storage, max_length=200, blank=True)
    result_name = models.CharField(_("result file name"), max_length=200, blank=True)
    result_data = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    source = models.ForeignKey(
        "self",
        verbose_name=_("checked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
        help_text=_("The ledger check whose file this import takes."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(pgettext_lazy("job", "started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("removed after"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="job_user_recent"),
            models.Index(fields=["state", "heartbeat_at"], name="job_state_heartbeat"),
            models.Index(fields=["expires_at"], name="job_expiry"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=JobKind.values), name="job_kind_known"),
            models.CheckConstraint(
                condition=Q(source__isnull=True) | Q(kind=JobKind.LEDGER_IMPORT),
                name="job_source_only_for_import",
            ),
            models.UniqueConstraint(
                fields=["source"], condition=Q(source__isnull=False), name="job_one_import_per_check"
            ),
            models.CheckConstraint(condition=Q(state__in=JobState.values), name="job_state_known"),
            models.CheckConstraint(condition=Q(language__in=LANGUAGE_CODES), name="job_language_known"),
            models.CheckConstraint(
                condition=Q(total=0) | Q(done__lte=F("total")), name="job_done_within_total"
            ),
            models.CheckConstraint(
                condition=~Q(state=JobState.QUEUED)
                | Q(started_at__isnull=True, heartbeat_at__isnull=True, finished_at__isnull=True),
                name="job_queued_not_started",
            ),
            models.CheckConstraint(
                condition=~Q(state=JobState.RUNNING)
                | Q(started_at__isnull=False, heartbeat_at__isnull=False, finished_at__isnull=True),
                name="job_running_started_with_heartbeat",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[JobState.SUCCEEDED, JobState.FAILED])
                | Q(finished_at__isnull=False, expires_at__isnull=False),
                name="job_finished_has_end_and_expiry",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[JobState.QUEUED, JobState.RUNNING]) | Q(expires_at__isnull=True),
                name="job_unfinished_never_expires",
            ),
            models.CheckConstraint(
                condition=~Q(state=JobState.SUCCEEDED) | Q(started_at__isnull=False, error=""),
                name="job_succeeded_without_error",
            ),
            models.CheckConstraint(
                condition=~Q(state=JobState.FAILED) | ~Q(error=""), name="job_failed_says_why"
            ),
            models.CheckConstraint(
                condition=Q(result_file="") | Q(state=JobState.SUCCEEDED),
                name="job_result_only_when_succeeded",
            ),
            models.CheckConstraint(
                condition=Q(started_at__isnull=True) | Q(started_at__gte=F("created_at")),
                name="job_started_after_created",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=F("created_at")),
                name="job_finished_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in (JobState.SUCCEEDED, JobState.FAILED)

    @property
    def percent(self) -> int | None:
        """How far the job has come, 0 to 100; None while its size is unknown."""
        if self.state == JobState.SUCCEEDED:
            return 100
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)

    def may_download(self, user) -> bool:
        """The owner, a park administrator of the job's park, or a superuser."""
        if user.is_superuser or (self.user_id is not None and self.user_id == user.pk):
            return True
        if self.park_id is None:
            return False
        from cases import scoping
        from cases.models import Membership

        return scoping.has_role(user, self.park, Membership.Role.PARK_ADMIN)


class ScheduledKind(models.TextChoices):
    MONTH_START_REPORTS = "month_start_reports", _("month-start reports")
    WEEKDAY_REMINDERS = "weekday_reminders", _("weekday reminders")


class ScheduledRun(models.Model):
    """One period's run of scheduled work: the unique (kind, period) row lets only one server run it."""

    kind = models.CharField(_("kind"), max_length=30, choices=ScheduledKind.choices)
    period = models.CharField(
        _("period"), max_length=10, help_text=_("2026-11 for a month, 2026-11-30 for a day.")
    )
    started_at = models.DateTimeField(pgettext_lazy("job", "started at"), default=timezone.now)
    host = models.CharField(_("host"), max_length=200, blank=True)
    jobs = models.ManyToManyField(Job, verbose_name=_("jobs"), blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period"], name="scheduled_run_once_per_period"),
            models.CheckConstraint(
                condition=Q(kind__in=ScheduledKind.values), name="scheduled_run_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(period__regex=r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$"),
                name="scheduled_run_period_shape",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period}"


class ReminderKind(models.TextChoices):
    OVERDUE = "overdue", _("overdue deadlines")
    DUE_SOON = "due_soon", _("deadlines falling due soon")
    COMMITMENT = "commitment", _("grant commitments that warn or are breached")


class ReminderLog(models.Model):
    """One reminder sent: an officer is never reminded twice of one deadline on one day."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    subject = models.CharField(
        _("subject"), max_length=200, help_text=_("The deadline: case number, rule, event and due date.")
    )
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "kind", "subject", "sent_on"], name="reminder_once_per_officer_subject_day"
            ),
            models.CheckConstraint(condition=Q(kind__in=ReminderKind.values), name="reminder_kind_known"),
            models.CheckConstraint(condition=~Q(subject=""), name="reminder_has_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.officer} · {self.get_kind_display()} · {self.subject} · {self.sent_on}"


class ReminderOptOut(models.Model):
    """An officer who does not want e-mail reminders of one kind."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="reminder_opt_outs",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder opt-out")
        verbose_name_plural = _("reminder opt-outs")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="reminder_opt_out_once"),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminder_opt_out_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"
