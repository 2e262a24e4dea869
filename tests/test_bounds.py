"""Plausible values (issue 11): the bounds in cases/bounds.py, the validators that apply them on every
model field, case numbers of exactly one shape, the deadline engine that never raises on a stored date,
and the ledger that reads the first sheet with a header."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone, translation
from openpyxl import Workbook

from cases import bounds
from cases.deadlines import OutOfCalendar, add_days, add_months, case_deadlines, periods
from cases.forms import ParcelForm
from cases.ledger import import_ledger
from cases.models import CaseEvent, CaseNumberSequence, DisposalCase, LandParcel, parse_case_number
from cases.validators import (
    PastDateValidator,
    PlannedDateValidator,
    PlausibleNumberValidator,
    validate_case_number,
)
from tests import factories
from tests.worlds.ledger import CHINESE, KEYS, case_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refusal(validator, value) -> str:
    with pytest.raises(ValidationError) as refused:
        validator(value)
    return refused.value.messages[0]


def today_is(monkeypatch, day: date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


# Dates --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(1949, 10, 1), date(2000, 2, 29), date(2024, 6, 30)])
def test_a_past_date_from_the_founding_to_today_is_plausible(monkeypatch, day):
    today_is(monkeypatch, date(2024, 6, 30))
    PastDateValidator("opened on")(day)


@pytest.mark.parametrize(
    "day", [date(1, 1, 1), date(1900, 1, 1), date(1949, 9, 30), date(2024, 7, 1), date.max]
)
def test_a_past_date_outside_the_range_is_refused_naming_field_value_and_range(monkeypatch, day):
    today_is(monkeypatch, date(2024, 6, 30))
    assert refusal(PastDateValidator("opened on"), day) == (
        f"Opened on {day.isoformat()} is outside the allowed range (1949-10-01 to today, 2024-06-30)."
    )


def test_the_message_is_plain_chinese(monkeypatch):
    today_is(monkeypatch, date(2024, 6, 30))
    with translation.override("zh-hans"):
        message = refusal(DisposalCase._meta.get_field("opened_on").validators[0], date(9999, 12, 31))
    assert message == "登记日期 9999-12-31 不在允许范围内（1949-10-01 至今天 2024-06-30）"


def test_today_is_taken_when_the_value_is_checked_not_when_the_model_was_loaded(monkeypatch):
    validator = PastDateValidator("opened on")
    today_is(monkeypatch, date(2030, 1, 1))
    validator(date(2029, 12, 31))
    today_is(monkeypatch, date(2029, 1, 1))
    with pytest.raises(ValidationError):
        validator(date(2029, 12, 31))


def test_a_planned_date_may_lie_twenty_years_ahead_and_no_more(monkeypatch):
    today_is(monkeypatch, date(2023, 6, 30))
    validator = PlannedDateValidator("planned completion date")
    validator(date(2043, 6, 30))
    validator(date(2000, 1, 1))
    assert refusal(validator, date(2043, 7, 1)) == (
        "Planned completion date 2043-07-01 is outside the allowed range (1949-10-01 to 2043-06-30, "
        "at most 20 years from today)."
    )
    today_is(monkeypatch, date(2024, 2, 29))
    assert bounds.latest_planned_date() == date(2044, 2, 29)
    monkeypatch.setattr(bounds, "DEFAULTS", {**bounds.DEFAULTS, "PARKLAND_PLANNED_YEARS_AHEAD": 21})
    assert bounds.latest_planned_date() == date(2045, 2, 28)


def test_the_bounds_are_settings(settings, monkeypatch):
    today_is(monkeypatch, date(2024, 6, 30))
    settings.PARKLAND_EARLIEST_DATE = date(1990, 1, 1)
    settings.PARKLAND_PLANNED_YEARS_AHEAD = 5
    settings.PARKLAND_MAX_AREA_M2 = Decimal("1000")
    assert "1990-01-01 to today" in refusal(PastDateValidator("opened on"), date(1989, 12, 31))
    assert "1990-01-01 to 2029-06-30" in refusal(PlannedDateValidator("target"), date(2030, 1, 1))
    assert "(0.01 to 1,000 m²)" in refusal(PlausibleNumberValidator("area (m²)", "area"), Decimal("1000.01"))


def test_validators_name_their_field_in_migrations_and_compare_equal():
    validator = PastDateValidator("opened on")
    assert validator.deconstruct() == ("cases.validators.PastDateValidator", ("opened on",), {})
    assert PlausibleNumberValidator("area (m²)", "area").deconstruct()[1] == ("area (m²)", "area")
    assert validator == PastDateValidator("opened on") != PlannedDateValidator("opened on")
    with pytest.raises(ValueError, match="Unknown kind"):
        PlausibleNumberValidator("area", "acreage")


# Rows the application computes and no one types: their dates come from bounded dates.
COMPUTED_MODELS = {"CaseDeadline"}


def test_every_date_of_every_model_is_bounded():
    unbounded = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config("cases").get_models()
        if model.__name__ not in COMPUTED_MODELS
        for field in model._meta.concrete_fields
        if field.get_internal_type() == "DateField"
        and not any(isinstance(v, PastDateValidator | PlannedDateValidator) for v in field.validators)
    ]
    assert unbounded == []


# Figures ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (
            "area",
            Decimal("999999999999"),
            "Area 999,999,999,999 is outside the allowed range (0.01 to 10,000,000 m²).",
        ),
        ("area", Decimal("0"), "Area 0 is outside the allowed range (0.01 to 10,000,000 m²)."),
        ("money", Decimal("-1"), "Area -1 is outside the allowed range (0 to 10,000,000, in 10k yuan)."),
        (
            "interest_rate",
            Decimal("150"),
            "Area 150 is outside the allowed range (0% to 24% a year; 24% is the highest lending rate the "
            "courts have protected).",
        ),
        ("percentage", Decimal("100.01"), "Area 100.01 is outside the allowed range (0% to 100%)."),
        ("term_months", 601, "Area 601 is outside the allowed range (1 to 600 months)."),
        ("plot_ratio", Decimal("20.01"), "Area 20.01 is outside the allowed range (0 to 20)."),
        ("year", 1999, "Area 1999 is outside the allowed range (2000 to 2100)."),
        ("area", Decimal("1E+30"), "Area 1,000,000,000,000,000,000,000,000,000,000 is outside"),
    ],
)
def test_a_figure_outside_its_range_is_refused_with_the_range(kind, value, message):
    assert refusal(PlausibleNumberValidator("area", kind), value).startswith(message)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("area", Decimal("0.01")),
        ("area", Decimal("10000000")),
        ("interest_rate", Decimal("24")),
        ("term_months", 1),
        ("percentage", Decimal("0")),
    ],
)
def test_a_figure_at_its_bound_is_plausible(kind, value):
    PlausibleNumberValidator("area", kind)(value)


def test_the_parcel_form_says_the_range_not_the_digit_count():
    park = factories.make_park(code="XQ")
    user = factories.make_user(park=park)
    form = ParcelForm(
        {"park": park.pk, "code": "Z-1", "location": "新青路", "area_m2": "9" * 15, "land_use": "industrial"},
        user=user,
    )
    assert not form.is_valid()
    assert form.errors["area_m2"] == [
        "Area (m²) 999,999,999,999,999 is outside the allowed range (0.01 to 10,000,000 m²)."
    ]
    assert "digits" not in str(form.errors)


def test_the_admin_form_says_the_range_too():
    superuser = factories.make_user(is_superuser=True, is_staff=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    form_class = admin.site._registry[LandParcel].get_form(request)
    form = form_class({"area_m2": "9" * 15})
    form.is_valid()
    assert form.errors["area_m2"] == [
        "Area (m²) 999,999,999,999,999 is outside the allowed range (0.01 to 10,000,000 m²)."
    ]


# Case numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["XQ-2022-001", "XQ-2022-999", "XQ-2022-1000", "DEMO2-1949-9999"])
def test_case_numbers_of_the_right_shape_are_accepted(number):
    validate_case_number(number)
    assert parse_case_number(number) is not None


@pytest.mark.parametrize(
    "number",
    [
        "XQ-2022-99999999999",
        "XQ-2022-10000",
        "XQ-2022-0001",
        "XQ-2022-000",
        "XQ-2022-07",
        "XQ-1948-001",
        "XQ-2999-001",
        "xq-2022-001",
        "XQ-２０２２-001",
        "XQ-2022-001\n",
        "XQ2022001",
        "<script>-2022-001",
        "",
    ],
)
def test_case_numbers_of_any_other_shape_are_refused(number):
    assert refusal(validate_case_number, number).startswith(f"Case number {number} is not of the form")


def test_a_huge_sequence_is_never_noted_so_it_cannot_overflow():
    park = factories.make_park(code="XQ")
    assert parse_case_number("XQ-2022-99999999999") is None
    factories.make_case(park=park, number="XQ-2022-99999999999", opened_on=date(2022, 3, 1))
    assert not CaseNumberSequence.objects.filter(park=park, year=2022).exists()


# The timeline -------------------------------------------------------------------------------------


def test_an_event_before_the_case_was_opened_or_in_the_future_is_refused(monkeypatch):
    today_is(monkeypatch, date(2024, 6, 30))
    case = factories.make_case(opened_on=date(2022, 1, 10))
    early = CaseEvent(case=case, kind="meeting", occurred_on=date(2022, 1, 9), title="协调会")
    with pytest.raises(ValidationError) as refused:
        early.full_clean()
    assert refused.value.message_dict["occurred_on"] == [
        "The date 2022-01-09 is before the case was opened on 2022-01-10; "
        "an event of the case cannot come before it."
    ]
    late = CaseEvent(case=case, kind="meeting", occurred_on=date(2035, 1, 1), title="协调会")
    with pytest.raises(ValidationError) as refused:
        late.full_clean()
    assert refused.value.message_dict["occurred_on"] == [
        "Date 2035-01-01 is outside the allowed range (1949-10-01 to today, 2024-06-30)."
    ]


def test_a_measure_step_before_the_case_was_opened_is_refused():
    case = factories.make_case(opened_on=date(2022, 1, 10))
    measure = factories.make_measure(case=case, method="other", notes="技术改造")
    with pytest.raises(ValidationError, match="before the case was opened on 2022-01-10"):
        measure.advance("negotiating", by=factories.make_user(), on=date(2022, 1, 1))
    measure.refresh_from_db()
    assert measure.status == "proposed" and not case.events.exists()


# The deadline engine ------------------------------------------------------------------------------


def test_the_date_arithmetic_says_when_it_runs_off_the_calendar():
    assert add_days(date(2024, 1, 1), 30) == date(2024, 1, 31)
    with pytest.raises(OutOfCalendar):
        add_days(date(9999, 12, 15), 30)
    with pytest.raises(OutOfCalendar):
        add_months(date(9999, 12, 1), 1)
    assert add_months(date(9999, 11, 30), 1) == date(9999, 12, 30)


@pytest.mark.parametrize(
    "stored",
    [
        {"opened_on": date(9999, 12, 31)},
        {"opened_on": date(1, 1, 1)},
    ],
)
def test_a_stored_date_at_the_end_of_the_calendar_cannot_be_computed_but_never_raises(stored):
    case = factories.make_case(opened_on=date(2022, 1, 10))
    DisposalCase.objects.filter(pk=case.pk).update(**stored)
    case.refresh_from_db()
    events = [
        CaseEvent(case=case, kind="notice_served", occurred_on=date(9999, 12, 31), title="通知", pk=1),
        CaseEvent(
            case=case,
            kind="other",
            occurred_on=date(9999, 12, 30),
            due_on=date(9999, 12, 31),
            title="x",
            pk=2,
        ),
        CaseEvent(case=case, kind="decision_issued", occurred_on=date(9999, 12, 20), title="决定", pk=3),
    ]
    deadlines = case_deadlines(case, events, today=date(2024, 6, 30))
    assert deadlines
    assert {d.state for d in deadlines} <= {"open", "met", "overdue", "cannot_compute"}


def test_a_clock_longer_than_the_calendar_cannot_be_computed():
    case = factories.make_case(opened_on=date(2022, 1, 10))
    deadlines = case_deadlines(
        case, [], today=date(2024, 6, 30), clocks={**periods(), "investigation_start_days": 3_000_000}
    )
    (start,) = [d for d in deadlines if d.rule == "investigation_start"]
    assert start.state == "cannot_compute"
    assert "would fall beyond the calendar" in str(start.cannot_compute)


# The ledger ---------------------------------------------------------------------------------------


def workbook_with_sheets(*sheets: list[list]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for number, rows in enumerate(sheets, start=1):
        sheet = workbook.create_sheet(f"Sheet{number}")
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_ledger_behind_an_empty_first_sheet_is_read_from_the_first_sheet_with_a_header():
    park = factories.make_park(code="HZ")
    admin_user = factories.make_user(username="hz-admin", park=park, role="park_admin")
    factories.make_user(username="hz-officer", park=park, role="officer")
    row = case_row(1)
    data = workbook_with_sheets([], [[CHINESE[key] for key in KEYS], [row[key] or None for key in KEYS]])
    report = import_ledger(data, file_name="两页.xlsx", user=admin_user, dry_run=True)
    assert report.errors == []
    assert report.ok and report.count("created") == 1


def test_a_workbook_with_no_header_on_any_sheet_is_empty():
    park = factories.make_park(code="HZ")
    admin_user = factories.make_user(park=park, role="park_admin")
    report = import_ledger(workbook_with_sheets([], []), file_name="空.xlsx", user=admin_user, dry_run=True)
    assert report.errors == ["The file is empty."]


def test_today_moves_with_the_clock():
    assert bounds.today() == timezone.localdate()
    assert bounds.latest_planned_date() - bounds.today() > timedelta(days=365 * 19)


def test_the_step_into_disposed_says_the_range_not_the_digit_count():
    from cases.forms import TransitionForm
    from cases.models.workflow import TRANSITIONS

    case = factories.make_case(
        status="implementing",
        identified_on=date(2022, 3, 1),
        decision_on=date(2022, 4, 1),
        disposal_method="negotiated_recovery",
    )
    step = next(t for t in TRANSITIONS if t.source == "implementing" and t.target == "disposed")
    form = TransitionForm(
        {"to": "disposed", "disposed_on": "2022-06-01", "disposed_area_m2": "9" * 15},
        targets=[("disposed", "disposed")],
        transition=step,
        case=case,
    )
    assert not form.is_valid()
    assert form.errors["disposed_area_m2"][0].startswith(
        "Disposed area (m²) 999,999,999,999,999 is outside the allowed range (0.01 to 10,000,000 m²)."
    )
    assert "digits" not in str(form.errors)
    # Within the plausible range, the case's own area is still the limit.
    form = TransitionForm(
        {"to": "disposed", "disposed_on": "2022-06-01", "disposed_area_m2": str(case.case_area_m2 + 1)},
        targets=[("disposed", "disposed")],
        transition=step,
        case=case,
    )
    assert not form.is_valid() and "disposed_area_m2" in form.errors
