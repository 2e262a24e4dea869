"""The stored deadlines of open cases: what `case_deadlines` computes, kept as rows so that the
dashboard and the deadline list read only what they show.

A row holds what does not depend on the day it is read: the rule, the event it runs from, its start,
due and earliest dates, when it was met, and the reasons (why it cannot be computed, why it no longer
runs, a hint) as their untranslated messages with their values, so that each is shown in the
reader's language. Whether a deadline is overdue, open or due soon is decided in SQL from the due
date and today (`CaseDeadlineQuerySet`). `cases.deadlines.stored` writes the rows.
"""

from datetime import date, timedelta

from django.db import connections, models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

# The rules of `cases.deadlines.rules.RULES`, in their display order (a test holds the two equal).
RULE_CODES = (
    "investigation_start",
    "holder_reply",
    "hearing_request",
    "compliance",
    "review_window",
    "lawsuit_window",
    "enforcement",
    "extension",
    "temporary_use",
    "recorded",
)
WINDOW_RULES = ("hearing_request", "review_window", "lawsuit_window")
# Computed, not met and not closed: still running, whatever the day; and those that cannot be computed.
RUNNING = Q(reason="", met_on__isnull=True, closed="")
UNKNOWN = ~Q(reason="")


# The fields of a row and of its related rows that the pages and the reminders read.
SHOWN_FIELDS = (
    *("case_number", "rule", "rule_order", "start", "due", "met_on", "earliest", "window"),
    *("reason", "closed", "hint", "params", "park", "source"),
    *("case__number", "case__parcel", "case__officer", "case__parcel__code", "case__parcel__park__code"),
    *("case__officer__username", "case__officer__first_name", "case__officer__last_name"),
    *("case__officer__email", "case__officer__is_active"),
    *("source__title", "source__occurred_on", "source__due_on", "source__due_met_on"),
)


def overdue_q(today: date) -> Q:
    """Running and past the due date; a holder's window that has run out has ended instead."""
    return RUNNING & Q(due__lt=today, window=False)


def due_within_q(today: date, days: int) -> Q:
    """Running and falling due from today to `days` days ahead, both included."""
    return RUNNING & Q(due__gte=today, due__lte=today + timedelta(days=days))


def stale_q(today: date, clocks: str) -> Q:
    """Computed while one of the case's dates lay ahead of the day it was computed on, or with other
    periods than `clocks` (two index ranges, so that no row at all is quick to tell)."""
    return Q(valid_until__lte=today) | Q(clocks__lt=clocks) | Q(clocks__gt=clocks)


class CaseDeadlineQuerySet(models.QuerySet):
    def cannot_compute(self):
        return self.filter(UNKNOWN)

    def running(self):
        """Computed, not met and not closed: open or overdue, whatever the day."""
        return self.filter(RUNNING)

    def overdue(self, today: date):
        return self.filter(overdue_q(today))

    def due_within(self, today: date, days: int):
        return self.filter(due_within_q(today, days))

    def stale(self, today: date, clocks: str):
        return self.filter(stale_q(today, clocks))

    def counts(self, today: date, days: int, clocks: str) -> dict[str, int]:
        """How many rows are overdue, due within `days`, cannot be computed and stale, in one query.

        Each count is a subquery of its own, so that each reads its own index (an aggregate with
        a FILTER per count reads every row in scope)."""
        conditions = {
            "overdue": overdue_q(today),
            "due_soon": due_within_q(today, days),
            "cannot_compute": UNKNOWN,
            "stale": stale_q(today, clocks),
        }
        compiled = [
            self.filter(condition)
            .order_by()
            .values(n=Func("pk", function="COUNT"))
            .query.get_compiler(self.db)
            .as_sql()
            for condition in conditions.values()
        ]
        sql = "SELECT " + ", ".join(f"({part})" for part, _params in compiled)
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [param for _part, params in compiled for param in params])
            return dict(zip(conditions, cursor.fetchone(), strict=True))

    def shown(self):
        """With what a deadline table, the dashboard and a reminder show of the case, its parcel, park
        and officer and the event, and no more: a page of rows builds few, small objects."""
        return self.select_related("case__parcel__park", "case__officer", "source").only(*SHOWN_FIELDS)

    def for_display(self):
        """By due date, case number and rule."""
        return self.shown().order_by("due", "case_number", "rule_order", "pk")

    def in_case_order(self):
        """Cannot be computed: by case number and rule."""
        return self.shown().order_by("case_number", "rule_order", "pk")


