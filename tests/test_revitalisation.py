"""Revitalisation (issue 6, items 1–3 and 6): typed measures and their steps, the measures list,
the partner registry, project leads matched to land, and the four problem areas."""

import csv
import html
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from cases.models import (
    CaseEvent,
    DisposalCase,
    LandParcel,
    Membership,
    Park,
    Partner,
    ProblemFlag,
    ProjectLead,
    RevitalisationMeasure,
)
from cases.scoping import cases_for
from tests import factories
from tests.worlds.exports import body

pytestmark = pytest.mark.django_db

R = Membership.Role
Method = RevitalisationMeasure.Method
MeasureStatus = RevitalisationMeasure.MeasureStatus


@pytest.fixture(autouse=True)
def _english():
    """Model messages read in English, as the pages do for a user who chose English."""
    with translation.override("en"):
        yield


def sign_in(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def form_data(fields: dict) -> dict:
    """POST values for a dict of model values: rows by primary key, dates in ISO form, None empty."""
    data = {}
    for name, value in fields.items():
        if value is None:
            data[name] = ""
        elif hasattr(value, "pk"):
            data[name] = str(value.pk)
        elif isinstance(value, date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


@dataclass
class Land:
    """Park A (RA) with a viewer, an officer, a case and partners; park B (RB) with the same."""

    park: Park
    other_park: Park
    viewer: object
    officer: object
    other_officer: object
    parcel: LandParcel
    spare_parcel: LandParcel
    case: DisposalCase
    bank: Partner
    fund: Partner
    other_parcel: LandParcel
    other_case: DisposalCase
    other_bank: Partner


@pytest.fixture
def land() -> Land:
    park = factories.make_park(code="RA", name="甲园")
    other_park = factories.make_park(code="RB", name="乙园")
    parcel = factories.make_parcel(park=park, code="RA-01", area_m2="20000.00")
    other_parcel = factories.make_parcel(park=other_park, code="RB-01", area_m2="8000.00")
    return Land(
        park=park,
        other_park=other_park,
        viewer=factories.make_user(username="viewer-ra", park=park, role=R.VIEWER),
        officer=factories.make_user(username="officer-ra", park=park, role=R.OFFICER),
        other_officer=factories.make_user(username="officer-rb", park=other_park, role=R.OFFICER),
        parcel=parcel,
        spare_parcel=factories.make_parcel(park=park, code="RA-02"),
        case=factories.make_case(parcel=parcel, case_area_m2="18000.00"),
        bank=Partner.objects.create(park=park, name="珠江湾商业银行", kind="bank"),
        fund=Partner.objects.create(park=park, name="粤澳产业基金", kind="fund"),
        other_parcel=other_parcel,
        other_case=factories.make_case(parcel=other_parcel),
        other_bank=Partner.objects.create(park=other_park, name="乙园农商银行", kind="bank"),
    )


def valid_fields(method: str, land: Land) -> dict:
    """What a measure of each method needs to pass every rule."""
    return {
        Method.LOAN: {
            "partner": land.bank,
            "amount_wan": Decimal("3500.00"),
            "term_months": 36,
            "interest_rate_pct": Decimal("3.45"),
            "interest_subsidy_wan": Decimal("120.00"),
            "collateral_parcel": land.spare_parcel,
            "drawn_on": date(2025, 6, 1),
        },
        Method.EQUITY_ACQUISITION: {
            "partner": land.fund,
            "amount_wan": Decimal("6200.00"),
            "equity_share_pct": Decimal("51.00"),
            "registered_on": date(2025, 7, 1),
        },
        Method.JOINT_DEVELOPMENT: {
            "partner": land.fund,
            "amount_wan": Decimal("12000.00"),
            "project_name": "标准厂房合作建设项目",
            "partner_share_pct": Decimal("60.00"),
            "holder_share_pct": Decimal("40.00"),
            "contract_signed_on": date(2025, 3, 15),
        },
        Method.OTHER: {"notes": "区城建平台垫付收购资金。"},
    }[method]


# Each rule a measure obeys: (what is wrong, method, the fields that break it, the field blamed,
# the message, the CHECK constraint that holds it in the database, or None where the rule spans
# two tables and only the model can check it).
RULES = [
    (
        "equity share over 100",
        Method.EQUITY_ACQUISITION,
        lambda land: {"equity_share_pct": Decimal("100.01")},
        "equity_share_pct",
        "A share lies above 0 and at most 100%.",
        "equity_share_valid",
    ),
    (
        "equity share below 0",
        Method.EQUITY_ACQUISITION,
        lambda land: {"equity_share_pct": Decimal("-0.01")},
        "equity_share_pct",
        "A share lies above 0 and at most 100%.",
        "equity_share_valid",
    ),
    (
        "partner's share over 100",
        Method.JOINT_DEVELOPMENT,
        lambda land: {"partner_share_pct": Decimal("100.01"), "holder_share_pct": None},
        "partner_share_pct",
        "Partner's share (%) 100.01 is outside the allowed range (0% to 100%).",
        "shares_within_whole",
    ),
    (
        "land user's share below 0",
        Method.JOINT_DEVELOPMENT,
        lambda land: {"holder_share_pct": Decimal("-0.01")},
        "holder_share_pct",
        "Land user's share (%) -0.01 is outside the allowed range (0% to 100%).",
        "shares_within_whole",
    ),
    (
        "negative amount",
        Method.LOAN,
        lambda land: {"amount_wan": Decimal("-0.01")},
        "amount_wan",
        "Amount (10k yuan) -0.01 is outside the allowed range (0 to 10,000,000, in 10k yuan).",
        "figures_valid",
    ),
    (
        "negative interest rate",
        Method.LOAN,
        lambda land: {"interest_rate_pct": Decimal("-0.01")},
        "interest_rate_pct",
        "Interest rate (% a year) -0.01 is outside the allowed range (0% to 24% a year; "
        "24% is the highest lending rate the courts have protected).",
        "figures_valid",
    ),
    (
        "negative interest subsidy",
        Method.LOAN,
        lambda land: {"interest_subsidy_wan": Decimal("-1.00")},
        "interest_subsidy_wan",
        "Interest subsidy (10k yuan) -1.00 is outside the allowed range (0 to 10,000,000, in 10k yuan).",
        "figures_valid",
    ),
    (
        "term of 0 months",
        Method.LOAN,
        lambda land: {"term_months": 0},
        "term_months",
        "Term (months) 0 is outside the allowed range (1 to 600 months).",
        "figures_valid",
    ),
    (
        "collateral parcel of another park",
        Method.LOAN,
        lambda land: {"collateral_parcel": land.other_parcel},
        "collateral_parcel",
        "The collateral must be a parcel of the case's park.",
        None,
    ),
    (
        "completed without a date",
        Method.LOAN,
        lambda land: {"status": MeasureStatus.COMPLETED, "concluded_on": None},
        "concluded_on",
        "Give the date the measure was completed or abandoned.",
        "concluded_has_date",
    ),
    (
        "abandoned without a reason",
        Method.LOAN,
        lambda land: {
            "status": MeasureStatus.ABANDONED,
            "concluded_on": date(2025, 9, 1),
            "abandon_reason": "",
        },
        "abandon_reason",
        "Say why the measure was abandoned.",
        "abandoned_has_reason",
    ),
    (
        "loan term on an equity acquisition",
        Method.EQUITY_ACQUISITION,
        lambda land: {"term_months": 12},
        "term_months",
        "Only a loan has this.",
        "loan_fields_only_on_loans",
    ),
    (
        "interest rate on an equity acquisition",
        Method.EQUITY_ACQUISITION,
        lambda land: {"interest_rate_pct": Decimal("4.00")},
        "interest_rate_pct",
        "Only a loan has this.",
        "loan_fields_only_on_loans",
    ),
    (
        "collateral on an equity acquisition",
        Method.EQUITY_ACQUISITION,
        lambda land: {"collateral_parcel": land.spare_parcel},
        "collateral_parcel",
        "Only a loan has this.",
        "loan_fields_only_on_loans",
    ),
    (
        "drawn date on an equity acquisition",
        Method.EQUITY_ACQUISITION,
        lambda land: {"drawn_on": date(2025, 6, 1)},
        "drawn_on",
        "Only a loan has this.",
        "loan_fields_only_on_loans",
    ),
    (
        "joint development shares over 100 together",
        Method.JOINT_DEVELOPMENT,
        lambda land: {"partner_share_pct": Decimal("60.00"), "holder_share_pct": Decimal("40.01")},
        "holder_share_pct",
        "The two sides' shares add up to more than 100%.",
        "shares_within_whole",
    ),
    (
        "partner of another park",
        Method.LOAN,
        lambda land: {"partner": land.other_bank},
        "partner",
        "The partner must be registered in the case's park.",
        None,
    ),
    (
        "other without a description",
        Method.OTHER,
        lambda land: {"notes": ""},
        "notes",
        "Describe the measure.",
        # No constraint exists yet; any CHECK that refuses the row will do.
        "",
    ),
]
RULE_IDS = [rule[0] for rule in RULES]
ONE_ROW_RULES = [rule for rule in RULES if rule[5] is not None]


def broken_measure(land: Land, method: str, breaks) -> RevitalisationMeasure:
    return RevitalisationMeasure(
        case=land.case, method=method, **{**valid_fields(method, land), **breaks(land)}
    )


# 1. Typed measures: the model, the database and the form each refuse a broken measure ----------


@pytest.mark.parametrize("method", list(Method))
def test_a_measure_of_each_method_with_its_own_fields_is_valid(land, method):
    measure = RevitalisationMeasure(case=land.case, method=method, **valid_fields(method, land))
    measure.full_clean()
    measure.save()
    assert measure.status == MeasureStatus.PROPOSED


@pytest.mark.parametrize(("wrong", "method", "breaks", "field", "message", "constraint"), RULES, ids=RULE_IDS)
def test_the_model_refuses_a_broken_measure_with_its_message(
    land, wrong, method, breaks, field, message, constraint
):
    measure = broken_measure(land, method, breaks)
    with pytest.raises(ValidationError) as refused:
        measure.full_clean()
    assert message in refused.value.message_dict.get(field, []), refused.value.message_dict


@pytest.mark.parametrize(
    ("wrong", "method", "breaks", "field", "message", "constraint"),
    ONE_ROW_RULES,
    ids=[r[0] for r in ONE_ROW_RULES],
)
def test_the_database_refuses_a_broken_measure_written_past_the_model(
    land, wrong, method, breaks, field, message, constraint
):
    """docs/data-model.md: every rule one row can express is a database constraint too."""
    before = RevitalisationMeasure.objects.count()
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        broken_measure(land, method, breaks).save()
    assert f"cases_revitalisationmeasure_{constraint}" in str(refused.value)
    assert RevitalisationMeasure.objects.count() == before


def measure_url(case: DisposalCase) -> str:
    return f"/cases/{case.number}/measures/new/"


def post_measure(client, land: Land, method: str, fields: dict):
    return client.post(measure_url(land.case), form_data({"method": method, **fields}))


@pytest.mark.parametrize("method", list(Method))
def test_an_officer_records_a_valid_measure_of_each_method_through_the_form(client, land, method):
    sign_in(client, land.officer)
    fields = valid_fields(method, land)
    response = post_measure(client, land, method, {**fields, "started_on": date(2025, 2, 1)})
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == land.case.get_absolute_url()
    measure = land.case.measures.get()
    assert measure.method == method
    assert measure.status == MeasureStatus.PROPOSED
    for name, value in fields.items():
        assert getattr(measure, name) == value, name
    record = measure.history.get()
    assert record.history_user == land.officer


# The form refuses with the field's own message (a form validator, a model rule, or the choice
# limited to the case's park); rules about status are the step view's, tested further down.
NOT_ON_THE_FORM = {
    "completed without a date",
    "abandoned without a reason",
    "loan term on an equity acquisition",
    "interest rate on an equity acquisition",
    "collateral on an equity acquisition",
    "drawn date on an equity acquisition",
}
FORM_RULES = [rule[:5] for rule in RULES if rule[0] not in NOT_ON_THE_FORM]
NOT_A_CHOICE = "Select a valid choice. That choice is not one of the available choices."
FORM_MESSAGES = {
    "collateral parcel of another park": NOT_A_CHOICE,
    "partner of another park": NOT_A_CHOICE,
    # The form checks the plausible range first; the model's own rule is not reached.
    "equity share over 100": "Share acquired (%) 100.01 is outside the allowed range (0% to 100%).",
    "equity share below 0": "Share acquired (%) -0.01 is outside the allowed range (0% to 100%).",
}


@pytest.mark.parametrize(
    ("wrong", "method", "breaks", "field", "message"), FORM_RULES, ids=[r[0] for r in FORM_RULES]
)
def test_the_measure_form_refuses_bad_input_with_422_and_saves_nothing(
    client, land, wrong, method, breaks, field, message
):
    sign_in(client, land.officer)
    response = post_measure(client, land, method, {**valid_fields(method, land), **breaks(land)})
    assert response.status_code == 422
    message = FORM_MESSAGES.get(wrong, message)
    assert message in response.context["form"].errors.get(field, []), response.context["form"].errors
    assert message in text(response)
    assert not RevitalisationMeasure.objects.exists()


def test_the_form_drops_the_hidden_loan_fields_of_an_equity_acquisition(client, land):
    """The page hides the fields of other methods; what they still carry is dropped, not stored."""
    sign_in(client, land.officer)
    fields = {
        **valid_fields(Method.EQUITY_ACQUISITION, land),
        **{k: v for k, v in valid_fields(Method.LOAN, land).items() if k not in {"partner", "amount_wan"}},
    }
    response = post_measure(client, land, Method.EQUITY_ACQUISITION, fields)
    assert response.status_code == 302
    measure = land.case.measures.get()
    assert (measure.term_months, measure.interest_rate_pct, measure.interest_subsidy_wan) == (
        None,
        None,
        None,
    )
    assert (measure.collateral_parcel, measure.drawn_on) == (None, None)
    assert measure.equity_share_pct == Decimal("51.00")


def test_the_form_cannot_set_a_status(client, land):
    sign_in(client, land.officer)
    fields = {**valid_fields(Method.LOAN, land), "status": "completed", "concluded_on": "2025-01-01"}
    assert post_measure(client, land, Method.LOAN, fields).status_code == 302
    measure = land.case.measures.get()
    assert (measure.status, measure.concluded_on) == (MeasureStatus.PROPOSED, None)


def test_the_form_offers_only_the_cases_park_partners_and_parcels(client, land):
    sign_in(client, land.officer)
    form = client.get(measure_url(land.case)).context["form"]
    assert set(form.fields["partner"].queryset) == {land.bank, land.fund}
    assert land.other_parcel not in set(form.fields["collateral_parcel"].queryset)


def test_a_viewer_cannot_add_a_measure_and_another_park_cannot_see_the_form(client, land):
    data = form_data({"method": Method.LOAN, **valid_fields(Method.LOAN, land)})
    sign_in(client, land.viewer)
    assert client.get(measure_url(land.case)).status_code == 403
    assert client.post(measure_url(land.case), data).status_code == 403
    sign_in(client, land.other_officer)
    assert client.get(measure_url(land.case)).status_code == 404
    assert client.post(measure_url(land.case), data).status_code == 404
    assert not RevitalisationMeasure.objects.exists()


# Steps: proposed → negotiating → agreed → completed, or abandoned with a reason ---------------


def step_url(measure: RevitalisationMeasure) -> str:
    return f"/cases/{measure.case.number}/measures/{measure.pk}/step/"


def step(client, measure, to: str, on: date | str = date(2025, 3, 1), reason: str = "", follow=False):
    on = on.isoformat() if isinstance(on, date) else on
    return client.post(step_url(measure), {"to": to, "on": on, "reason": reason}, follow=follow)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def loan(land) -> RevitalisationMeasure:
    return factories.make_measure(case=land.case, method=Method.LOAN, **valid_fields(Method.LOAN, land))


def test_a_loan_goes_through_every_step_each_on_the_timeline_and_in_the_history(client, land, loan):
    sign_in(client, land.officer)
    path = [
        (MeasureStatus.NEGOTIATING, date(2025, 3, 1)),
        (MeasureStatus.AGREED, date(2025, 5, 20)),
        (MeasureStatus.COMPLETED, date(2025, 8, 29)),
    ]
    for number, (to, on) in enumerate(path, start=1):
        response = step(client, loan, to, on, reason=f"第{number}步")
        assert response.status_code == 302
        assert response["Location"] == land.case.get_absolute_url()
        loan.refresh_from_db()
        assert loan.status == to
        events = land.case.events.filter(kind=CaseEvent.Kind.MEASURE).order_by("pk")
        assert events.count() == number
        event = events.last()
        assert event.occurred_on == on
        assert event.actor == land.officer
        assert event.details == f"第{number}步"
        assert str(MeasureStatus(to).label) in event.title
        assert loan.history.count() == number + 1
        assert loan.history.latest("history_date").history_user == land.officer
    assert (loan.started_on, loan.agreed_on, loan.concluded_on) == (
        date(2025, 3, 1),
        date(2025, 5, 20),
        date(2025, 8, 29),
    )
    page = text(client.get(land.case.get_absolute_url()))
    assert "→ completed" in page


@pytest.mark.parametrize(
    "before", [MeasureStatus.PROPOSED, MeasureStatus.NEGOTIATING, MeasureStatus.AGREED], ids=str
)
def test_a_measure_can_be_abandoned_with_a_reason_from_any_step_before_completion(client, land, before):
    measure = factories.make_measure(
        case=land.case,
        method=Method.LOAN,
        status=before,
        **valid_fields(Method.LOAN, land),
        started_on=date(2025, 1, 5),
    )
    sign_in(client, land.officer)
    response = step(client, measure, MeasureStatus.ABANDONED, date(2025, 4, 1), reason="估值分歧，谈判终止。")
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.ABANDONED
    assert measure.abandon_reason == "估值分歧，谈判终止。"
    assert measure.concluded_on == date(2025, 4, 1)
    event = land.case.events.get(kind=CaseEvent.Kind.MEASURE)
    assert event.details == "估值分歧，谈判终止。"
    assert measure.history.count() == 2


def assert_refused(client, measure, response, message: str):
    """The step is refused with `message` on the case page; the measure, timeline and history stay."""
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == measure.case.get_absolute_url()
    assert any(message in shown for shown in messages_of(response)), messages_of(response)
    assert message in text(response)
    before = RevitalisationMeasure.objects.get(pk=measure.pk)
    assert before.status == measure.status
    assert not measure.case.events.filter(kind=CaseEvent.Kind.MEASURE).exists()
    assert before.history.count() == measure.history.count()


def test_abandoning_without_a_reason_is_refused(client, land, loan):
    sign_in(client, land.officer)
    response = step(client, loan, MeasureStatus.ABANDONED, reason="   ", follow=True)
    assert_refused(client, loan, response, "Say why the measure was abandoned.")


def test_a_step_without_a_date_is_refused(client, land):
    agreed = factories.make_measure(
        case=land.case, method=Method.LOAN, status=MeasureStatus.AGREED, **valid_fields(Method.LOAN, land)
    )
    sign_in(client, land.officer)
    response = step(client, agreed, MeasureStatus.COMPLETED, on="", follow=True)
    assert_refused(client, agreed, response, "This field is required.")
    assert RevitalisationMeasure.objects.get(pk=agreed.pk).concluded_on is None


@pytest.mark.parametrize(
    ("before", "to"),
    [
        (MeasureStatus.PROPOSED, MeasureStatus.COMPLETED),
        (MeasureStatus.PROPOSED, MeasureStatus.AGREED),
        (MeasureStatus.NEGOTIATING, MeasureStatus.PROPOSED),
        (MeasureStatus.COMPLETED, MeasureStatus.ABANDONED),
        (MeasureStatus.COMPLETED, MeasureStatus.AGREED),
        (MeasureStatus.COMPLETED, MeasureStatus.COMPLETED),
        (MeasureStatus.ABANDONED, MeasureStatus.PROPOSED),
        (MeasureStatus.PROPOSED, "approved"),
    ],
    ids=lambda value: str(value),
)
def test_a_forbidden_step_is_refused_with_a_message_and_changes_nothing(client, land, before, to):
    concluded = before in (MeasureStatus.COMPLETED, MeasureStatus.ABANDONED)
    measure = factories.make_measure(
        case=land.case,
        method=Method.LOAN,
        status=before,
        concluded_on=date(2025, 2, 1) if concluded else None,
        abandon_reason="谈判终止" if before == MeasureStatus.ABANDONED else "",
        **valid_fields(Method.LOAN, land),
    )
    sign_in(client, land.officer)
    response = step(client, measure, to, reason="试图越级", follow=True)
    assert_refused(client, measure, response, "Select a valid choice.")


def test_a_model_rule_that_a_step_would_break_refuses_the_step(client, land):
    """An agreed loan needs its amount and term; the step says so and changes nothing."""
    bare = factories.make_measure(
        case=land.case, method=Method.LOAN, partner=land.bank, status=MeasureStatus.NEGOTIATING
    )
    sign_in(client, land.officer)
    response = step(client, bare, MeasureStatus.AGREED, follow=True)
    assert_refused(client, bare, response, "An agreed loan needs its amount.")


def test_a_measure_cannot_conclude_before_it_started(client, land):
    measure = factories.make_measure(
        case=land.case,
        method=Method.LOAN,
        status=MeasureStatus.AGREED,
        started_on=date(2025, 5, 1),
        **valid_fields(Method.LOAN, land),
    )
    sign_in(client, land.officer)
    response = step(client, measure, MeasureStatus.COMPLETED, date(2025, 4, 30), follow=True)
    assert_refused(client, measure, response, "A measure cannot conclude before it started.")


def test_a_viewer_gets_403_and_another_park_404_on_a_step(client, land, loan):
    sign_in(client, land.viewer)
    assert step(client, loan, MeasureStatus.NEGOTIATING).status_code == 403
    sign_in(client, land.other_officer)
    assert step(client, loan, MeasureStatus.NEGOTIATING).status_code == 404
    loan.refresh_from_db()
    assert loan.status == MeasureStatus.PROPOSED
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.MEASURE).exists()


def test_a_step_on_a_measure_of_another_case_is_404_and_get_is_405(client, land, loan):
    other = factories.make_case(parcel=land.spare_parcel)
    sign_in(client, land.officer)
    response = client.post(
        f"/cases/{other.number}/measures/{loan.pk}/step/", {"to": "negotiating", "on": "2025-03-01"}
    )
    assert response.status_code == 404
    assert client.get(step_url(loan)).status_code == 405
    loan.refresh_from_db()
    assert loan.status == MeasureStatus.PROPOSED


def test_the_case_page_offers_only_the_next_steps(client, land, loan):
    sign_in(client, land.officer)
    page = client.get(land.case.get_absolute_url())
    form = page.content.decode().split(f'action="{step_url(loan)}"')[1].split("</form>")[0]
    assert 'value="negotiating"' in form
    assert 'value="abandoned"' in form
    assert 'value="completed"' not in form
    sign_in(client, land.viewer)
    assert step_url(loan) not in client.get(land.case.get_absolute_url()).content.decode()


# 2. The measures list, its filters, exports and scope -----------------------------------------


@dataclass
class Ledger:
    land: Land
    low: RevitalisationMeasure
    evidence: RevitalisationMeasure
    litigation: RevitalisationMeasure
    funding: RevitalisationMeasure
    other_park: RevitalisationMeasure


@pytest.fixture
def ledger(land) -> Ledger:
    """One measure on a case of each problem flag in park A, and a loan in park B."""

    def case_with(flag: str):
        parcel = factories.make_parcel(park=land.park)
        return factories.make_case(parcel=parcel, **{flag: True, f"{flag}_note": f"{flag} 说明"})

    low = factories.make_measure(
        case=case_with("low_willingness"),
        method=Method.LOAN,
        partner=land.bank,
        amount_wan=Decimal("100.00"),
        term_months=12,
        status=MeasureStatus.AGREED,
        started_on=date(2025, 2, 1),
        agreed_on=date(2025, 3, 10),
    )
    evidence = factories.make_measure(
        case=case_with("evidence_difficulty"),
        method=Method.EQUITY_ACQUISITION,
        partner=land.fund,
        amount_wan=Decimal("200.00"),
        equity_share_pct=Decimal("30.00"),
        status=MeasureStatus.COMPLETED,
        started_on=date(2025, 1, 15),
        agreed_on=date(2025, 4, 1),
        concluded_on=date(2025, 6, 30),
    )
    litigation = factories.make_measure(
        case=case_with("litigation_risk"),
        method=Method.JOINT_DEVELOPMENT,
        partner=land.fund,
        project_name="滨江标准厂房合作项目",
        amount_wan=Decimal("300.00"),
    )
    funding = factories.make_measure(
        case=case_with("funding_gap"),
        method=Method.OTHER,
        notes="平台垫付收购资金",
        status=MeasureStatus.NEGOTIATING,
        started_on=date(2025, 1, 2),
    )
    other_park = factories.make_measure(
        case=land.other_case,
        method=Method.LOAN,
        partner=land.other_bank,
        amount_wan=Decimal("999.00"),
        term_months=24,
        status=MeasureStatus.AGREED,
        agreed_on=date(2025, 3, 10),
        notes="平台垫付收购资金",
    )
    return Ledger(land, low, evidence, litigation, funding, other_park)


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {measure.pk for measure in response.context["object_list"]}


FILTERS = [
    ("", {"low", "evidence", "litigation", "funding"}),
    ("method=loan", {"low"}),
    ("method=joint_development", {"litigation"}),
    ("status=completed", {"evidence"}),
    ("status=negotiating", {"funding"}),
    ("partner_kind=fund", {"evidence", "litigation"}),
    ("partner_kind=bank", {"low"}),
    ("low_willingness=true", {"low"}),
    ("evidence_difficulty=true", {"evidence"}),
    ("litigation_risk=true", {"litigation"}),
    ("funding_gap=true", {"funding"}),
    ("funding_gap=false", {"low", "evidence", "litigation"}),
    ("agreed_after=2025-03-10&agreed_before=2025-03-31", {"low"}),
    ("agreed_after=2025-03-11", {"evidence"}),
    ("agreed_before=2025-03-09", set()),
    ("concluded_after=2025-06-30&concluded_before=2025-06-30", {"evidence"}),
    ("concluded_before=2025-06-29", set()),
    ("q=滨江", {"litigation"}),
    ("q=平台垫付", {"funding"}),
    ("q=珠江湾", {"low"}),
    ("method=loan&status=completed", set()),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS, ids=[q or "all" for q, _e in FILTERS])
def test_the_measures_list_filters(client, ledger, query, expected):
    sign_in(client, ledger.land.officer)
    assert listed(client.get(f"/measures/?{query}")) == {getattr(ledger, name).pk for name in expected}


def test_the_measures_list_filters_by_partner_and_by_case_number(client, ledger):
    sign_in(client, ledger.land.officer)
    assert listed(client.get(f"/measures/?partner={ledger.land.fund.pk}")) == {
        ledger.evidence.pk,
        ledger.litigation.pk,
    }
    assert listed(client.get(f"/measures/?q={ledger.low.case.number}")) == {ledger.low.pk}


def test_the_measures_list_filters_by_park_for_a_member_of_two_parks(client, ledger):
    both = factories.make_user(park=ledger.land.park, role=R.VIEWER)
    Membership.objects.create(user=both, park=ledger.land.other_park, role=R.VIEWER)
    sign_in(client, both)
    assert listed(client.get(f"/measures/?park={ledger.land.other_park.pk}")) == {ledger.other_park.pk}
    assert ledger.other_park.pk not in listed(client.get(f"/measures/?park={ledger.land.park.pk}"))
    assert len(listed(client.get("/measures/"))) == 5


def test_the_measures_list_never_shows_another_parks_measures(client, ledger):
    sign_in(client, ledger.land.officer)
    for query in ["", f"park={ledger.land.other_park.pk}", f"partner={ledger.land.other_bank.pk}", "q=乙园"]:
        response = client.get(f"/measures/?{query}")
        assert ledger.other_park.pk not in listed(response), query
        assert ledger.land.other_case.number not in text(response), query
    response = client.get("/measures/")
    assert response.context["money"] == {
        "proposed": Decimal("300.00"),
        "agreed": Decimal("100.00"),
        "completed": Decimal("200.00"),
    }
    assert ledger.land.other_bank not in set(response.context["filterset"].form.fields["partner"].queryset)
    sign_in(client, ledger.land.other_officer)
    assert listed(client.get("/measures/")) == {ledger.other_park.pk}


def csv_numbers(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = body(response)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return [row[0] for row in rows[1:]]


def xlsx_numbers(response) -> list[str]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize(
    "query", ["", "partner_kind=fund", "low_willingness=true", "q=平台垫付", "status=agreed"]
)
def test_the_measures_exports_hold_what_the_list_shows(client, ledger, query):
    sign_in(client, ledger.land.officer)
    shown = sorted(m.case.number for m in client.get(f"/measures/?{query}").context["object_list"])
    assert sorted(csv_numbers(client.get(f"/measures/export.csv?{query}"))) == shown
    assert sorted(xlsx_numbers(client.get(f"/measures/export.xlsx?{query}"))) == shown
    assert ledger.land.other_case.number not in shown


def test_the_measures_csv_carries_the_typed_fields(client, ledger):
    sign_in(client, ledger.land.officer)
    response = client.get("/measures/export.csv?method=equity_acquisition")
    header, row = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    values = dict(zip(header, row, strict=True))
    assert values["share acquired (%)"] == "30.00"
    assert values["amount (10k yuan)"] == "200.00"
    assert values["partner"] == "粤澳产业基金"
    assert values["concluded on"] == "2025-06-30"


# 2. Partners ---------------------------------------------------------------------------------


def test_the_partner_list_shows_the_parks_partners_with_their_money(client, ledger):
    sign_in(client, ledger.land.officer)
    response = client.get("/partners/")
    rows = {p.name: p for p in response.context["object_list"]}
    assert set(rows) == {"珠江湾商业银行", "粤澳产业基金"}
    assert (rows["珠江湾商业银行"].measure_count, rows["珠江湾商业银行"].agreed_wan) == (1, Decimal("100.00"))
    assert rows["粤澳产业基金"].completed_wan == Decimal("200.00")
    assert "乙园农商银行" not in text(response)
    exported = csv.reader(io.StringIO(body(client.get("/partners/export.csv")).decode("utf-8-sig")))
    assert sorted(row[0] for row in list(exported)[1:]) == sorted(rows)


def test_the_partner_list_filters_by_kind_and_name(client, ledger):
    sign_in(client, ledger.land.officer)
    assert [p.name for p in client.get("/partners/?kind=fund").context["object_list"]] == ["粤澳产业基金"]
    assert [p.name for p in client.get("/partners/?q=银行").context["object_list"]] == ["珠江湾商业银行"]


@pytest.fixture
def backer(land) -> Partner:
    """A bank with loans in every state, and an equity acquisition."""
    partner = Partner.objects.create(park=land.park, name="南粤丰汇银行", kind="bank")
    states = [
        (Method.LOAN, MeasureStatus.PROPOSED, "30.00", {}),
        (Method.LOAN, MeasureStatus.AGREED, "100.00", {"agreed_on": date(2025, 3, 1)}),
        (Method.LOAN, MeasureStatus.COMPLETED, "200.00", {"concluded_on": date(2025, 9, 1)}),
        (
            Method.LOAN,
            MeasureStatus.ABANDONED,
            "1000.00",
            {"concluded_on": date(2025, 4, 1), "abandon_reason": "额度不足"},
        ),
        (
            Method.EQUITY_ACQUISITION,
            MeasureStatus.COMPLETED,
            "50.00",
            {"concluded_on": date(2025, 10, 1), "equity_share_pct": Decimal("20.00")},
        ),
    ]
    for method, status, amount, extra in states:
        factories.make_measure(
            case=factories.make_case(parcel=factories.make_parcel(park=land.park)),
            method=method,
            partner=partner,
            status=status,
            amount_wan=Decimal(amount),
            term_months=12 if method == Method.LOAN else None,
            **extra,
        )
    return partner


def test_the_partner_page_totals_agreed_and_completed_money(client, land, backer):
    sign_in(client, land.officer)
    response = client.get(f"/partners/{backer.pk}/")
    assert response.status_code == 200
    partner = response.context["partner"]
    assert (partner.measure_count, partner.agreed_wan, partner.completed_wan) == (
        5,
        Decimal("100.00"),
        Decimal("250.00"),
    )
    assert len(response.context["measures"]) == 5


def test_the_partner_page_totals_money_agreed_and_completed_by_method(client, land, backer):
    """Issue 6 §2: each partner's measures and their totals — by method, the agreed and the completed
    money, never the amount of a loan only proposed or abandoned."""
    sign_in(client, land.officer)
    rows = {row["method"]: row for row in client.get(f"/partners/{backer.pk}/").context["by_method"]}
    assert (rows["loan"].get("agreed"), rows["loan"].get("completed")) == (
        Decimal("100.00"),
        Decimal("200.00"),
    )
    assert (rows["equity_acquisition"].get("agreed"), rows["equity_acquisition"].get("completed")) == (
        Decimal("0"),
        Decimal("50.00"),
    )


def test_another_parks_partner_is_404(client, land):
    sign_in(client, land.officer)
    assert client.get(f"/partners/{land.other_bank.pk}/").status_code == 404
    assert client.get(f"/partners/{land.other_bank.pk}/edit/").status_code == 404
    assert client.post(f"/partners/{land.other_bank.pk}/edit/", {"name": "改名"}).status_code == 404


def partner_data(land: Land, **fields) -> dict:
    return {"park": land.park.pk, "name": "横琴创投基金", "kind": "fund", "contact_person": "陈立", **fields}


def test_an_officer_registers_and_edits_a_partner(client, land):
    sign_in(client, land.officer)
    response = client.post("/partners/new/", partner_data(land))
    partner = Partner.objects.get(name="横琴创投基金")
    assert response.status_code == 302
    assert response["Location"] == partner.get_absolute_url()
    assert (partner.park, partner.kind) == (land.park, "fund")
    response = client.post(
        f"/partners/{partner.pk}/edit/", partner_data(land, kind="state_owned", contact_phone="0756-1234567")
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.kind, partner.contact_phone) == ("state_owned", "0756-1234567")
    assert partner.history.count() == 2


def test_a_viewer_cannot_register_or_edit_a_partner(client, land):
    sign_in(client, land.viewer)
    assert client.get("/partners/new/").status_code == 403
    assert client.post("/partners/new/", partner_data(land)).status_code == 403
    assert client.get(f"/partners/{land.bank.pk}/edit/").status_code == 403
    assert client.post(f"/partners/{land.bank.pk}/edit/", partner_data(land)).status_code == 403
    assert not Partner.objects.filter(name="横琴创投基金").exists()
    assert 'href="/partners/new/"' not in client.get("/partners/").content.decode()


def test_a_partner_cannot_be_registered_in_another_park(client, land):
    sign_in(client, land.officer)
    response = client.post("/partners/new/", partner_data(land, park=land.other_park.pk))
    assert response.status_code == 422
    assert "park" in response.context["form"].errors
    assert not Partner.objects.filter(name="横琴创投基金").exists()


def test_a_duplicate_partner_name_in_the_same_park_is_refused_with_a_message(client, land):
    sign_in(client, land.officer)
    response = client.post("/partners/new/", partner_data(land, name="珠江湾商业银行", kind="bank"))
    assert response.status_code == 422
    assert "This park already has a partner of this name." in text(response)
    assert Partner.objects.filter(name="珠江湾商业银行").count() == 1
    response = client.post(f"/partners/{land.fund.pk}/edit/", partner_data(land, name="珠江湾商业银行"))
    assert response.status_code == 422
    assert "This park already has a partner of this name." in text(response)
    land.fund.refresh_from_db()
    assert land.fund.name == "粤澳产业基金"


def test_the_same_partner_name_may_serve_two_parks(client, land):
    sign_in(client, land.other_officer)
    response = client.post(
        "/partners/new/", partner_data(land, park=land.other_park.pk, name="珠江湾商业银行", kind="bank")
    )
    assert response.status_code == 302
    assert Partner.objects.filter(name="珠江湾商业银行").count() == 2


# 3. Project leads ----------------------------------------------------------------------------


def lead_data(land: Land, **fields) -> dict:
    return {
        "park": land.park.pk,
        "name": "新能源电池模组扩产项目",
        "investor": "珠海市朔岚新能源电池有限公司",
        "industry": "新能源电池",
        "area_needed_m2": "10000.00",
        "land_use": "industrial",
        "min_plot_ratio": "",
        "planned_investment_wan": "28000.00",
        **fields,
    }


def test_an_officer_records_a_lead(client, land):
    sign_in(client, land.officer)
    response = client.post("/leads/new/", lead_data(land))
    lead = ProjectLead.objects.get()
    assert response.status_code == 302
    assert response["Location"] == lead.get_absolute_url()
    assert (lead.status, lead.area_needed_m2) == ("open", Decimal("10000.00"))


@pytest.mark.parametrize("area", ["0", "0.00", "-5"])
def test_a_lead_needing_no_land_is_refused_with_a_message(client, land, area):
    sign_in(client, land.officer)
    response = client.post("/leads/new/", lead_data(land, area_needed_m2=area))
    assert response.status_code == 422
    errors = response.context["form"].errors["area_needed_m2"]
    assert errors
    for error in errors:
        assert error in text(response)
    assert not ProjectLead.objects.exists()


def test_a_lead_needing_no_land_is_refused_by_the_model_and_the_database(land):
    lead = ProjectLead(park=land.park, name="仓储项目", investor="港湾供应链", area_needed_m2=Decimal("0"))
    with pytest.raises(ValidationError) as refused:
        lead.full_clean()
    assert "area_needed_m2" in refused.value.message_dict
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        lead.save()
    assert "cases_projectlead_area_positive" in str(refused.value)


def test_a_viewer_cannot_record_a_lead(client, land):
    sign_in(client, land.viewer)
    assert client.get("/leads/new/").status_code == 403
    assert client.post("/leads/new/", lead_data(land)).status_code == 403
    assert not ProjectLead.objects.exists()


def make_lead(park, **fields) -> ProjectLead:
    fields = {
        "name": "新能源电池模组扩产项目",
        "investor": "珠海市朔岚新能源电池有限公司",
        "area_needed_m2": Decimal("10000.00"),
        "land_use": "industrial",
        "planned_investment_wan": Decimal("28000.00"),
        **fields,
    }
    return ProjectLead.objects.create(park=park, **fields)


def open_case(park, area: str, *, land_use: str = "industrial", **parcel_fields) -> DisposalCase:
    parcel = factories.make_parcel(park=park, area_m2="50000.00", land_use=land_use, **parcel_fields)
    return factories.make_case(parcel=parcel, case_area_m2=area)


def matched(user, lead, tolerance="20") -> list[str]:
    return [case.number for case in lead.matching_cases(cases_for(user), Decimal(tolerance))]


def test_the_case_of_exactly_the_area_needed_comes_first_and_other_parks_never(client, land):
    lead = make_lead(land.park)
    near = open_case(land.park, "10400.00")
    m0 = open_case(land.park, "9500.00", land_use="new_industrial")
    far = open_case(land.park, "11900.00")
    elsewhere = open_case(land.other_park, "10000.00")
    exact = open_case(land.park, "10000.00")
    assert matched(land.officer, lead) == [exact.number, near.number, m0.number, far.number]
    sign_in(client, land.officer)
    response = client.get(f"/leads/{lead.pk}/")
    assert [case.number for case in response.context["matches"]] == [
        exact.number,
        near.number,
        m0.number,
        far.number,
    ]
    page = text(response)
    assert elsewhere.number not in page
    assert elsewhere.parcel.code not in page
    assert elsewhere.number not in matched(land.officer, lead)


def test_a_superuser_sees_matches_in_every_park(land):
    lead = make_lead(land.park)
    here = open_case(land.park, "10100.00")
    elsewhere = open_case(land.other_park, "10000.00")
    root = factories.make_user(is_superuser=True, is_staff=True)
    assert matched(root, lead, "1") == [elsewhere.number, here.number]


@pytest.mark.parametrize(
    ("area", "fits"),
    [
        ("9000.00", True),
        ("11000.00", True),
        ("8999.99", False),
        ("11000.01", False),
    ],
)
def test_the_matches_respect_the_tolerance(client, land, area, fits):
    lead = make_lead(land.park)
    case = open_case(land.park, area)
    sign_in(client, land.officer)
    shown = [c.number for c in client.get(f"/leads/{lead.pk}/?tolerance=10").context["matches"]]
    assert (case.number in shown) is fits
    assert (case.number in matched(land.officer, lead, "10")) is fits


@pytest.mark.parametrize("tolerance", ["abc", "NaN", "-Infinity", "1e999", "", "５"])
def test_a_malformed_tolerance_does_not_break_the_lead_page(client, land, tolerance):
    lead = make_lead(land.park)
    open_case(land.park, "10000.00")
    sign_in(client, land.officer)
    response = client.get(f"/leads/{lead.pk}/", {"tolerance": tolerance})
    assert response.status_code == 200
    assert 0 <= response.context["tolerance"] <= 100
    assert response.context["matches"][0].area_difference == 0


@pytest.mark.parametrize(
    ("needed", "offered", "fits"),
    [
        ("industrial", "industrial", True),
        ("industrial", "new_industrial", True),
        ("industrial", "warehouse", False),
        ("industrial", "commercial", False),
        ("new_industrial", "industrial", True),
        ("new_industrial", "warehouse", False),
        ("warehouse", "warehouse", True),
        ("warehouse", "industrial", True),
        ("warehouse", "new_industrial", False),
        ("warehouse", "commercial", False),
        ("commercial", "commercial", True),
        ("commercial", "industrial", False),
        ("commercial", "warehouse", False),
        ("commercial", "new_industrial", False),
    ],
)
def test_the_matches_need_a_compatible_land_use(land, needed, offered, fits):
    lead = make_lead(land.park, land_use=needed)
    case = open_case(land.park, "10000.00", land_use=offered)
    assert (case.number in matched(land.officer, lead)) is fits


@pytest.mark.parametrize(
    ("permitted", "fits"), [("1.50", True), ("2.00", True), ("1.49", False), (None, True)]
)
def test_the_matches_respect_the_minimum_plot_ratio(land, permitted, fits):
    lead = make_lead(land.park, min_plot_ratio=Decimal("1.50"))
    ratio = Decimal(permitted) if permitted else None
    case = open_case(land.park, "10000.00", required_plot_ratio=ratio)
    assert (case.number in matched(land.officer, lead)) is fits


def test_closed_cases_are_not_matched(land):
    lead = make_lead(land.park)
    parcel = factories.make_parcel(park=land.park, area_m2="10000.00")
    factories.make_case(
        parcel=parcel,
        status="disposed",
        identified_on=date(2022, 3, 1),
        disposal_method="negotiated_recovery",
        decision_on=date(2022, 4, 1),
        disposed_on=date(2022, 9, 1),
        disposed_area_m2="10000.00",
    )
    assert matched(land.officer, lead) == []


def link(client, lead, case, how: str, follow=False):
    return client.post(f"/leads/{lead.pk}/link/", {"case": case.number, "link": how}, follow=follow)


def test_linking_a_lead_as_a_joint_development_creates_the_measure_and_its_partner(client, land):
    lead = make_lead(land.park, min_plot_ratio=Decimal("1.5"))
    case = open_case(land.park, "10000.00")
    sign_in(client, land.officer)
    response = link(client, lead, case, "joint_development")
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    lead.refresh_from_db()
    assert (lead.status, lead.case, lead.link_kind) == ("matched", case, "joint_development")
    measure = case.measures.get()
    assert lead.measure == measure
    assert measure.method == Method.JOINT_DEVELOPMENT
    assert measure.project_name == lead.name
    assert measure.amount_wan == Decimal("28000.00")
    assert (measure.partner.name, measure.partner.park, measure.partner.kind) == (
        "珠海市朔岚新能源电池有限公司",
        land.park,
        "private_investor",
    )
    event = case.events.get(kind=CaseEvent.Kind.MEASURE)
    assert lead.name in event.title
    assert event.actor == land.officer
    assert lead.history.latest("history_date").history_user == land.officer


def test_linking_a_lead_reuses_the_investor_already_registered(client, land):
    lead = make_lead(land.park, investor="粤澳产业基金")
    case = open_case(land.park, "10000.00")
    sign_in(client, land.officer)
    link(client, lead, case, "joint_development")
    assert case.measures.get().partner == land.fund
    assert Partner.objects.filter(name="粤澳产业基金").count() == 1


def test_linking_a_lead_as_a_transfer_writes_only_the_event(client, land):
    lead = make_lead(land.park)
    case = open_case(land.park, "10000.00")
    sign_in(client, land.officer)
    assert link(client, lead, case, "transfer").status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.case, lead.link_kind, lead.measure) == ("matched", case, "transfer", None)
    assert not case.measures.exists()
    assert case.events.filter(kind=CaseEvent.Kind.MEASURE).count() == 1
    assert Partner.objects.count() == 3


def test_a_linked_lead_cannot_be_linked_again(client, land):
    lead = make_lead(land.park)
    first = open_case(land.park, "10000.00")
    second = open_case(land.park, "10000.00")
    sign_in(client, land.officer)
    link(client, lead, first, "joint_development")
    response = link(client, lead, second, "joint_development", follow=True)
    assert "This lead is already linked or closed." in messages_of(response)
    lead.refresh_from_db()
    assert lead.case == first
    assert not second.measures.exists()
    assert not second.events.exists()
    assert RevitalisationMeasure.objects.count() == 1
    response = link(client, lead, first, "transfer", follow=True)
    assert "This lead is already linked or closed." in messages_of(response)
    assert first.events.count() == 1


def test_a_lead_link_of_an_unknown_kind_is_refused(client, land):
    lead = make_lead(land.park)
    case = open_case(land.park, "10000.00")
    sign_in(client, land.officer)
    response = link(client, lead, case, "merger", follow=True)
    assert "Choose how the lead is linked: as a joint development or a transfer." in messages_of(response)
    lead.refresh_from_db()
    assert lead.status == "open"
    assert not case.events.exists()


def test_a_viewer_cannot_link_a_lead(client, land):
    """A viewer of the park sees the lead and the case, so the refusal is 403 as everywhere else."""
    lead = make_lead(land.park)
    case = open_case(land.park, "10000.00")
    sign_in(client, land.viewer)
    assert link(client, lead, case, "transfer").status_code == 403
    lead.refresh_from_db()
    assert lead.status == "open"
    assert not case.events.exists()


def test_a_lead_cannot_be_linked_to_another_parks_case_nor_seen_there(client, land):
    lead = make_lead(land.park)
    sign_in(client, land.officer)
    assert link(client, lead, land.other_case, "transfer").status_code == 404
    assert not land.other_case.events.exists()
    sign_in(client, land.other_officer)
    assert client.get(f"/leads/{lead.pk}/").status_code == 404
    assert link(client, lead, land.other_case, "transfer").status_code == 404
    lead.refresh_from_db()
    assert lead.status == "open"


def test_the_lead_list_filters_and_stays_in_its_parks(client, land):
    warehouse = make_lead(land.park, name="跨境电商智能仓", land_use="warehouse", investor="港湾供应链")
    battery = make_lead(land.park)
    hidden = make_lead(land.other_park, name="乙园项目")
    sign_in(client, land.officer)
    assert {lead.pk for lead in client.get("/leads/").context["object_list"]} == {warehouse.pk, battery.pk}
    assert [lead.pk for lead in client.get("/leads/?land_use=warehouse").context["object_list"]] == [
        warehouse.pk
    ]
    assert [lead.pk for lead in client.get("/leads/?q=朔岚").context["object_list"]] == [battery.pk]
    assert hidden.name not in text(client.get("/leads/"))


# 6. The four problem areas -------------------------------------------------------------------


FLAGS = [flag.value for flag in ProblemFlag]


@pytest.mark.parametrize("flag", FLAGS)
def test_each_problem_flag_filters_the_case_list(client, ledger, flag):
    sign_in(client, ledger.land.officer)
    flagged = DisposalCase.objects.filter(**{flag: True}, parcel__park=ledger.land.park)
    response = client.get(f"/cases/?{flag}=true")
    assert {case.pk for case in response.context["object_list"]} == {case.pk for case in flagged}
    unflagged = {case.pk for case in client.get(f"/cases/?{flag}=false").context["object_list"]}
    assert unflagged and not unflagged & {case.pk for case in flagged}


@pytest.mark.parametrize("flag", FLAGS)
def test_the_dashboard_counts_open_cases_and_area_by_problem_flag(client, land, flag):
    for area in ("1000.00", "2500.50"):
        factories.make_case(parcel=factories.make_parcel(park=land.park), case_area_m2=area, **{flag: True})
    factories.make_case(
        parcel=factories.make_parcel(park=land.park),
        status="disposed",
        identified_on=date(2022, 3, 1),
        disposal_method="negotiated_recovery",
        decision_on=date(2022, 4, 1),
        disposed_on=date(2022, 9, 1),
        case_area_m2="7000.00",
        disposed_area_m2="7000.00",
        **{flag: True},
    )
    factories.make_case(
        parcel=factories.make_parcel(park=land.other_park), case_area_m2="900.00", **{flag: True}
    )
    sign_in(client, land.officer)
    response = client.get("/")
    rows = {row["flag"].value: row for row in response.context["flag_rows"]}
    assert (rows[flag]["count"], rows[flag]["area"]) == (2, Decimal("3500.50"))
    for other in set(FLAGS) - {flag}:
        assert (rows[other]["count"], rows[other]["area"]) == (0, 0)
    assert f"/cases/?state=open&amp;{flag}=true" in response.content.decode()


def test_the_case_page_shows_each_flag_with_its_note(client, land):
    notes = {
        "low_willingness": "企业经营困难，无意增资扩产",
        "evidence_difficulty": "2006年出让档案缺失交地确认书",
        "litigation_risk": "原权利人已申请行政复议",
        "funding_gap": "收回补偿资金尚未落实",
    }
    case = factories.make_case(
        parcel=land.spare_parcel,
        **dict.fromkeys(notes, True),
        **{f"{f}_note": n for f, n in notes.items()},
    )
    sign_in(client, land.viewer)
    page = text(client.get(case.get_absolute_url()))
    for flag, note in notes.items():
        assert str(ProblemFlag(flag).label) in page
        assert note in page


def edit_data(response) -> dict:
    """The case edit form's data as the page fills it in."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value.isoformat() if isinstance(value, date) else str(value)
    return data


def test_a_flag_change_is_kept_in_the_case_history_and_shown_old_to_new(client, land):
    case = land.case
    sign_in(client, land.officer)
    data = edit_data(client.get(f"/cases/{case.number}/edit/"))
    data.update(funding_gap="on", funding_gap_note="补偿资金缺口约3000万元")
    response = client.post(f"/cases/{case.number}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    case.refresh_from_db()
    assert case.funding_gap
    record = case.history.latest("history_date")
    assert record.funding_gap and record.history_user == land.officer
    assert record.prev_record.funding_gap is False
    page = client.get(case.get_absolute_url()).content.decode()
    label = html.escape(str(ProblemFlag.FUNDING_GAP.label))
    assert f"{label}：</span><del>no</del> → yes" in page
    assert "补偿资金缺口约3000万元" in page

    data = edit_data(client.get(f"/cases/{case.number}/edit/"))
    data.pop("funding_gap")
    assert client.post(f"/cases/{case.number}/edit/", data).status_code == 302
    page = client.get(case.get_absolute_url()).content.decode()
    assert f"{label}：</span><del>yes</del> → no" in page


# Query counts: the same with 1 row as with 50 ------------------------------------------------


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(context.captured_queries)


def add_measures(park, count: int) -> None:
    for index in range(count):
        partner = Partner.objects.create(
            park=park, name=f"伙伴{park.code}{index}-{Partner.objects.count()}", kind="fund"
        )
        enterprise = factories.make_enterprise(park=park)
        case = factories.make_case(parcel=factories.make_parcel(park=park, enterprise=enterprise))
        factories.make_measure(
            case=case,
            method=Method.JOINT_DEVELOPMENT,
            partner=partner,
            project_name=f"项目{index}",
            amount_wan=Decimal("100.00"),
            status=MeasureStatus.AGREED,
            started_on=date(2025, 1, 1),
            agreed_on=date(2025, 2, 1),
        )


def add_leads(land: Land, count: int) -> None:
    for index in range(count):
        lead = make_lead(land.park, name=f"项目{index}-{ProjectLead.objects.count()}")
        if index % 2:
            case = open_case(land.park, "10000.00")
            ProjectLead.objects.filter(pk=lead.pk).update(case=case, link_kind="transfer", status="matched")


def add_matches(land: Land, count: int) -> None:
    for _index in range(count):
        enterprise = factories.make_enterprise(park=land.park)
        parcel = factories.make_parcel(park=land.park, area_m2="12000.00", enterprise=enterprise)
        factories.make_case(parcel=parcel, case_area_m2="10000.00", officer=land.officer)


@pytest.mark.parametrize("path", ["/measures/", "/measures/?status=agreed&sort=partner", "/partners/"])
def test_measures_and_partners_lists_make_the_same_queries_for_1_and_50_rows(client, land, path):
    sign_in(client, land.officer)
    add_measures(land.park, 1)
    one = queries(client, path)
    add_measures(land.park, 49)
    assert len(client.get(path).context["object_list"]) == 25
    assert queries(client, path + ("&" if "?" in path else "?") + "page=2") == one
    assert queries(client, path) == one


def test_the_partner_page_makes_the_same_queries_for_1_and_50_measures(client, land):
    sign_in(client, land.officer)
    partner = land.bank

    def add(count):
        for _index in range(count):
            case = factories.make_case(parcel=factories.make_parcel(park=land.park))
            factories.make_measure(
                case=case, method=Method.LOAN, partner=partner, amount_wan=Decimal("10.00")
            )

    add(1)
    one = queries(client, f"/partners/{partner.pk}/")
    add(49)
    assert queries(client, f"/partners/{partner.pk}/") == one


def test_the_lead_list_makes_the_same_queries_for_1_and_50_leads(client, land):
    sign_in(client, land.officer)
    add_leads(land, 2)
    two = queries(client, "/leads/")
    add_leads(land, 48)
    assert queries(client, "/leads/") == two


def test_a_lead_page_makes_the_same_queries_for_1_and_50_matches(client, land):
    lead = make_lead(land.park)
    sign_in(client, land.officer)
    add_matches(land, 1)
    one = queries(client, f"/leads/{lead.pk}/")
    add_matches(land, 49)
    assert len(client.get(f"/leads/{lead.pk}/").context["matches"]) == 50
    assert queries(client, f"/leads/{lead.pk}/") == one


def test_the_dashboard_money_counts_this_years_agreed_and_completed_measures(client, land):
    year = timezone.localdate().year
    this_year, last_year = date(year, 1, 1), date(year - 1, 12, 31)
    loan = valid_fields(Method.LOAN, land)
    factories.make_measure(case=land.case, method=Method.LOAN, status="agreed", agreed_on=this_year, **loan)
    factories.make_measure(
        case=land.case,
        method=Method.LOAN,
        status="completed",
        agreed_on=last_year,
        concluded_on=this_year,
        **{**loan, "amount_wan": Decimal("100.00")},
    )
    factories.make_measure(
        case=land.case,
        method=Method.LOAN,
        status="abandoned",
        agreed_on=this_year,
        concluded_on=this_year,
        abandon_reason="额度不足",
        **{**loan, "amount_wan": Decimal("7.00")},
    )
    factories.make_measure(
        case=land.other_case,
        method=Method.LOAN,
        partner=land.other_bank,
        status="completed",
        agreed_on=this_year,
        concluded_on=this_year,
        amount_wan=Decimal("55.00"),
        term_months=6,
    )
    sign_in(client, land.officer)
    response = client.get("/")
    rows = {row["method"].value: row for row in response.context["money_rows"]}
    assert (rows["loan"]["agreed"], rows["loan"]["completed"]) == (Decimal("3500.00"), Decimal("100.00"))
    assert (response.context["money_agreed"], response.context["money_completed"]) == (
        Decimal("3500.00"),
        Decimal("100.00"),
    )
