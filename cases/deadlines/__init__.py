"""Statutory deadlines (docs/workflow.md#statutory-deadlines): the clocks a case's dated events start.

`calendar` counts days, months and Chinese working days; `rules` declares the clocks in force and
builds one case's deadlines from its timeline; `agenda` loads many cases' deadlines and sorts what
an officer must act on.
"""

from .agenda import (
    Agenda,
    AgendaHeads,
    StoredAgenda,
    agenda,
    agenda_heads,
    deadlines_for,
    pending,
    shown,
    stored_agenda,
)
from .calendar import (
    OutOfCalendar,
    OutOfWorkingCalendar,
    add_days,
    add_months,
    add_working_days,
    working_calendar_years,
)
from .rules import DEFAULT_PERIODS, RULES, Deadline, Rule, case_deadlines, display_order, periods

__all__ = [
    "DEFAULT_PERIODS",
    "RULES",
    "Agenda",
    "AgendaHeads",
    "Deadline",
    "OutOfCalendar",
    "OutOfWorkingCalendar",
    "Rule",
    "StoredAgenda",
    "add_days",
    "add_months",
    "add_working_days",
    "agenda",
    "agenda_heads",
    "case_deadlines",
    "deadlines_for",
    "display_order",
    "pending",
    "periods",
    "shown",
    "stored_agenda",
    "working_calendar_years",
]
