"""Chromium reports no Content-Security-Policy violation on any page, and the scripts still work."""

import pytest
from playwright.sync_api import expect

from cases.models import DisposalCase, EvidenceDocument

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def console(page):
    """Every console message and page error from here on, as text."""
    seen: list[str] = []
    page.on("console", lambda message: seen.append(f"console {message.type}: {message.text}"))
    page.on("pageerror", lambda error: seen.append(f"page error: {error}"))
    return seen


def violations(seen: list[str]) -> list[str]:
    return [
        line
        for line in seen
        if "Content Security Policy" in line
        or "Content-Security-Policy" in line
        or "Refused to" in line
        or line.startswith("page error")
    ]


def pages(live_server) -> list[str]:
    case = DisposalCase.objects.get(number="XQ-2022-009")
    document = EvidenceDocument.objects.filter(case__parcel__park__code="XQ").first()
    paths = [
        "/",
        "/cases/",
        "/cases/?status=disposed&disposed_after=2022-01-01",
        f"/cases/{case.number}/",
        f"/cases/{case.number}/edit/",
        f"/cases/{case.number}/events/new/",
        f"/cases/{case.number}/measures/new/",
        f"/cases/{case.number}/evidence/new/",
        "/cases/new/",
        "/parcels/",
        f"/parcels/{case.parcel.pk}/",
        "/enterprises/",
        f"/enterprises/{case.parcel.enterprise.pk}/",
        "/reports/monthly/?year=2022&park=XQ",
        "/reports/monthly/print/?year=2022&park=XQ",
        "/deadlines/",
        "/radar/",
        "/measures/",
        "/partners/",
        "/leads/",
        "/import/",
        "/map/",
        "/map/?colour=radar",
        "/map/import/",
        "/accounts/password_change/",
        "/admin/",
        "/admin/cases/disposalcase/",
        f"/admin/cases/disposalcase/{case.pk}/change/",
        f"/admin/cases/disposalcase/{case.pk}/history/",
        "/admin/axes/accesslog/",
        "/no/such/page/",
        "/reports/monthly/close/",  # the 405 page
        "/cases/?park=%00",  # the 400 page
    ]
    if document is not None:
        paths.append(f"/evidence/{document.pk}/")
    return [f"{live_server.url}{path}" for path in paths]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_page_breaks_the_policy(demo, live_server, page, sign_in, screenshot, console, language):
    suffix = "zh" if language == "zh-hans" else "en"
    sign_in("demo-admin", language=language)
    for url in pages(live_server):
        response = page.goto(url)
        assert response.status in {200, 400, 404, 405}, (url, response.status)
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        assert violations(console) == [], url
        if url.endswith("/no/such/page/"):
            screenshot(f"error-404-{suffix}")
    # Signed out: the sign-in page and its lockout message.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    if language == "en":
        page.get_by_role("button", name="English").click()
    for _attempt in range(6):
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("input[name=username]").fill("demo-viewer")
        page.locator("input[name=password]").fill("wrong")
        page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-testid=lockout]")).to_contain_text(
        "Sign-in is locked" if language == "en" else "账户已锁定"
    )
    screenshot(f"login-locked-{suffix}")
    assert violations(console) == []


def test_the_scripts_still_work_under_the_policy(demo, live_server, page, sign_in, console):
    sign_in("demo-admin")
    # Bootstrap: the navigation's drop-down menu opens.
    page.locator("nav .dropdown-toggle").first.click()
    expect(page.locator("nav .dropdown-menu").first).to_be_visible()

    # The dashboard's rate bar is drawn to scale.
    bar = page.locator(".progress-benchmark .benchmark-rate")
    if bar.count():
        assert float(bar.get_attribute("width")) > 0
        assert page.locator(".progress-benchmark svg").bounding_box()["height"] > 8

    # The list's "more filters" panel opens.
    page.goto(f"{live_server.url}/cases/")
    more = page.locator("[data-bs-target='#more-filters']")
    if more.count():
        more.click()
        expect(page.locator("#more-filters")).to_be_visible()

    # The measure form shows only the fields of the chosen method.
    case = DisposalCase.objects.get(number="XQ-2022-009")
    page.goto(f"{live_server.url}/cases/{case.number}/measures/new/")
    method = page.locator("select[name=method]")
    options = [o for o in method.locator("option").evaluate_all("os => os.map(o => o.value)") if o]
    for value in options:
        method.select_option(value)
        for marked in page.locator("[data-method]").all():
            group = marked.locator("xpath=ancestor::div[contains(@class,'col-md-6')][1]")
            target = group if group.count() else marked
            if marked.get_attribute("data-method") == value:
                expect(target).to_be_visible()
            else:
                expect(target).to_be_hidden()

    # The radar asks before it opens a case; dismissing the question sends nothing.
    page.goto(f"{live_server.url}/radar/")
    asks = page.locator("form[data-confirm] button")
    if asks.count():
        questions: list[str] = []

        def dismiss(dialog):
            questions.append(dialog.message)
            dialog.dismiss()

        page.once("dialog", dismiss)
        before = DisposalCase.objects.count()
        asks.first.click()
        page.wait_for_timeout(300)
        assert questions and questions[0]
        assert DisposalCase.objects.count() == before

    # The report's chart is drawn: the one for this screen's width (a phone gets a narrower one).
    page.goto(f"{live_server.url}/reports/monthly/?year=2022&park=XQ")
    shown = page.locator("svg.report-chart:visible")
    expect(shown).to_have_count(1)
    assert shown.locator("polyline").count() == 1
    assert violations(console) == []