class CaseDeadline(models.Model):
    """One clock of one open case, as `case_deadlines` computed it."""

    case = models.ForeignKey(
        "cases.DisposalCase",
        on_delete=models.CASCADE,
        related_name="stored_deadlines",
        verbose_name=_("case"),
    )
    # The case's park and number, kept with the row so that the lists filter and sort on one index.
    park = models.ForeignKey("cases.Park", on_delete=models.CASCADE, related_name="+", verbose_name=_("park"))
    case_number = models.CharField(_("case number"), max_length=30)
    rule = models.CharField(_("deadline"), max_length=30)
    rule_order = models.PositiveSmallIntegerField(_("rule order"))
    source = models.ForeignKey(
        "cases.CaseEvent",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("event"),
    )
    start = models.DateField(_("runs from"), null=True, blank=True)
    due = models.DateField(_("due date"), null=True, blank=True)
    met_on = models.DateField(_("met on"), null=True, blank=True)
    earliest = models.DateField(_("not before"), null=True, blank=True)
    window = models.BooleanField(_("holder's window"), default=False)
    # The untranslated messages; their values are in `params` under the same names.
    reason = models.TextField(_("cannot be computed because"), blank=True)
    closed = models.TextField(_("no longer running because"), blank=True)
    hint = models.TextField(_("hint"), blank=True)
    params = models.JSONField(_("message values"), default=dict, blank=True)
    # The first day on which a date of the case that lay ahead is no longer ahead: computed again then.
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # A fingerprint of the periods the row was computed with: other periods in force, computed again.
    clocks = models.CharField(_("periods"), max_length=16)

    objects = CaseDeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("stored deadline")
        verbose_name_plural = _("stored deadlines")
        ordering = ["case", "rule_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rule__in=RULE_CODES), name="%(app_label)s_%(class)s_rule_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    *[Q(rule=code, rule_order=order) for order, code in enumerate(RULE_CODES)],
                    _connector=Q.OR,
                ),
                name="%(app_label)s_%(class)s_rule_order_of_its_rule",
            ),
            models.CheckConstraint(
                condition=Q(window=False) | Q(rule__in=WINDOW_RULES),
                name="%(app_label)s_%(class)s_window_only_for_windows",
            ),
            models.CheckConstraint(
                condition=Q(due__isnull=False) | ~Q(reason=""),
                name="%(app_label)s_%(class)s_due_or_reason",
            ),
            models.CheckConstraint(
                condition=~Q(reason="") | Q(start__isnull=True) | Q(due__gte=F("start")),
                name="%(app_label)s_%(class)s_due_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(earliest__isnull=True) | Q(due__isnull=False),
                name="%(app_label)s_%(class)s_earliest_with_due",
            ),
            models.UniqueConstraint(
                fields=["case", "rule", "source"],
                condition=Q(source__isnull=False),
                name="%(app_label)s_%(class)s_one_per_rule_and_event",
            ),
            models.UniqueConstraint(
                fields=["case", "rule"],
                condition=Q(source__isnull=True),
                name="%(app_label)s_%(class)s_one_per_rule_without_event",
            ),
        ]
        indexes = [
            # The lists' orders: by due date among running rows, by case among those that cannot be
            # computed; for all parks and for one. The running rows' indexes also hold `window`, so
            # that PostgreSQL counts the overdue rows from the index alone.
            models.Index(
                fields=["due", "case_number", "rule_order", "id"],
                condition=RUNNING,
                include=["window"],
                name="cases_dl_running_idx",
            ),
            models.Index(
                fields=["park", "due", "case_number", "rule_order", "id"],
                condition=RUNNING,
                include=["window"],
                name="cases_dl_park_running_idx",
            ),
            models.Index(
                fields=["case_number", "rule_order", "id"], condition=UNKNOWN, name="cases_dl_unknown_idx"
            ),
            models.Index(
                fields=["park", "case_number", "rule_order", "id"],
                condition=UNKNOWN,
                name="cases_dl_park_unknown_idx",
            ),
            models.Index(
                fields=["valid_until"],
                condition=Q(valid_until__isnull=False),
                name="cases_deadline_stale_idx",
            ),
            models.Index(fields=["clocks"], name="cases_deadline_clocks_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.rule} {self.due or '—'}"

    def as_deadline(self, today: date):
        """The Deadline this row stores, as `case_deadlines` gave it, seen from `today`."""
        from ..deadlines.stored import deadline_of

        return deadline_of(self, today)
