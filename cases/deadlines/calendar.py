"""The calendars the statutory clocks count on: calendar days and months, and Chinese working days.

A clock that would run off the calendar raises OutOfCalendar (or OutOfWorkingCalendar) rather than
guessing; `case_deadlines` turns that into a deadline that says it cannot be computed.
"""

import calendar
from datetime import MAXYEAR, MINYEAR, date, timedelta

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _


def _filled(message, params: dict) -> str:
    return str(message) % params


# Made once: `lazy` builds a class on each call, which cost a page of deadlines tens of milliseconds.
_lazily_filled = lazy(_filled, str)


def explain(message, **params) -> str:
    """A translated message with its named values filled in, rendered in the language active when shown."""
    text = _lazily_filled(message, params)
    # Kept so that a stored deadline keeps the message and its values, not one language's text.
    text.message, text.params = message, params
    return text


class OutOfCalendar(Exception):
    """A clock would end beyond the calendar (after 9999-12-31): the deadline cannot be computed.

    Raised by the date arithmetic below; `case_deadlines` turns it into a deadline that says so,
    so no stored date, however implausible, makes a page fail.
    """

    def __init__(self, day: date) -> None:
        super().__init__(day)
        self.day = day

    @property
    def reason(self) -> str:
        return explain(
            _("A deadline counted from %(date)s would fall beyond the calendar; check this date."),
            date=self.day,
        )


def add_days(day: date, days: int) -> date:
    """`days` calendar days after `day`; OutOfCalendar past 9999-12-31."""
    try:
        return day + timedelta(days=days)
    except OverflowError as error:
        raise OutOfCalendar(day) from error


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, or that month's last day if it is shorter;
    OutOfCalendar past 9999-12-31."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if not MINYEAR <= year <= MAXYEAR:
        raise OutOfCalendar(day)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class OutOfWorkingCalendar(Exception):
    """The official working-day calendar does not cover a year a clock in working days runs through."""

    def __init__(self, day: date, year: int) -> None:
        super().__init__(day, year)
        self.day = day
        self.year = year

    @property
    def reason(self) -> str:
        first, last = working_calendar_years()
        return explain(
            _(
                "The official calendar of working days and holidays covers %(first)s–%(last)s, not "
                "%(year)s: this deadline in working days cannot be computed until the calendar is updated."
            ),
            first=first,
            last=last,
            year=self.year,
        )


def working_calendar_years() -> tuple[int, int]:
    """The first and last year the installed calendar of Chinese working days knows."""
    import chinese_calendar

    years = sorted({day.year for day in chinese_calendar.holidays})
    return years[0], years[-1]


def add_working_days(day: date, days: int) -> date:
    """The `days`-th Chinese working day after `day` (the day itself not counted).

    Working days follow the State Council's yearly holiday arrangement (official holidays off,
    make-up working days on), from the maintained `chinesecalendar` package; a year it does not
    cover raises OutOfWorkingCalendar rather than guessing.
    """
    import chinese_calendar

    counted, current = 0, day
    while counted < days:
        current = add_days(current, 1)
        try:
            working = chinese_calendar.is_workday(current)
        except NotImplementedError as error:
            raise OutOfWorkingCalendar(day, current.year) from error
        if working:
            counted += 1
    return current
