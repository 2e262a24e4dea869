"""Statutory deadlines (docs/workflow.md#statutory-deadlines): the clocks a case's dated events start.

Every deadline is computed from what the timeline and the case record, never guessed: where a date
is missing or contradicts another, the deadline says it cannot be computed, and why. Pure functions
on rows already loaded, except `deadlines_for`, which loads many cases in two queries.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ..models import CaseEvent, DisposalCase, DisposalMethod, Status
from .calendar import OutOfCalendar, OutOfWorkingCalendar, add_days, add_months, add_working_days, explain

Kind = CaseEvent.Kind

# The national clocks, in calendar days or months; PARKLAND_DEADLINE_PERIODS overrides any of them
# where local rules differ (docs/workflow.md#statutory-deadlines).
DEFAULT_PERIODS: dict[str, int] = {
    "investigation_start_days": 30,  # suspected idle land found → investigation starts
    "holder_reply_days": 30,  # investigation notice served → the holder replies
    "hearing_request_working_days": 5,  # hearing notice (听证告知书) served → the holder asks for a hearing
    "compliance_days": 30,  # decision served → pay, or de-register and return the certificate
    "review_window_days": 60,  # decision served → administrative review may be applied for
    "lawsuit_window_months": 6,  # decision served → an administrative lawsuit may be filed
    "enforcement_window_months": 3,  # remedy periods over → apply to the court for enforcement
    "reminder_wait_days": 10,  # reminder (催告书) served → the earliest enforcement application
    "extension_months": 12,  # extension decided → development starts (at most one year)
    "temporary_use_months": 24,  # temporary use decided → it ends (at most two years)
}


class Rule(NamedTuple):
    code: str
    label: str


INVESTIGATION_START = Rule("investigation_start", _("investigation to start"))
HOLDER_REPLY = Rule("holder_reply", _("holder's reply to the investigation notice"))
HEARING_REQUEST = Rule("hearing_request", _("holder's request for a hearing"))
COMPLIANCE = Rule("compliance", _("payment or return of the land certificate"))
REVIEW_WINDOW = Rule("review_window", _("administrative review window"))
LAWSUIT_WINDOW = Rule("lawsuit_window", _("administrative lawsuit window"))
ENFORCEMENT = Rule("enforcement", _("application for court enforcement"))
EXTENSION = Rule("extension", _("start of development (extended deadline)"))
TEMPORARY_USE = Rule("temporary_use", _("end of temporary use"))
RECORDED = Rule("recorded", _("recorded deadline"))
RULES = (
    INVESTIGATION_START,
    HOLDER_REPLY,
    HEARING_REQUEST,
    COMPLIANCE,
    REVIEW_WINDOW,
    LAWSUIT_WINDOW,
    ENFORCEMENT,
    EXTENSION,
    TEMPORARY_USE,
    RECORDED,
)
RULE_ORDER = {rule.code: index for index, rule in enumerate(RULES)}

CASE_CLOSED = _("The case is closed.")
LEFT_LEAD = _("The case has moved on from lead.")


def periods() -> dict[str, int]:
    """The clocks in force: the national defaults with the installation's overrides."""
    overrides = getattr(settings, "PARKLAND_DEADLINE_PERIODS", {}) or {}
    result = dict(DEFAULT_PERIODS)
    for name, value in overrides.items():
        if name not in DEFAULT_PERIODS:
            raise ImproperlyConfigured(
                f"PARKLAND_DEADLINE_PERIODS: unknown period {name!r}; known: {', '.join(DEFAULT_PERIODS)}."
            )
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()) or int(text) == 0:
            raise ImproperlyConfigured(f"PARKLAND_DEADLINE_PERIODS: {name} needs a whole number above 0.")
        result[name] = int(text)
    return result


