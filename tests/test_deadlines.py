"""Statutory deadlines (docs/workflow.md#statutory-deadlines) computed from hand-made timelines.

Most tests build unsaved cases and events: the rules are pure functions of the dates. The last
ones load cases from the database through `deadlines_for`.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cases.deadlines import DEFAULT_PERIODS, add_months, agenda, case_deadlines, deadlines_for, periods
from cases.models import CaseEvent, DisposalCase, LandParcel
from tests import factories

K = CaseEvent.Kind


def make_case(*, status: str = "implementing", opened_on=date(2022, 1, 10), actual_start_on=None, **fields):
    """An unsaved case, identified on 2022-02-01 unless told otherwise."""
    fields.setdefault("identified_on", date(2022, 2, 1))
    parcel = LandParcel(code="T-01", area_m2=1000, actual_start_on=actual_start_on)
    return DisposalCase(
        number="TT-2022-001", parcel=parcel, category="idle", status=status, opened_on=opened_on, **fields
    )


def event(kind: str, on: date, **fields) -> CaseEvent:
    fields.setdefault("title", str(kind))
    return CaseEvent(kind=kind, occurred_on=on, **fields)


def of(rule: str, case, events, today: date) -> list:
    return [d for d in case_deadlines(case, events, today=today) if d.rule == rule]


def one(rule: str, case, events, today: date):
    found = of(rule, case, events, today)
    assert len(found) == 1, found
    return found[0]


# Calendar months --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # into a leap February
        (date(2022, 8, 31), 6, date(2023, 2, 28)),
        (date(2024, 2, 29), 6, date(2024, 8, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2023, 10, 31), 3, date(2024, 1, 31)),  # across the year end
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 15), 24, date(2025, 1, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_shorter_month(start, months, expected):
    assert add_months(start, months) == expected


# Investigation start ----------------------------------------------------------------------------


def test_a_lead_must_be_investigated_within_30_days_of_opening():
    case = make_case(status="lead", opened_on=date(2023, 3, 1), identified_on=None)
    running = one("investigation_start", case, [], date(2023, 3, 20))
    assert (running.due, running.state, running.days_left) == (date(2023, 3, 31), "open", 11)
    late = one("investigation_start", case, [], date(2023, 4, 5))
    assert (late.state, late.days_overdue) == ("overdue", 5)


def test_the_investigation_deadline_is_met_when_the_case_leaves_lead():
    case = make_case(status="investigating", opened_on=date(2023, 3, 1), identified_on=None)
    moved = event(K.STATUS_CHANGE, date(2023, 3, 15), from_status="lead", to_status="investigating")
    deadline = one("investigation_start", case, [moved], date(2023, 6, 1))
    assert (deadline.state, deadline.met_on) == ("met", date(2023, 3, 15))


def test_a_case_past_lead_without_a_recorded_step_has_met_its_investigation_deadline():
    case = make_case(status="planning", opened_on=date(2023, 3, 1), identified_on=date(2023, 5, 1))
    deadline = one("investigation_start", case, [], date(2024, 1, 1))
    assert deadline.state == "met"
    assert deadline.met_on is None
    assert deadline.closed


def test_a_case_opened_in_the_future_cannot_have_its_investigation_deadline_computed():
    case = make_case(status="lead", opened_on=date(2030, 1, 1), identified_on=None)
    deadline = one("investigation_start", case, [], date(2023, 1, 1))
    assert deadline.state == "cannot_compute"
    assert "2030-01-01" in str(deadline.cannot_compute)
    assert deadline.days_left is None


# The holder's reply ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("served", "due"),
    [
        (date(2023, 1, 31), date(2023, 3, 2)),
        (date(2024, 1, 31), date(2024, 3, 1)),  # a leap year: 30 days exactly
        (date(2023, 12, 15), date(2024, 1, 14)),
    ],
)
def test_the_holder_replies_within_30_days_of_the_notice(served, due):
    case = make_case(status="investigating", opened_on=date(2022, 12, 1))
    notice = event(K.NOTICE_SERVED, served)
    deadline = one("holder_reply", case, [notice], served)
    assert (deadline.start, deadline.due, deadline.state, deadline.source) == (served, due, "open", notice)
    assert deadline.days_left == 30


def test_a_reply_on_or_after_the_notice_meets_it_and_none_leaves_it_overdue():
    case = make_case(status="investigating")
    notice = event(K.NOTICE_SERVED, date(2023, 1, 31))
    today = date(2023, 3, 10)
    assert one("holder_reply", case, [notice], today).state == "overdue"
    reply = event(K.ENTERPRISE_REPLY, date(2023, 2, 20))
    deadline = one("holder_reply", case, [notice, reply], today)
    assert (deadline.state, deadline.met_on) == ("met", date(2023, 2, 20))
    late_reply = event(K.ENTERPRISE_REPLY, date(2023, 3, 5))
    assert one("holder_reply", case, [notice, late_reply], today).met_on == date(2023, 3, 5)


def test_each_notice_has_its_own_reply_deadline():
    case = make_case(status="investigating")
    first = event(K.NOTICE_SERVED, date(2023, 1, 5), title="第一次送达")
    second = event(K.NOTICE_SERVED, date(2023, 2, 10), title="第二次送达")
    reply = event(K.ENTERPRISE_REPLY, date(2023, 2, 20))
    found = of("holder_reply", case, [second, reply, first], date(2023, 3, 1))
    assert sorted((d.title, d.due, d.met_on) for d in found) == [
        ("第一次送达", date(2023, 2, 4), date(2023, 2, 20)),
        ("第二次送达", date(2023, 3, 12), date(2023, 2, 20)),
    ]


def test_a_reply_dated_before_its_notice_makes_the_deadline_uncomputable():
    case = make_case(status="investigating")
    notice = event(K.NOTICE_SERVED, date(2023, 3, 1))
    reply = event(K.ENTERPRISE_REPLY, date(2023, 2, 20))
    deadline = one("holder_reply", case, [notice, reply], date(2023, 3, 10))
    assert deadline.state == "cannot_compute"
    assert deadline.due is None
    reason = str(deadline.cannot_compute)
    assert "2023-02-20" in reason
    assert "2023-03-01" in reason


def test_a_notice_dated_before_the_case_was_opened_is_not_guessed_at():
    case = make_case(status="investigating", opened_on=date(2023, 3, 1), identified_on=None)
    notice = event(K.NOTICE_SERVED, date(2023, 2, 1), title="调查通知书")
    deadline = one("holder_reply", case, [notice], date(2023, 3, 10))
    assert deadline.state == "cannot_compute"
    assert "调查通知书" in str(deadline.cannot_compute)
    assert "2023-03-01" in str(deadline.cannot_compute)


def test_a_notice_or_a_reply_dated_in_the_future_cannot_be_computed():
    case = make_case(status="investigating")
    today = date(2023, 3, 10)
    future_notice = event(K.NOTICE_SERVED, date(2023, 3, 11))
    assert one("holder_reply", case, [future_notice], today).state == "cannot_compute"
    notice = event(K.NOTICE_SERVED, date(2023, 3, 1))
    future_reply = event(K.ENTERPRISE_REPLY, date(2023, 3, 20))
    deadline = one("holder_reply", case, [notice, future_reply], today)
    assert deadline.state == "cannot_compute"
    assert "2023-03-20" in str(deadline.cannot_compute)


def test_a_deadline_recorded_on_the_notice_for_the_same_day_is_shown_once_and_met_by_either():
    case = make_case(status="investigating")
    notice = event(K.NOTICE_SERVED, date(2023, 1, 31), due_on=date(2023, 3, 2))
    found = case_deadlines(case, [notice], today=date(2023, 2, 10))
    assert [d.rule for d in found if d.source is notice] == ["holder_reply"]
    assert found[0].can_be_marked_met
    notice.due_met_on = date(2023, 2, 15)
    deadline = one("holder_reply", case, [notice], date(2023, 3, 10))
    assert (deadline.state, deadline.met_on) == ("met", date(2023, 2, 15))


def test_a_different_date_recorded_on_the_notice_stays_a_deadline_of_its_own():
    case = make_case(status="investigating")
    notice = event(K.NOTICE_SERVED, date(2023, 1, 31), due_on=date(2023, 2, 15))
    found = case_deadlines(case, [notice], today=date(2023, 2, 10))
    assert sorted((d.rule, d.due) for d in found if d.source is notice) == [
        ("holder_reply", date(2023, 3, 2)),
        ("recorded", date(2023, 2, 15)),
    ]


# A decision: compliance, the remedy windows, enforcement -------------------------------------------


def test_a_decision_served_29_february_2024_opens_its_clocks_on_the_right_days():
    case = make_case(identified_on=date(2023, 6, 1))
    decision = event(K.DECISION_ISSUED, date(2024, 2, 29))
    today = date(2024, 3, 1)
    found = {d.rule: d for d in case_deadlines(case, [decision], today=today)}
    assert found["compliance"].due == date(2024, 3, 30)
    assert found["review_window"].due == date(2024, 4, 29)
    assert found["lawsuit_window"].due == date(2024, 8, 29)
    assert found["enforcement"].due == date(2024, 11, 29)  # three months after the lawsuit window
    assert found["enforcement"].earliest == date(2024, 8, 30)
    assert all(
        d.source is decision and d.start == date(2024, 2, 29)
        for d in found.values()
        if d.rule != "investigation_start"
    )


def test_a_decision_served_31_august_2023_leaves_until_29_february_2024_to_sue():
    case = make_case(identified_on=date(2023, 6, 1))
    decision = event(K.DECISION_ISSUED, date(2023, 8, 31))
    deadline = one("lawsuit_window", case, [decision], date(2023, 9, 1))
    assert deadline.due == date(2024, 2, 29)
    assert one("review_window", case, [decision], date(2023, 9, 1)).due == date(2023, 10, 30)
    assert one("enforcement", case, [decision], date(2023, 9, 1)).due == date(2024, 5, 29)


@pytest.mark.parametrize("kind", [K.PAYMENT, K.LAND_RECOVERED])
def test_paying_or_returning_the_land_meets_the_compliance_deadline(kind):
    case = make_case(identified_on=date(2023, 6, 1))
    decision = event(K.DECISION_ISSUED, date(2023, 9, 1))
    today = date(2023, 10, 5)
    assert one("compliance", case, [decision], today).state == "overdue"
    done = event(kind, date(2023, 9, 20))
    deadline = one("compliance", case, [decision, done], today)
    assert (deadline.state, deadline.met_on) == ("met", date(2023, 9, 20))
    enforcement = one("enforcement", case, [decision, done], today)
    assert enforcement.state == "met"
    assert "2023-09-20" in str(enforcement.closed)


def test_the_remedy_windows_end_rather_than_fall_overdue():
    case = make_case(identified_on=date(2023, 6, 1))
    decision = event(K.DECISION_ISSUED, date(2023, 9, 1))
    review = one("review_window", case, [decision], date(2023, 10, 31))
    assert (review.state, review.window, review.days_left) == ("open", True, 0)
    review = one("review_window", case, [decision], date(2023, 11, 1))
    assert (review.state, review.ended) == ("met", True)
    assert one("lawsuit_window", case, [decision], date(2024, 3, 2)).ended
    window = one("lawsuit_window", case, [decision], date(2024, 3, 2))
    assert window not in agenda([window], days=14).overdue


def test_filing_a_review_closes_the_window_and_holds_enforcement():
    case = make_case(identified_on=date(2023, 6, 1))
    decision = event(K.DECISION_ISSUED, date(2023, 9, 1))
    review = event(K.REVIEW_FILED, date(2023, 10, 8))
    today = date(2024, 9, 1)
    window = one("review_window", case, [decision, review], today)
    assert (window.state, window.met_on, window.ended) == ("met", date(2023, 10, 8), False)
    enforcement = one("enforcement", case, [decision, review], today)
    assert enforcement.state == "met"
    assert "2023-10-08" in str(enforcement.closed)


def test_a_lawsuit_filed_meets_the_lawsuit_window():
    case = make_case(identified_on=date(2023, 6, 1))
    decision = event(K.DECISION_ISSUED, date(2023, 9, 1))
    lawsuit = event(K.LAWSUIT_FILED, date(2023, 12, 1))
    assert one("lawsuit_window", case, [decision, lawsuit], date(2024, 1, 1)).met_on == date(2023, 12, 1)


def test_enforcement_is_applied_for_within_3_months_after_the_remedies_and_10_days_after_a_reminder():
    case = make_case(identified_on=date(2023, 6, 1))
    decision = event(K.DECISION_ISSUED, date(2023, 8, 31))
    early = one("enforcement", case, [decision], date(2024, 3, 1))
    assert (early.due, early.earliest, early.state) == (date(2024, 5, 29), date(2024, 3, 1), "open")
    assert early.hint  # no reminder recorded yet
    reminder = event(K.REMINDER_SERVED, date(2024, 3, 5))
    reminded = one("enforcement", case, [decision, reminder], date(2024, 3, 6))
    assert (reminded.earliest, reminded.hint) == (date(2024, 3, 15), "")
    assert one("enforcement", case, [decision, reminder], date(2024, 5, 30)).state == "overdue"
    applied = event(K.ENFORCEMENT_APPLIED, date(2024, 3, 20))
    deadline = one("enforcement", case, [decision, reminder, applied], date(2024, 6, 1))
    assert (deadline.state, deadline.met_on) == ("met", date(2024, 3, 20))


def test_a_reminder_served_late_pushes_the_earliest_application_past_the_remedies():
    case = make_case(identified_on=date(2023, 6, 1))
    decision = event(K.DECISION_ISSUED, date(2023, 8, 31))
    reminder = event(K.REMINDER_SERVED, date(2024, 5, 25))
    deadline = one("enforcement", case, [decision, reminder], date(2024, 5, 26))
    assert deadline.earliest == date(2024, 6, 4)
    assert deadline.due == date(2024, 5, 29)


def test_a_decision_before_the_identification_date_gives_four_uncomputable_deadlines():
    case = make_case(identified_on=date(2023, 6, 1))
    decision = event(K.DECISION_ISSUED, date(2023, 5, 1))
    found = [d for d in case_deadlines(case, [decision], today=date(2023, 7, 1)) if d.source is decision]
    assert sorted(d.rule for d in found) == ["compliance", "enforcement", "lawsuit_window", "review_window"]
    assert {d.state for d in found} == {"cannot_compute"}
    assert all("2023-06-01" in str(d.cannot_compute) for d in found)


def test_a_decision_on_a_case_without_identification_date_is_not_guessed_at():
    case = make_case(status="investigating", identified_on=None)
    decision = event(K.DECISION_ISSUED, date(2023, 5, 1))
    deadline = one("compliance", case, [decision], date(2023, 7, 1))
    assert deadline.state == "cannot_compute"
    with translation.override("en"):
        assert "identification" in str(deadline.cannot_compute)


def test_a_decision_dated_in_the_future_cannot_be_computed():
    case = make_case(identified_on=date(2023, 6, 1))
    decision = event(K.DECISION_ISSUED, date(2023, 8, 1))
    assert one("compliance", case, [decision], date(2023, 7, 1)).state == "cannot_compute"


def test_a_payment_before_the_decision_does_not_meet_it():
    case = make_case(identified_on=date(2023, 6, 1))
    payment = event(K.PAYMENT, date(2023, 6, 10))
    decision = event(K.DECISION_ISSUED, date(2023, 7, 1))
    assert one("compliance", case, [payment, decision], date(2023, 8, 15)).state == "overdue"


# Extension and temporary use ----------------------------------------------------------------------


def test_an_extended_start_falls_due_one_year_after_the_decision_and_is_met_by_the_actual_start():
    case = make_case(disposal_method="extend_deadline", decision_on=date(2024, 2, 29))
    deadline = one("extension", case, [], date(2024, 3, 1))
    assert (deadline.start, deadline.due, deadline.state) == (date(2024, 2, 29), date(2025, 2, 28), "open")
    assert one("extension", case, [], date(2025, 3, 1)).state == "overdue"
    case.parcel.actual_start_on = date(2024, 12, 1)
    deadline = one("extension", case, [], date(2025, 3, 1))
    assert (deadline.state, deadline.met_on) == ("met", date(2024, 12, 1))


def test_an_extension_without_a_decision_date_cannot_be_computed():
    case = make_case(status="planning", disposal_method="extend_deadline", decision_on=None)
    deadline = one("extension", case, [], date(2024, 3, 1))
    assert deadline.state == "cannot_compute"
    with translation.override("en"):
        assert "decision date" in str(deadline.cannot_compute)


def test_an_actual_start_before_the_extension_decision_is_inconsistent():
    case = make_case(
        disposal_method="extend_deadline", decision_on=date(2023, 5, 1), actual_start_on=date(2023, 1, 1)
    )
    deadline = one("extension", case, [], date(2023, 6, 1))
    assert deadline.state == "cannot_compute"
    assert "2023-01-01" in str(deadline.cannot_compute)


def test_temporary_use_ends_two_years_after_the_decision():
    case = make_case(disposal_method="temporary_use", decision_on=date(2022, 3, 1))
    deadline = one("temporary_use", case, [], date(2024, 2, 20))
    assert (deadline.due, deadline.state, deadline.days_left) == (date(2024, 3, 1), "open", 10)
    returned = event(K.LAND_RECOVERED, date(2024, 2, 25))
    assert one("temporary_use", case, [returned], date(2024, 3, 5)).met_on == date(2024, 2, 25)
    assert one("temporary_use", case, [], date(2024, 3, 5)).state == "overdue"


def test_temporary_use_without_a_decision_date_cannot_be_computed():
    case = make_case(status="planning", disposal_method="temporary_use", decision_on=None)
    assert one("temporary_use", case, [], date(2024, 3, 1)).state == "cannot_compute"


def test_other_methods_have_no_extension_or_temporary_use_deadline():
    case = make_case(disposal_method="idle_fee", decision_on=date(2022, 3, 1))
    rules = {d.rule for d in case_deadlines(case, [], today=date(2023, 1, 1))}
    assert rules == {"investigation_start"}


# Recorded deadlines -----------------------------------------------------------------------------


def test_a_recorded_deadline_runs_until_it_is_marked_met():
    case = make_case()
    meeting = event(K.MEETING, date(2023, 3, 1), due_on=date(2023, 3, 15), title="约谈后补交材料")
    deadline = one("recorded", case, [meeting], date(2023, 3, 10))
    assert (deadline.state, deadline.days_left, deadline.title) == ("open", 5, "约谈后补交材料")
    assert deadline.can_be_marked_met
    assert one("recorded", case, [meeting], date(2023, 3, 16)).state == "overdue"
    meeting.due_met_on = date(2023, 3, 12)
    deadline = one("recorded", case, [meeting], date(2023, 3, 16))
    assert (deadline.state, deadline.met_on, deadline.can_be_marked_met) == ("met", date(2023, 3, 12), False)


def test_a_recorded_deadline_on_an_event_dated_in_the_future_cannot_be_computed():
    case = make_case()
    meeting = event(K.MEETING, date(2023, 4, 1), due_on=date(2023, 4, 15))
    assert one("recorded", case, [meeting], date(2023, 3, 10)).state == "cannot_compute"


# Closed cases, settings, lists ----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["disposed", "withdrawn"])
def test_a_closed_case_has_no_running_deadline(status):
    case = make_case(status=status, identified_on=date(2023, 1, 1))
    events = [
        event(K.NOTICE_SERVED, date(2023, 1, 5)),
        event(K.DECISION_ISSUED, date(2023, 3, 1)),
        event(K.MEETING, date(2023, 3, 1), due_on=date(2023, 3, 15)),
    ]
    found = case_deadlines(case, events, today=date(2024, 1, 1))
    assert len(found) == 7
    assert {d.state for d in found} == {"met"}
    assert not any(d.is_pending for d in found)
    assert agenda(found, days=14) == ([], [], [])


def test_the_clocks_can_be_set_for_local_rules(settings):
    settings.PARKLAND_DEADLINE_PERIODS = {"holder_reply_days": "15", "lawsuit_window_months": "3"}
    assert periods() == {**DEFAULT_PERIODS, "holder_reply_days": 15, "lawsuit_window_months": 3}
    case = make_case(identified_on=date(2023, 1, 1))
    notice = event(K.NOTICE_SERVED, date(2023, 1, 31))
    assert one("holder_reply", case, [notice], date(2023, 2, 1)).due == date(2023, 2, 15)
    decision = event(K.DECISION_ISSUED, date(2023, 8, 31))
    assert one("lawsuit_window", case, [decision], date(2023, 9, 1)).due == date(2023, 11, 30)


@pytest.mark.parametrize(
    "overrides", [{"no_such_clock": "3"}, {"holder_reply_days": "x"}, {"holder_reply_days": "0"}]
)
def test_a_misconfigured_clock_is_refused_by_name(settings, overrides):
    settings.PARKLAND_DEADLINE_PERIODS = overrides
    with pytest.raises(ImproperlyConfigured, match="PARKLAND_DEADLINE_PERIODS"):
        periods()


def test_the_agenda_splits_overdue_due_soon_and_uncomputable_and_counts_today_and_day_14():
    case = make_case(identified_on=date(2023, 1, 1))
    today = date(2023, 6, 1)
    events = [
        event(K.MEETING, date(2023, 5, 1), due_on=date(2023, 5, 31), title="昨天到期"),
        event(K.MEETING, date(2023, 5, 1), due_on=date(2023, 6, 1), title="今天到期"),
        event(K.MEETING, date(2023, 5, 1), due_on=date(2023, 6, 15), title="第十四天"),
        event(K.MEETING, date(2023, 5, 1), due_on=date(2023, 6, 16), title="第十五天"),
        event(K.NOTICE_SERVED, date(2023, 7, 1), title="未来送达"),
    ]
    found = agenda(case_deadlines(case, events, today=today), days=14)
    assert [d.title for d in found.overdue] == ["昨天到期"]
    assert [d.title for d in found.due_soon] == ["今天到期", "第十四天"]
    assert [d.title for d in found.cannot_compute] == ["未来送达"]


def test_reasons_are_translated_when_shown():
    case = make_case(status="investigating")
    notice = event(K.NOTICE_SERVED, date(2023, 3, 1))
    reply = event(K.ENTERPRISE_REPLY, date(2023, 2, 20))
    deadline = one("holder_reply", case, [notice, reply], date(2023, 3, 10))
    with translation.override("en"):
        english = str(deadline.cannot_compute)
        assert str(deadline.label) == "holder's reply to the investigation notice"
    with translation.override("zh-hans"):
        chinese = str(deadline.cannot_compute)
        assert str(deadline.label) != "holder's reply to the investigation notice"
    assert chinese != english
    assert "2023-02-20" in chinese


# Many cases from the database ----------------------------------------------------------------------


@pytest.mark.django_db
def test_deadlines_for_many_cases_take_two_queries():
    park = factories.make_park(code="DQ")
    officer = factories.make_user(park=park)
    today = date.today()

    def add(index: int) -> DisposalCase:
        case = factories.make_case(
            park=park, status="lead", opened_on=today - timedelta(days=40), officer=officer
        )
        factories.make_event(case=case, kind="notice_served", occurred_on=today - timedelta(days=index % 30))
        factories.make_event(case=case, kind="enterprise_reply", occurred_on=today)
        return case

    cases = [add(i) for i in range(20)]
    with CaptureQueriesContext(connection) as queries:
        found = deadlines_for(DisposalCase.objects.filter(parcel__park=park), today=today)
        for deadline in found:
            _ = (deadline.case.parcel.park.code, deadline.officer, deadline.source, deadline.state)
    assert len(queries.captured_queries) == 2
    assert {d.case for d in found} == set(cases)
    assert sorted({d.rule for d in found}) == ["holder_reply", "investigation_start"]
    assert {d.state for d in found if d.rule == "holder_reply"} == {"met"}
    assert {d.state for d in found if d.rule == "investigation_start"} == {"overdue"}
