"""Measures as first-class records (issue 14, item 3): a page per measure with its typed terms, its
steps, partner and case; creating, changing and each step written on the case's timeline."""

import html
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import CaseEvent, DisposalCase, LandParcel, Membership, Park, Partner, RevitalisationMeasure
from tests import factories

pytestmark = pytest.mark.django_db

R = Membership.Role


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def sign_in(client, user, language: str = "en"):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


@dataclass
class World:
    park: Park
    viewer: object
    officer: object
    other_officer: object
    case: DisposalCase
    collateral: LandParcel
    bank: Partner
    fund: Partner
    loan: RevitalisationMeasure


@pytest.fixture
def w() -> World:
    park = factories.make_park(code="MA", name="甲园")
    other_park = factories.make_park(code="MB", name="乙园")
    parcel = factories.make_parcel(park=park, code="MA-01", area_m2="20000.00")
    collateral = factories.make_parcel(park=park, code="MA-02", area_m2="6666.67", location="新青路 8 号")
    case = factories.make_case(parcel=parcel, status="planning", identified_on=date(2022, 3, 1))
    bank = Partner.objects.create(park=park, name="珠江湾商业银行", kind="bank", contact_person="王经理")
    loan = factories.make_measure(
        case=case,
        method="loan",
        partner=bank,
        amount_wan=Decimal("3500.00"),
        term_months=36,
        interest_rate_pct=Decimal("3.45"),
        interest_subsidy_wan=Decimal("120.00"),
        collateral_parcel=collateral,
        drawn_on=date(2025, 6, 1),
        started_on=date(2025, 5, 1),
        notes="续建厂房二期",
    )
    return World(
        park=park,
        viewer=factories.make_user(username="viewer-ma", park=park, role=R.VIEWER),
        officer=factories.make_user(username="officer-ma", park=park, role=R.OFFICER),
        other_officer=factories.make_user(username="officer-mb", park=other_park, role=R.OFFICER),
        case=case,
        collateral=collateral,
        bank=bank,
        fund=Partner.objects.create(park=park, name="粤澳产业基金", kind="fund"),
        loan=loan,
    )


def edit_url(measure) -> str:
    return reverse("measure-edit", args=[measure.pk])


def step_url(measure) -> str:
    return reverse("measure-step", args=[measure.case.number, measure.pk])


def posted(measure, **changes) -> dict:
    """The edit form as the page posts it: the measure's own values, with `changes`."""
    fields = [
        "method", "partner", "amount_wan", "term_months", "interest_rate_pct", "interest_subsidy_wan",
        "collateral_parcel", "drawn_on", "equity_share_pct", "registered_on", "project_name",
        "partner_share_pct", "holder_share_pct", "contract_signed_on", "started_on", "notes",
    ]  # fmt: skip
    data = {}
    for name in fields:
        value = changes.get(
            name, getattr(measure, name if name not in ("partner", "collateral_parcel") else f"{name}_id")
        )
        data[name] = "" if value is None else value.isoformat() if isinstance(value, date) else str(value)
    return data


# The page -------------------------------------------------------------------------------------


def test_a_loan_page_shows_every_term_its_partner_and_its_case(client, w):
    sign_in(client, w.viewer)
    page = text(client.get(w.loan.get_absolute_url()))
    terms = {
        "term_months": "36 months",
        "interest_rate_pct": "3.45 %",
        "interest_subsidy_wan": "120.00 10k yuan",
        "drawn_on": "2025-06-01",
        "amount_wan": "3,500.00 10k yuan",
    }
    for term, shown in terms.items():
        assert f'data-term="{term}">{shown}' in page, term
    assert "MA-02" in page and "新青路 8 号" in page
    assert "6,666.67 m²" in page and "10.00 mu" in page  # the collateral's area with 亩 beside it
    assert "珠江湾商业银行" in page and "王经理" in page
    assert w.case.number in page and w.case.get_absolute_url() in page
    assert "续建厂房二期" in page
    assert "Edit the terms" not in page  # a viewer reads, no more


def test_the_page_reads_in_chinese(client, w):
    sign_in(client, w.officer, "zh-hans")
    page = text(client.get(w.loan.get_absolute_url()))
    for label in ("期限", "利率", "贴息", "抵押宗地", "36 个月", "亩"):
        assert label in page, label