@dataclass(frozen=True)
class Deadline:
    """One clock of one case: from when it runs, when it falls due, and whether it was met."""

    case: DisposalCase
    rule: str
    label: str
    source: CaseEvent | None
    start: date | None
    due: date | None
    today: date
    met_on: date | None = None
    cannot_compute: str = ""
    # Why the deadline no longer runs although nothing met it (the case closed, a review was filed).
    closed: str = ""
    # A period the holder may use (review, lawsuit): it ends, it is never overdue.
    window: bool = False
    # The earliest day the step may be taken (court enforcement: after the remedies and the reminder).
    earliest: date | None = None
    hint: str = ""

    @property
    def state(self) -> str:
        """open, met, overdue or cannot_compute; a window that has run out counts as met (ended)."""
        if self.cannot_compute:
            return "cannot_compute"
        if self.met_on or self.closed:
            return "met"
        if self.due < self.today:
            return "met" if self.window else "overdue"
        return "open"

    @property
    def days_left(self) -> int | None:
        """Days from today to the due date; negative once it has passed."""
        return None if self.due is None else (self.due - self.today).days

    @property
    def days_overdue(self) -> int | None:
        return None if self.due is None else (self.today - self.due).days

    @property
    def ended(self) -> bool:
        """A window that ran out with nothing filed."""
        return (
            self.window and not (self.cannot_compute or self.met_on or self.closed) and self.due < self.today
        )

    @property
    def is_pending(self) -> bool:
        """Still running (open or overdue): what the lists and reminders are about."""
        return self.state in ("open", "overdue")

    @property
    def title(self) -> str:
        """The timeline event the clock runs from, if any."""
        return self.source.title if self.source else ""

    @property
    def officer(self):
        return self.case.officer

    @property
    def can_be_marked_met(self) -> bool:
        """A recorded deadline still running, which an officer may mark as met on the case page."""
        source = self.source
        return bool(self.is_pending and source and source.due_on == self.due and not source.due_met_on)


def display_order(deadline: Deadline) -> tuple:
    """Overdue first, then open by due date, then what cannot be computed, then what is over."""
    rank = {"overdue": 0, "open": 1, "cannot_compute": 2, "met": 3}[deadline.state]
    return (rank, deadline.due or date.max, RULE_ORDER[deadline.rule])


# The rules ------------------------------------------------------------------------------------


class _Timeline:
    """A case and its events in date order, with the checks every rule shares."""

    def __init__(self, case: DisposalCase, events: Iterable[CaseEvent], today: date, clocks: dict[str, int]):
        self.case = case
        self.today = today
        self.clocks = clocks
        self.events = sorted(events, key=lambda e: (e.occurred_on, e.pk or 0))

    def of(self, *kinds: str) -> list[CaseEvent]:
        return [e for e in self.events if e.kind in kinds]

    def first_on_or_after(self, day: date, *kinds: str) -> CaseEvent | None:
        return next((e for e in self.events if e.kind in kinds and e.occurred_on >= day), None)

    def make(self, rule: Rule, **fields) -> Deadline:
        fields.setdefault("source", None)
        fields.setdefault("start", None)
        fields.setdefault("due", None)
        return Deadline(case=self.case, rule=rule.code, label=rule.label, today=self.today, **fields)

    def future(self, event: CaseEvent) -> str:
        if event.occurred_on > self.today:
            return explain(
                _("The event “%(title)s” is dated %(date)s, in the future."),
                title=event.title,
                date=event.occurred_on,
            )
        return ""

    def source_problem(self, event: CaseEvent) -> str:
        """Why an event cannot start a clock: dated in the future, or before the case was opened."""
        if problem := self.future(event):
            return problem
        if event.occurred_on < self.case.opened_on:
            return explain(
                _("The event “%(title)s” is dated %(date)s, before the case was opened on %(opened)s."),
                title=event.title,
                date=event.occurred_on,
                opened=self.case.opened_on,
            )
        return ""

    def decision_problem(self, decision: CaseEvent) -> str:
        """A decision is served only on an identified case, after its identification."""
        if problem := self.source_problem(decision):
            return problem
        identified = self.case.identified_on
        if identified is None:
            return explain(
                _("The decision was served on %(date)s, but the case records no identification date."),
                date=decision.occurred_on,
            )
        if decision.occurred_on < identified:
            return explain(
                _("The decision was served on %(date)s, before the case was identified on %(identified)s."),
                date=decision.occurred_on,
                identified=identified,
            )
        return ""

    def met_by(self, day: date, *kinds: str) -> tuple[date | None, str]:
        """The date of the first event of `kinds` on or after `day`, or why it cannot be used."""
        event = self.first_on_or_after(day, *kinds)
        if event is None:
            return None, ""
        return event.occurred_on, self.future(event)

    def merged(self, event: CaseEvent, due: date | None) -> bool:
        """A deadline recorded on the event that is this very clock: shown once, met by either record."""
        return due is not None and event.due_on == due


