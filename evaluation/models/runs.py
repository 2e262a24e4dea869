"""Evaluation runs and their results: each run is kept, with who ran it, when and the scheme it used;
a supervisor confirms a run, a park administrator publishes it, and a later published run supersedes
an earlier one without changing it (a restatement)."""

import json
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Enterprise, LandParcel, Park
from cases.models.base import AREA, MONEY, choice_constraint

from .scheme import SCORE, EvaluationScheme


class RunState(models.TextChoices):
    DRAFT = "draft", _("computed, not confirmed")
    CONFIRMED = "confirmed", _("confirmed")
    PUBLISHED = "published", _("published")
    SUPERSEDED = "superseded", _("superseded by a restatement")


class Grade(models.TextChoices):
    A = "A", _("A (encouraged)")
    B = "B", _("B (supported)")
    C = "C", _("C (improvement required)")
    D = "D", _("D (remediation required)")


class Group(models.TextChoices):
    """The classes a county publishes its results in."""

    ABOVE_SCALE = "above_scale", _("above designated size")
    SMALL_LARGE_LAND = "small_large_land", _("below designated size, land ≥ the line")
    SMALL_SMALL_LAND = "small_small_land", _("below designated size, land < the line")
    TENANT = "tenant", _("tenants without land of their own")


class RunError(Exception):
    """A run cannot take this step; the message says why, for the user."""


class EvaluationRunQuerySet(models.QuerySet):
    def record(self, evaluation, *, by=None) -> "EvaluationRun":
        """Store an evaluation (scoring.evaluate) as a new run with its results, in one transaction."""
        with transaction.atomic():
            run = self.create(
                park=evaluation.park,
                year=evaluation.year,
                scheme=evaluation.scheme,
                scheme_version=evaluation.snapshot["version"],
                scheme_snapshot=evaluation.snapshot,
                benchmarks=evaluation.benchmarks,
                enterprise_count=len(evaluation.subjects),
                inputs_sha256=evaluation.inputs_sha256,
                run_by=by,
            )
            rows = [
                {
                    "run_id": run.pk,
                    "enterprise_id": s.enterprise_id,
                    "main_parcel_id": s.main_parcel_id,
                    "parcel_ids": sorted(s.parcel_ids),
                    "group": s.group,
                    "grade": s.grade,
                    "score": s.score,
                    "land_m2": s.land_m2.quantize(Decimal("0.01"), ROUND_HALF_UP),
                    "tax_wan": s.tax_wan,
                    "indicators": s.indicators,
                    "rank": s.rank,
                }
                for s in evaluation.subjects
            ]
            if connection.vendor == "postgresql":
                _copy_results(rows)
            else:
                EvaluationResult.objects.bulk_create(
                    (EvaluationResult(**row) for row in rows), batch_size=2000
                )
        return run

    def shown_for(self, park, year: int):
        """The run a year's page shows: the published one, else the latest."""
        runs = self.filter(park=park, year=year).exclude(state=RunState.SUPERSEDED)
        return runs.filter(state=RunState.PUBLISHED).first() or runs.order_by("-run_at", "-id").first()


def _copy_results(rows: list[dict]) -> None:
    """Results written with PostgreSQL's COPY: a county's thousands of enterprises in a fraction of the
    time of an INSERT, in the run's transaction (the table's constraints are checked as for an INSERT)."""
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    table = connection.ops.quote_name(EvaluationResult._meta.db_table)
    json_columns = {"parcel_ids", "indicators"}
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [json.dumps(row[c], ensure_ascii=False) if c in json_columns else row[c] for c in columns]
            )


