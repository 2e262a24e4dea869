"""An officer's main journey with the keyboard alone: sign in, open a case from the dashboard, take
its next step. Every element the Tab key reaches on the way shows that it has the focus."""

import pytest
from playwright.sync_api import expect

from cases.models import CaseEvent, DisposalCase

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

# Where the focus is, and whether it can be seen: an outline or a focus ring (box shadow).
FOCUS = """(selector) => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const ring = style.boxShadow && style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  return {
    matches: el.matches(selector),
    visible: Boolean(outline || ring) && box.width > 0 && box.height > 0,
    element: el.outerHTML.slice(0, 160),
  };
}"""


def tab_to(page, selector: str, *, limit: int = 150) -> list[str]:
    """Press Tab until `selector` has the focus; every stop on the way must show its focus."""
    seen = []
    if page.evaluate(FOCUS, selector)["matches"]:  # already there (autofocus)
        return seen
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS, selector)
        seen.append(state["element"])
        assert state["visible"], f"no visible focus on {state['element']}"
        if state["matches"]:
            return seen
    raise AssertionError(f"{selector} not reached in {limit} presses of Tab: {seen[-5:]}")


def test_an_officer_signs_in_opens_a_case_and_takes_a_step_with_the_keyboard_alone(demo, live_server, page):
    case = (
        DisposalCase.objects.filter(officer__username="demo-officer", status="lead", parcel__park__code="XQ")
        .order_by("number")
        .first()
    )
    assert case is not None, "the demo gives demo-officer a lead case"
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")

    tab_to(page, "input[name=username]")
    page.keyboard.type("demo-officer")
    tab_to(page, "input[name=password]")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    # The skip link comes first and leads past the menu into the page.
    tab_to(page, "a[href='#main']", limit=1)
    page.keyboard.press("Enter")
    stops = tab_to(page, f"main a[href='/cases/{case.number}/']")
    assert not any("nav-link" in stop for stop in stops), "the skip link should have passed the menu"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/cases/{case.number}/")

    step = "form.transition-form[data-target=investigating]"
    tab_to(page, f"{step} button[type=submit]")
    if page.locator(f"{step} .step-fields").count():
        # A step with a note opens its fields on the first press and moves the focus into them.
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.matches('textarea, input:not([type=hidden])')")
        page.keyboard.type("现场核查后转入调查取证")
        tab_to(page, f"{step} button[type=submit]", limit=10)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_be_visible()
    case.refresh_from_db()
    assert case.status == "investigating"
    assert case.events.filter(kind=CaseEvent.Kind.STATUS_CHANGE, to_status="investigating").exists()
