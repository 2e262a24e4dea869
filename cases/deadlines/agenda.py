"""What an officer must act on: the deadlines of many cases, sorted into overdue, due soon and
cannot be computed."""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import NamedTuple

from django.db.models import Prefetch, QuerySet

from ..models import CaseEvent, DisposalCase
from .rules import RULE_ORDER, Deadline, case_deadlines, periods


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