def test_an_equity_acquisition_and_a_joint_development_show_their_own_terms(client, w):
    equity = factories.make_measure(
        case=w.case,
        method="equity_acquisition",
        partner=w.fund,
        equity_share_pct=Decimal("51.00"),
        registered_on=date(2025, 7, 1),
    )
    joint = factories.make_measure(
        case=w.case,
        method="joint_development",
        partner=w.fund,
        project_name="标准厂房合作建设项目",
        partner_share_pct=Decimal("60.00"),
        holder_share_pct=Decimal("40.00"),
        contract_signed_on=date(2025, 3, 15),
    )
    sign_in(client, w.viewer)
    equity_page = text(client.get(equity.get_absolute_url()))
    assert 'data-term="equity_share_pct">51.00 %' in equity_page
    assert 'data-term="registered_on">2025-07-01' in equity_page
    assert 'data-term="term_months"' not in equity_page
    joint_page = text(client.get(joint.get_absolute_url()))
    assert 'data-term="project_name">标准厂房合作建设项目' in joint_page
    assert 'data-term="partner_share_pct">60.00 %' in joint_page
    assert 'data-term="holder_share_pct">40.00 %' in joint_page
    assert 'data-term="contract_signed_on">2025-03-15' in joint_page


def test_the_case_page_and_the_measure_list_link_to_the_measure(client, w):
    sign_in(client, w.viewer)
    assert f'href="{w.loan.get_absolute_url()}"' in client.get(w.case.get_absolute_url()).content.decode()
    assert f'href="{w.loan.get_absolute_url()}"' in client.get(reverse("measure-list")).content.decode()


def page_queries(client, measure) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(measure.get_absolute_url())
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_page_queries_do_not_grow_with_steps_and_changes(client, w):
    sign_in(client, w.officer)
    page_queries(client, w.loan)
    one = page_queries(client, w.loan)
    for rate in ("3.50", "3.55", "3.60"):
        client.post(edit_url(w.loan), posted(w.loan, interest_rate_pct=rate))
    client.post(
        step_url(w.loan), {"to": "negotiating", "on": timezone.localdate().isoformat(), "back": "measure"}
    )
    page_queries(client, w.loan)
    assert page_queries(client, w.loan) == one
    response = client.get(w.loan.get_absolute_url())
    assert len(response.context["events"]) == 4 and len(response.context["history"]) == 5


# Creating, changing and stepping go onto the case's timeline ----------------------------------------


def test_creating_a_measure_writes_it_on_the_timeline(client, w):
    sign_in(client, w.officer)
    response = client.post(
        reverse("measure-create", args=[w.case.number]),
        {
            "method": "equity_acquisition",
            "partner": w.fund.pk,
            "amount_wan": "6200",
            "equity_share_pct": "51",
        },
    )
    assert response.status_code == 302
    measure = RevitalisationMeasure.objects.get(case=w.case, method="equity_acquisition")
    event = CaseEvent.objects.get(measure=measure)
    assert event.kind == CaseEvent.Kind.MEASURE and event.actor == w.officer
    assert event.title == "登记盘活措施：股权收购 粤澳产业基金"
    assert measure.history.get().history_user == w.officer
    page = text(client.get(w.case.get_absolute_url()))
    assert f'href="{measure.get_absolute_url()}"' in page


def test_changing_a_measure_writes_what_changed_on_the_timeline_and_its_history(client, w):
    sign_in(client, w.officer)
    response = client.post(edit_url(w.loan), posted(w.loan, interest_rate_pct="3.20", term_months="48"))
    assert response.status_code == 302 and response["Location"] == w.loan.get_absolute_url()
    w.loan.refresh_from_db()
    assert (w.loan.interest_rate_pct, w.loan.term_months) == (Decimal("3.20"), 48)
    event = CaseEvent.objects.get(measure=w.loan)
    assert event.title == "修改盘活措施：融资贷款 珠江湾商业银行"
    assert "期限（月）：36 → 48" in event.details
    assert "年利率（%）：3.45 → 3.20" in event.details
    page = text(client.get(w.loan.get_absolute_url()))
    assert "3.45" in page and "3.20" in page  # the history shows the old and the new value
    assert f'id="event-{event.pk}"' in text(client.get(w.case.get_absolute_url()))