def _investigation_start(tl: _Timeline) -> list[Deadline]:
    case = tl.case
    start = case.opened_on
    due = add_days(start, tl.clocks["investigation_start_days"])
    if start > tl.today:
        reason = explain(_("The case's opening date %(date)s is in the future."), date=start)
        return [tl.make(INVESTIGATION_START, start=start, cannot_compute=reason)]
    left = next(
        (e for e in tl.of(Kind.STATUS_CHANGE) if e.from_status == Status.LEAD and e.to_status != Status.LEAD),
        None,
    )
    if left is not None:
        problem = tl.source_problem(left)
        if problem:
            return [tl.make(INVESTIGATION_START, start=start, source=left, cannot_compute=problem)]
        return [tl.make(INVESTIGATION_START, start=start, due=due, met_on=left.occurred_on)]
    closed = LEFT_LEAD if case.status != Status.LEAD else ""
    return [tl.make(INVESTIGATION_START, start=start, due=due, closed=closed)]


def _holder_replies(tl: _Timeline) -> list[Deadline]:
    notices = tl.of(Kind.NOTICE_SERVED)
    if not notices:
        return []
    first = notices[0].occurred_on
    stray = next((e for e in tl.of(Kind.ENTERPRISE_REPLY) if e.occurred_on < first), None)
    result = []
    for notice in notices:
        served = notice.occurred_on
        problem = tl.source_problem(notice)
        if not problem and stray is not None and notice is notices[0]:
            problem = explain(
                _("An enterprise reply is dated %(reply)s, before the first notice (served %(notice)s)."),
                reply=stray.occurred_on,
                notice=served,
            )
        if problem:
            result.append(tl.make(HOLDER_REPLY, source=notice, start=served, cannot_compute=problem))
            continue
        due = add_days(served, tl.clocks["holder_reply_days"])
        met_on, problem = tl.met_by(served, Kind.ENTERPRISE_REPLY)
        if tl.merged(notice, due) and notice.due_met_on and not problem:
            met_on = min(filter(None, (met_on, notice.due_met_on)))
        result.append(
            tl.make(HOLDER_REPLY, source=notice, start=served, due=due, met_on=met_on, cannot_compute=problem)
        )
    return result


def _hearing_requests(tl: _Timeline) -> list[Deadline]:
    """The holder's window to ask for a hearing: 5 working days after each hearing notice is served."""
    result = []
    for notice in tl.of(Kind.HEARING_NOTICE_SERVED):
        served = notice.occurred_on
        base = {"source": notice, "start": served, "window": True}
        if problem := tl.source_problem(notice):
            result.append(tl.make(HEARING_REQUEST, cannot_compute=problem, **base))
            continue
        try:
            due = add_working_days(served, tl.clocks["hearing_request_working_days"])
        except OutOfWorkingCalendar as error:
            result.append(tl.make(HEARING_REQUEST, cannot_compute=error.reason, **base))
            continue
        held_on, problem = tl.met_by(served, Kind.HEARING)
        hint = _("No hearing asked for by then: the decision may follow.")
        result.append(
            tl.make(HEARING_REQUEST, due=due, met_on=held_on, cannot_compute=problem, hint=hint, **base)
        )
    return result


def _hearing_due(tl: _Timeline, notice: CaseEvent) -> date | None:
    try:
        return add_working_days(notice.occurred_on, tl.clocks["hearing_request_working_days"])
    except OutOfWorkingCalendar:
        return None


