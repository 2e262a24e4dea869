"""An officer records a financing loan in a real browser and takes it through to completed (issue 6)."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cases.models import CaseEvent, DisposalCase, Partner, RevitalisationMeasure

pytestmark = pytest.mark.django_db(transaction=True)

AMOUNT = Decimal("1234.56")


def dashboard_money(page, live_server) -> tuple[Decimal, Decimal]:
    """The dashboard's money agreed and completed this year (万元), as the page shows them."""
    page.goto(f"{live_server.url}/")

    def read(testid: str) -> Decimal:
        cell = page.locator(f"[data-testid={testid}]")
        expect(cell).to_have_count(1)
        return Decimal(re.sub(r"[^0-9.]", "", cell.inner_text()) or "0")

    return read("money-agreed"), read("money-completed")


def test_officer_records_a_loan_through_to_completed_and_the_dashboard_follows(
    demo, live_server, page, sign_in
):
    sign_in("demo-officer")
    agreed_before, completed_before = dashboard_money(page, live_server)
    case = DisposalCase.objects.filter(parcel__park__code="XQ", status="lead").order_by("number").first()
    bank = Partner.objects.get(park__code="XQ", name="珠江湾商业银行斗门支行")

    page.goto(f"{live_server.url}/cases/{case.number}/")
    page.locator(f"a[href='/cases/{case.number}/measures/new/']").first.click()
    page.locator("[name=method]").select_option("loan")
    page.locator("[name=partner]").select_option(str(bank.pk))
    page.locator("[name=amount_wan]").fill(str(AMOUNT))
    page.locator("[name=term_months]").fill("36")
    page.locator("[name=interest_rate_pct]").fill("3.45")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    expect(page.locator("h1")).to_contain_text(case.number)
    measure = RevitalisationMeasure.objects.get(case=case, amount_wan=AMOUNT)
    assert (measure.method, measure.partner, measure.term_months, measure.status) == (
        "loan",
        bank,
        36,
        "proposed",
    )

    step_form = page.locator(f"form[action='/cases/{case.number}/measures/{measure.pk}/step/']")
    for number, to in enumerate(["negotiating", "agreed", "completed"], start=1):
        step_form.locator("select[name=to]").select_option(to)
        with page.expect_navigation():
            step_form.locator("button[type=submit]").click()
        expect(page.locator(".alert-success")).to_be_visible()
        measure.refresh_from_db()
        assert measure.status == to
        # The measure's recording is its first event, then one per step.
        assert case.events.filter(kind=CaseEvent.Kind.MEASURE).count() == number + 1

        agreed, completed = dashboard_money(page, live_server)
        if to == "negotiating":
            assert (agreed, completed) == (agreed_before, completed_before)
        elif to == "agreed":
            assert (agreed, completed) == (agreed_before + AMOUNT, completed_before)
        else:
            assert (agreed, completed) == (agreed_before + AMOUNT, completed_before + AMOUNT)
        page.goto(f"{live_server.url}/cases/{case.number}/")

    # Completed is the end: no step form is left, and the timeline holds every step.
    expect(step_form).to_have_count(0)
    expect(page.locator(".timeline")).to_contain_text("珠江湾商业银行斗门支行")