class EvaluationRun(models.Model):
    park = models.ForeignKey(
        Park, on_delete=models.PROTECT, related_name="evaluation_runs", verbose_name=_("park")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    scheme = models.ForeignKey(
        EvaluationScheme, on_delete=models.PROTECT, related_name="runs", verbose_name=_("scheme")
    )
    scheme_version = models.PositiveIntegerField(_("scheme version"))
    scheme_snapshot = models.JSONField(_("scheme as used"), default=dict)
    state = models.CharField(_("state"), max_length=20, choices=RunState.choices, default=RunState.DRAFT)
    benchmarks = models.JSONField(_("benchmarks used"), default=dict)
    enterprise_count = models.PositiveIntegerField(_("enterprises"), default=0)
    inputs_sha256 = models.CharField(_("fingerprint of the figures read"), max_length=64)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("run by"),
    )
    run_at = models.DateTimeField(_("run at"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("restates"),
    )

    objects = EvaluationRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation run")
        verbose_name_plural = _("evaluation runs")
        ordering = ["park__code", "-year", "-run_at", "-id"]
        constraints = [
            choice_constraint("state", RunState),
            models.UniqueConstraint(
                fields=["park", "year"],
                condition=Q(state="published"),
                name="%(app_label)s_%(class)s_one_published_per_park_year",
                violation_error_message=_("Another run of this park and year is published."),
            ),
            models.CheckConstraint(
                condition=Q(state="draft", confirmed_at__isnull=True)
                | (~Q(state="draft") & Q(confirmed_at__isnull=False)),
                name="%(app_label)s_%(class)s_confirmed_when_past_draft",
                violation_error_message=_("A run is confirmed before it is published."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "confirmed"], published_at__isnull=True)
                | (Q(state__in=["published", "superseded"]) & Q(published_at__isnull=False)),
                name="%(app_label)s_%(class)s_published_when_published",
                violation_error_message=_("Only a published (or superseded) run has a publication date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.park.code} {self.year} #{self.pk}"

    def confirm(self, *, by) -> None:
        """A supervisor's confirmation of a computed run."""
        with transaction.atomic():
            run = type(self).objects.select_for_update().get(pk=self.pk)
            if run.state != RunState.DRAFT:
                raise RunError(_("Only a run not yet confirmed can be confirmed."))
            run.state, run.confirmed_by, run.confirmed_at = RunState.CONFIRMED, by, timezone.now()
            run.save(update_fields=["state", "confirmed_by", "confirmed_at"])
        self.refresh_from_db()

    confirm.alters_data = True

    def publish(self, *, by) -> None:
        """A park administrator's publication; the run published before for the year is kept, superseded."""
        with transaction.atomic():
            runs = type(self).objects.select_for_update()
            run = runs.get(pk=self.pk)
            if run.state != RunState.CONFIRMED:
                raise RunError(_("Only a confirmed run can be published."))
            earlier = runs.filter(park=run.park_id, year=run.year, state=RunState.PUBLISHED).first()
            if earlier is not None:
                earlier.state = RunState.SUPERSEDED
                earlier.save(update_fields=["state"])
                run.supersedes = earlier
            run.state, run.published_by, run.published_at = RunState.PUBLISHED, by, timezone.now()
            run.save(update_fields=["state", "published_by", "published_at", "supersedes"])
        self.refresh_from_db()

    publish.alters_data = True


class EvaluationResult(models.Model):
    """One enterprise's indicators, score and class in one run; `indicators` keeps each indicator's
    value, benchmark, score and band as the run computed them (decimals as strings)."""

    run = models.ForeignKey(
        EvaluationRun, on_delete=models.CASCADE, related_name="results", verbose_name=_("run")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="evaluation_results", verbose_name=_("enterprise")
    )
    main_parcel = models.ForeignKey(
        LandParcel, on_delete=models.PROTECT, related_name="evaluation_results", verbose_name=_("main parcel")
    )
    parcel_ids = models.JSONField(_("parcels"), default=list)
    group = models.CharField(_("published in"), max_length=20, choices=Group.choices)
    grade = models.CharField(_("class"), max_length=1, choices=Grade.choices)
    score = models.DecimalField(_("score"), **SCORE)
    land_m2 = models.DecimalField(_("land used (m²)"), **AREA)
    tax_wan = models.DecimalField(_("tax paid (10k yuan)"), **MONEY, null=True, blank=True)
    indicators = models.JSONField(_("indicators"), default=dict)
    rank = models.PositiveIntegerField(_("rank in its group"))

    class Meta:
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        ordering = ["run", "group", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "enterprise"],
                name="%(app_label)s_%(class)s_once_per_run",
                violation_error_message=_("This enterprise already has a result in this run."),
            ),
            choice_constraint("group", Group),
            choice_constraint("grade", Grade),
            models.CheckConstraint(
                condition=Q(score__gte=0),
                name="%(app_label)s_%(class)s_score_not_negative",
                violation_error_message=_("A score cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(land_m2__gt=0),
                name="%(app_label)s_%(class)s_land_positive",
                violation_error_message=_("The land used must be more than 0 m²."),
            ),
        ]
        indexes = [models.Index(fields=["run", "grade"], name="evaluation_result_run_grade")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.grade} · {self.score}"
