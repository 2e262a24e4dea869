"""What an officer must act on: the deadlines of many cases, sorted into overdue, due soon and
cannot be computed; `stored_agenda` reads them from the stored deadlines, filtered, ordered and
limited in SQL."""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import NamedTuple

from django.db import connections
from django.db.models import IntegerField, Prefetch, QuerySet, Value

from ..models import CaseDeadline, CaseEvent, DisposalCase
from .rules import RULE_ORDER, Deadline, case_deadlines, periods
from .stored import deadline_of, fingerprint, refresh_stale


class Agenda(NamedTuple):
    overdue: list[Deadline]
    due_soon: list[Deadline]
    cannot_compute: list[Deadline]


def agenda(deadlines: Iterable[Deadline], *, days: int) -> Agenda:
    """What is overdue, what falls due within `days` (today included), and what cannot be computed."""
    deadlines = list(deadlines)
    overdue = [d for d in deadlines if d.state == "overdue"]
    soon = [d for d in deadlines if d.state == "open" and d.days_left <= days]
    unknown = [d for d in deadlines if d.state == "cannot_compute"]

    def by_due(deadline: Deadline) -> tuple:
        return (deadline.due, deadline.case.number, RULE_ORDER[deadline.rule])

    return Agenda(
        sorted(overdue, key=by_due),
        sorted(soon, key=by_due),
        sorted(unknown, key=lambda d: (d.case.number, RULE_ORDER[d.rule])),
    )


def deadlines_for(cases: QuerySet[DisposalCase], *, today: date) -> list[Deadline]:
    """The deadlines of many cases in two queries: the cases with parcel, park and officer; their events."""
    rows = cases.select_related("parcel__park", "officer").prefetch_related(
        Prefetch("events", queryset=CaseEvent.objects.order_by("occurred_on", "created_at", "pk"))
    )
    clocks = periods()
    return [
        deadline
        for case in rows
        for deadline in case_deadlines(case, case.events.all(), today=today, clocks=clocks)
    ]


def pending(deadlines: Sequence[Deadline], *, days: int) -> list[Deadline]:
    """Overdue, or due within `days`: what an officer must act on now."""
    found = agenda(deadlines, days=days)
    return found.overdue + found.due_soon


class StoredAgenda(NamedTuple):
    """The three lists as querysets of stored rows, in their display order (slice them, then show),
    and, when asked for, how many rows each holds."""

    overdue: QuerySet[CaseDeadline]
    due_soon: QuerySet[CaseDeadline]
    cannot_compute: QuerySet[CaseDeadline]
    counts: dict[str, int] | None = None


def stored_agenda(
    rows: QuerySet[CaseDeadline], *, today: date, days: int, counted: bool = False
) -> StoredAgenda:
    """What is overdue, due within `days` and cannot be computed among `rows`, decided in SQL.

    Rows computed while one of their case's dates lay ahead, or with other periods, are computed
    again first (rarely any); with `counted`, that check and the lists' counts are one query.
    """
    counts = None
    if counted:
        counts = rows.counts(today, days, fingerprint(periods()))
        if counts.pop("stale"):
            refresh_stale(today)
            counts = rows.counts(today, days, fingerprint(periods()))
            counts.pop("stale")
    else:
        refresh_stale(today)
    return StoredAgenda(
        rows.overdue(today).for_display(),
        rows.due_within(today, days).for_display(),
        rows.cannot_compute().in_case_order(),
        counts,
    )


def shown(rows: Iterable[CaseDeadline], *, today: date) -> list[Deadline]:
    """Stored rows as the Deadline objects the templates show."""
    return [row.as_deadline(today) for row in rows]


# What a deadline table shows of a stored row, its case, parcel, park, officer and source event.
TABLE_FIELDS = (
    *("rule", "start", "due", "met_on", "earliest", "window", "reason", "closed", "hint", "params"),
    *("source_id", "source__title", "case__number", "case__parcel__code", "case__parcel__park__code"),
    *("case__officer__username", "case__officer__first_name", "case__officer__last_name"),
)


class _Named:
    """A record as a deadline table reads it: its attributes and nothing more."""

    def __init__(self, **attributes) -> None:
        self.__dict__.update(attributes)


class _Officer(_Named):
    def get_username(self) -> str:
        return self.username


class _Case(_Named):
    def get_absolute_url(self) -> str:
        from ..cells import page_of

        return page_of("case-detail", self.number)


def shown_in_table(rows: QuerySet[CaseDeadline], *, today: date) -> list[Deadline]:
    """A page of stored rows (a sliced queryset) as the Deadline objects a deadline table shows
    (`{% deadline_rows %}`), read as values: a row builds no model instances, which for the hundred
    and more rows of /deadlines/ cost more than the rest of the page. Everything else that shows
    deadlines takes `shown`, whose cases and events are the models themselves."""
    found = []
    for values in rows.values_list(*TABLE_FIELDS):
        row = _Named(**dict(zip(TABLE_FIELDS, values, strict=True)))
        officer = (
            _Officer(
                username=row.case__officer__username,
                first_name=row.case__officer__first_name,
                last_name=row.case__officer__last_name,
            )
            if row.case__officer__username is not None
            else None
        )
        park = _Named(code=row.case__parcel__park__code)
        row.case = _Case(
            number=row.case__number, parcel=_Named(code=row.case__parcel__code, park=park), officer=officer
        )
        row.source = _Named(title=row.source__title) if row.source_id is not None else None
        found.append(deadline_of(row, today))
    return found


class AgendaHeads(NamedTuple):
    """The first rows of the overdue and the due-soon lists, in their display order."""

    overdue: list[CaseDeadline]
    due_soon: list[CaseDeadline]


# The parts of `agenda_heads`' one query, told apart by a constant column.
_OVERDUE, _DUE_SOON, _STALE = 0, 1, 2


def agenda_heads(rows: QuerySet[CaseDeadline], *, today: date, days: int, limit: int) -> AgendaHeads:
    """The first `limit` overdue rows and the first `limit` due within `days` among `rows`, their
    stale rows computed again first (as `stored_agenda` does).

    Where the database can limit each part of a UNION (PostgreSQL), the two lists and the check
    for a stale row are one query, and a second is made only when a stale row was found; else
    the check and each list are a query of their own."""
    if not connections[rows.db].features.supports_slicing_ordering_in_compound:
        refresh_stale(today)
        return _heads(rows, today=today, days=days, limit=limit)
    clocks = fingerprint(periods())
    parts = [
        rows.overdue(today).for_display().annotate(part=Value(_OVERDUE, IntegerField()))[:limit],
        rows.due_within(today, days).for_display().annotate(part=Value(_DUE_SOON, IntegerField()))[:limit],
        rows.stale(today, clocks).shown().order_by().annotate(part=Value(_STALE, IntegerField()))[:1],
    ]
    found = list(parts[0].union(*parts[1:], all=True))
    if any(row.part == _STALE for row in found):
        refresh_stale(today)
        return _heads(rows, today=today, days=days, limit=limit)
    in_order = sorted(found, key=lambda row: (row.due, row.case_number, row.rule_order, row.pk))
    return AgendaHeads(
        [row for row in in_order if row.part == _OVERDUE],
        [row for row in in_order if row.part == _DUE_SOON],
    )


def _heads(rows: QuerySet[CaseDeadline], *, today: date, days: int, limit: int) -> AgendaHeads:
    return AgendaHeads(
        list(rows.overdue(today).for_display()[:limit]),
        list(rows.due_within(today, days).for_display()[:limit]),
    )