def _decisions(tl: _Timeline) -> list[Deadline]:
    """Compliance, the two remedy windows and court enforcement, for each decision served."""
    clocks = tl.clocks
    result = []
    for decision in tl.of(Kind.DECISION_ISSUED):
        served = decision.occurred_on
        base = {"source": decision, "start": served}
        if problem := tl.decision_problem(decision):
            result.extend(
                tl.make(rule, cannot_compute=problem, window=rule in (REVIEW_WINDOW, LAWSUIT_WINDOW), **base)
                for rule in (COMPLIANCE, REVIEW_WINDOW, LAWSUIT_WINDOW, ENFORCEMENT)
            )
            continue

        compliance_due = add_days(served, clocks["compliance_days"])
        complied_on, complied_problem = tl.met_by(served, Kind.PAYMENT, Kind.LAND_RECOVERED)
        if tl.merged(decision, compliance_due) and decision.due_met_on and not complied_problem:
            complied_on = min(filter(None, (complied_on, decision.due_met_on)))
        result.append(
            tl.make(
                COMPLIANCE, due=compliance_due, met_on=complied_on, cannot_compute=complied_problem, **base
            )
        )

        review_due = add_days(served, clocks["review_window_days"])
        reviewed_on, problem = tl.met_by(served, Kind.REVIEW_FILED)
        result.append(
            tl.make(
                REVIEW_WINDOW, due=review_due, met_on=reviewed_on, cannot_compute=problem, window=True, **base
            )
        )
        lawsuit_due = add_months(served, clocks["lawsuit_window_months"])
        sued_on, problem = tl.met_by(served, Kind.LAWSUIT_FILED)
        result.append(
            tl.make(
                LAWSUIT_WINDOW, due=lawsuit_due, met_on=sued_on, cannot_compute=problem, window=True, **base
            )
        )
        result.append(_enforcement(tl, decision, max(review_due, lawsuit_due), complied_on, complied_problem))
    return result


def _enforcement(
    tl: _Timeline, decision: CaseEvent, remedies_end: date, complied_on: date | None, complied_problem: str
) -> Deadline:
    """Apply within the months after the remedy periods end, and not before the reminder's wait is over."""
    served = decision.occurred_on
    base = {
        "source": decision,
        "start": served,
        "due": add_months(remedies_end, tl.clocks["enforcement_window_months"]),
    }
    applied_on, problem = tl.met_by(served, Kind.ENFORCEMENT_APPLIED)
    reminder = tl.first_on_or_after(served, Kind.REMINDER_SERVED)
    remedy = tl.first_on_or_after(served, Kind.REVIEW_FILED, Kind.LAWSUIT_FILED)
    problem = (
        problem
        or complied_problem
        or (tl.future(reminder) if reminder else "")
        or (tl.future(remedy) if remedy else "")
    )
    if problem:
        return tl.make(ENFORCEMENT, cannot_compute=problem, **base)
    earliest = add_days(remedies_end, 1)
    hint = ""
    if reminder is not None:
        earliest = max(earliest, add_days(reminder.occurred_on, tl.clocks["reminder_wait_days"]))
    else:
        hint = explain(
            _("No reminder to comply is recorded yet: serve one at least %(days)s days before applying."),
            days=tl.clocks["reminder_wait_days"],
        )
    if applied_on:
        return tl.make(ENFORCEMENT, met_on=applied_on, earliest=earliest, **base)
    if remedy is not None:
        closed = explain(
            _("A review or lawsuit was filed on %(date)s; enforcement waits for its outcome."),
            date=remedy.occurred_on,
        )
        return tl.make(ENFORCEMENT, closed=closed, **base)
    if complied_on:
        closed = explain(_("The decision was complied with on %(date)s."), date=complied_on)
        return tl.make(ENFORCEMENT, closed=closed, **base)
    return tl.make(ENFORCEMENT, earliest=earliest, hint=hint, **base)


def _decided_on(tl: _Timeline) -> tuple[date | None, str]:
    """The case's decision date, or why a clock cannot run from it."""
    decided = tl.case.decision_on
    if decided is None:
        return None, _("The case records no decision date.")
    if decided > tl.today:
        return None, explain(_("The decision date %(date)s is in the future."), date=decided)
    return decided, ""