def test_an_edit_that_changes_nothing_writes_nothing(client, w):
    sign_in(client, w.officer)
    response = client.post(edit_url(w.loan), posted(w.loan))
    assert response.status_code == 302
    assert not CaseEvent.objects.filter(measure=w.loan).exists()
    assert w.loan.history.count() == 1
    assert [str(m) for m in client.get(w.loan.get_absolute_url()).context["messages"]] == [
        "Nothing was changed."
    ]


def test_a_step_from_the_measure_page_returns_to_it_and_is_listed_there(client, w):
    sign_in(client, w.officer)
    today = timezone.localdate()
    response = client.post(
        step_url(w.loan), {"to": "negotiating", "on": today.isoformat(), "back": "measure"}
    )
    assert response.status_code == 302 and response["Location"] == w.loan.get_absolute_url()
    event = CaseEvent.objects.get(measure=w.loan)
    page = text(client.get(w.loan.get_absolute_url()))
    assert f'id="event-{event.pk}"' in page
    assert 'data-status="negotiating" data-reached="true"' in page
    assert 'data-status="agreed" data-reached="false"' in page
    # From the case page the step still returns to the case.
    response = client.post(step_url(w.loan), {"to": "agreed", "on": today.isoformat()})
    assert response["Location"] == w.case.get_absolute_url()
    assert CaseEvent.objects.filter(measure=w.loan).count() == 2


def test_an_abandoned_measure_shows_where_it_stopped(client, w):
    sign_in(client, w.officer)
    client.post(
        step_url(w.loan),
        {"to": "abandoned", "on": timezone.localdate().isoformat(), "reason": "银行撤回授信"},
    )
    page = text(client.get(w.loan.get_absolute_url()))
    assert "银行撤回授信" in page
    assert 'data-status="abandoned" data-reached="true"' in page
    assert 'data-status="negotiating" data-reached="false"' in page
    assert 'action="' + step_url(w.loan) not in page  # the end: no step is left


# Bad input and who may ------------------------------------------------------------------------


def test_a_refused_edit_names_the_field_and_changes_nothing(client, w):
    sign_in(client, w.officer)
    response = client.post(edit_url(w.loan), posted(w.loan, interest_rate_pct="-1"))
    assert response.status_code == 422
    assert "interest_rate_pct" in response.context["form"].errors
    w.loan.refresh_from_db()
    assert w.loan.interest_rate_pct == Decimal("3.45")
    assert not CaseEvent.objects.filter(measure=w.loan).exists()


def test_a_partner_of_another_park_cannot_be_chosen(client, w):
    other_bank = Partner.objects.create(park=Park.objects.get(code="MB"), name="乙园农商银行", kind="bank")
    sign_in(client, w.officer)
    response = client.post(edit_url(w.loan), posted(w.loan, partner=other_bank.pk))
    assert response.status_code == 422 and "partner" in response.context["form"].errors
    w.loan.refresh_from_db()
    assert w.loan.partner == w.bank


def test_a_viewer_reads_the_page_but_may_not_edit(client, w):
    sign_in(client, w.viewer)
    assert client.get(w.loan.get_absolute_url()).status_code == 200
    assert client.get(edit_url(w.loan)).status_code == 403
    assert client.post(edit_url(w.loan), posted(w.loan, term_months="60")).status_code == 403
    w.loan.refresh_from_db()
    assert w.loan.term_months == 36


def test_another_parks_measure_is_not_found(client, w):
    sign_in(client, w.other_officer)
    assert client.get(w.loan.get_absolute_url()).status_code == 404
    assert client.get(edit_url(w.loan)).status_code == 404
    assert client.post(edit_url(w.loan), posted(w.loan, term_months="60")).status_code == 404


def test_a_closed_cases_measure_is_read_only(client, w):
    DisposalCase.objects.filter(pk=w.case.pk).update(status="withdrawn")
    sign_in(client, w.officer)
    page = text(client.get(w.loan.get_absolute_url()))
    assert "Edit the terms" not in page
    response = client.post(edit_url(w.loan), posted(w.loan, term_months="60"))
    assert response.status_code == 302 and response["Location"] == w.case.get_absolute_url()
    w.loan.refresh_from_db()
    assert w.loan.term_months == 36


def test_the_database_keeps_measure_links_to_measure_events(w):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_event(case=w.case, kind="meeting", title="会议", measure=w.loan)
