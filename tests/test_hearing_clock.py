"""The hearing-request clock (docs/workflow.md#statutory-deadlines): 5 working days after the
hearing notice is served, counted on China's official calendar of holidays and make-up working
days."""

from datetime import date

import pytest

from cases.deadlines import OutOfWorkingCalendar, add_working_days, case_deadlines, working_calendar_years
from cases.models import CaseEvent, DisposalCase, LandParcel

K = CaseEvent.Kind


def make_case(**fields) -> DisposalCase:
    parcel = LandParcel(code="T-01", area_m2=1000)
    fields.setdefault("identified_on", date(2026, 3, 1))
    return DisposalCase(
        number="TT-2026-001",
        parcel=parcel,
        category="idle",
        status="planning",
        opened_on=date(2026, 1, 5),
        **fields,
    )


def hearing(case, events, today):
    found = [d for d in case_deadlines(case, events, today=today) if d.rule == "hearing_request"]
    assert len(found) <= 1
    return found[0] if found else None


def notice(on: date, **fields) -> CaseEvent:
    fields.setdefault("title", "听证告知书送达")
    return CaseEvent(kind=K.HEARING_NOTICE_SERVED, occurred_on=on, **fields)


@pytest.mark.parametrize(
    ("served", "due"),
    [
        # An ordinary week: Monday's notice, the next Monday.
        (date(2026, 3, 9), date(2026, 3, 16)),
        # Across the National Day holiday (1–7 October 2026 off; Saturday 10 October worked).
        (date(2026, 9, 28), date(2026, 10, 10)),
        # Sunday 20 September 2026 is a make-up working day, so it counts.
        (date(2026, 9, 18), date(2026, 9, 24)),
        # Across the Spring Festival (15–23 February 2026 off; Saturday 14 February worked).
        (date(2026, 2, 12), date(2026, 2, 26)),
    ],
)
def test_five_working_days_follow_the_official_calendar(served, due):
    assert add_working_days(served, 5) == due
    case = make_case()
    deadline = hearing(case, [notice(served)], today=served)
    assert (deadline.start, deadline.due, deadline.window) == (served, due, True)
    assert deadline.state == "open"


def test_the_window_is_used_when_a_hearing_is_held_and_ends_without_one():
    case = make_case()
    served = date(2026, 3, 9)
    held = CaseEvent(kind=K.HEARING, occurred_on=date(2026, 3, 20), title="听证会")
    assert hearing(case, [notice(served), held], today=date(2026, 3, 25)).met_on == date(2026, 3, 20)
    ended = hearing(case, [notice(served)], today=date(2026, 3, 25))
    assert ended.state == "met" and ended.ended


def test_a_year_the_calendar_does_not_cover_cannot_be_computed_and_says_why():
    first, last = working_calendar_years()
    served = date(last, 12, 28)
    with pytest.raises(OutOfWorkingCalendar):
        add_working_days(served, 5)
    deadline = hearing(make_case(), [notice(served)], today=served)
    assert deadline.state == "cannot_compute"
    assert str(last + 1) in str(deadline.cannot_compute) and str(first) in str(deadline.cannot_compute)


def test_a_notice_dated_in_the_future_cannot_start_the_clock():
    deadline = hearing(make_case(), [notice(date(2026, 6, 1))], today=date(2026, 5, 1))
    assert deadline.state == "cannot_compute"


def test_a_deadline_recorded_on_the_notice_that_is_this_clock_shows_once():
    served = date(2026, 3, 9)
    deadlines = case_deadlines(
        make_case(), [notice(served, due_on=date(2026, 3, 16))], today=date(2026, 3, 10)
    )
    assert [d.rule for d in deadlines].count("hearing_request") == 1
    assert "recorded" not in [d.rule for d in deadlines]