def _extension(tl: _Timeline) -> list[Deadline]:
    if tl.case.disposal_method != DisposalMethod.EXTEND_DEADLINE:
        return []
    decided, problem = _decided_on(tl)
    if problem:
        return [tl.make(EXTENSION, cannot_compute=problem)]
    due = add_months(decided, tl.clocks["extension_months"])
    started = tl.case.parcel.actual_start_on
    if started is not None and started > tl.today:
        problem = explain(_("The parcel's actual start date %(date)s is in the future."), date=started)
    elif started is not None and started < decided:
        problem = explain(
            _("The parcel's actual start date %(start)s is before the extension decision of %(decision)s."),
            start=started,
            decision=decided,
        )
    if problem:
        return [tl.make(EXTENSION, start=decided, cannot_compute=problem)]
    return [tl.make(EXTENSION, start=decided, due=due, met_on=started)]


def _temporary_use(tl: _Timeline) -> list[Deadline]:
    if tl.case.disposal_method != DisposalMethod.TEMPORARY_USE:
        return []
    decided, problem = _decided_on(tl)
    if problem:
        return [tl.make(TEMPORARY_USE, cannot_compute=problem)]
    due = add_months(decided, tl.clocks["temporary_use_months"])
    returned_on, problem = tl.met_by(decided, Kind.LAND_RECOVERED)
    return [tl.make(TEMPORARY_USE, start=decided, due=due, met_on=returned_on, cannot_compute=problem)]


def _recorded(tl: _Timeline) -> list[Deadline]:
    clocks = tl.clocks
    statutory = {
        Kind.NOTICE_SERVED: clocks["holder_reply_days"],
        Kind.DECISION_ISSUED: clocks["compliance_days"],
    }
    result = []
    for event in tl.events:
        if event.due_on is None:
            continue
        if event.kind in statutory and tl.merged(event, add_days(event.occurred_on, statutory[event.kind])):
            continue
        if event.kind == Kind.HEARING_NOTICE_SERVED and tl.merged(event, _hearing_due(tl, event)):
            continue
        base = {"source": event, "start": event.occurred_on}
        if problem := tl.future(event):
            result.append(tl.make(RECORDED, cannot_compute=problem, **base))
        else:
            result.append(tl.make(RECORDED, due=event.due_on, met_on=event.due_met_on, **base))
    return result


_BUILDERS = (
    _investigation_start,
    _holder_replies,
    _hearing_requests,
    _decisions,
    _extension,
    _temporary_use,
    _recorded,
)
# The rule under which a builder says it cannot compute, when a date runs it off the calendar.
_RULE_OF_BUILDER = {
    _investigation_start: INVESTIGATION_START,
    _holder_replies: HOLDER_REPLY,
    _hearing_requests: HEARING_REQUEST,
    _decisions: COMPLIANCE,
    _extension: EXTENSION,
    _temporary_use: TEMPORARY_USE,
    _recorded: RECORDED,
}


def _built(build, timeline: _Timeline) -> list[Deadline]:
    """The deadlines of one builder, or one that cannot be computed when a date runs off the calendar."""
    try:
        return build(timeline)
    except OutOfCalendar as error:
        rule = _RULE_OF_BUILDER.get(build, RECORDED)
        return [timeline.make(rule, start=error.day, cannot_compute=error.reason)]


def case_deadlines(
    case: DisposalCase, events: Iterable[CaseEvent], *, today: date, clocks: dict[str, int] | None = None
) -> list[Deadline]:
    """Every statutory and recorded deadline of `case`, from its events; a closed case has none running."""
    timeline = _Timeline(case, events, today, clocks or periods())
    deadlines = [deadline for build in _BUILDERS for deadline in _built(build, timeline)]
    if not case.is_open:
        deadlines = [replace(d, closed=CASE_CLOSED) if d.is_pending else d for d in deadlines]
    return sorted(deadlines, key=display_order)
