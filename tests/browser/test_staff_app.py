"""A land officer's day in a real browser, and what viewers and other parks cannot do."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from cases.models import CaseEvent, DisposalCase, Enterprise, LandParcel, Status

pytestmark = pytest.mark.django_db(transaction=True)


def _submit(page):
    page.locator("main form button[type=submit]").first.click()


def test_officer_records_a_case_and_moves_it_forward(demo, live_server, page, sign_in, screenshot):
    sign_in("demo-officer")
    today = timezone.localdate()
    tomorrow = (today + timedelta(days=1)).isoformat()
    with translation.override("zh-hans"):
        expect(page.locator("h1")).to_have_text(str(_("Dashboard")))
        future_date = str(_("The identification date %(date)s is in the future.") % {"date": tomorrow})

    page.goto(f"{live_server.url}/enterprises/new/")
    page.locator("[name=name]").fill("珠海市澄川精密科技有限公司")
    page.locator("[name=credit_code]").fill("91350100M000100Y43")
    page.locator("[name=contact_person]").fill("陈立")
    _submit(page)
    expect(page.locator("h1")).to_contain_text("珠海市澄川精密科技有限公司")
    enterprise = Enterprise.objects.get(name="珠海市澄川精密科技有限公司")

    page.goto(f"{live_server.url}/parcels/new/")
    page.locator("[name=code]").fill("XQ-Z99")
    page.locator("[name=location]").fill("珠海市斗门区新青科技工业园新青十路1号")
    page.locator("[name=area_m2]").fill("20000")
    page.locator("[name=enterprise]").select_option(str(enterprise.pk))
    _submit(page)
    expect(page.locator("h1")).to_contain_text("XQ-Z99")
    parcel = LandParcel.objects.get(code="XQ-Z99")

    page.locator(f"a[href='/cases/new/?parcel={parcel.pk}']").click()
    page.locator("[name=category]").select_option("idle")
    page.locator("[name=case_area_m2]").fill("18000")
    _submit(page)
    case = DisposalCase.objects.get(parcel=parcel)
    expect(page.locator("h1")).to_contain_text(case.number)

    page.locator(f"a[href='/cases/{case.number}/events/new/']").first.click()
    page.locator("[name=kind]").select_option("site_inspection")
    page.locator("[name=occurred_on]").fill(today.isoformat())  # not before the case, opened today
    page.locator("[name=title]").fill("现场勘查")
    _submit(page)
    expect(page.locator(".timeline")).to_contain_text("现场勘查")

    page.locator("form.transition-form[data-target=investigating] button").click()
    expect(page.locator(".alert-success")).to_be_visible()
    case.refresh_from_db()
    assert case.status == "investigating"
    assert case.events.filter(kind=CaseEvent.Kind.STATUS_CHANGE, to_status="investigating").exists()
    screenshot("case-detail-officer-zh")

    # Identification needs a supervisor: the officer is not offered the step.
    expect(page.locator("form.transition-form[data-target=identified]")).to_have_count(0)

    # The supervisor's step carries the identification date, today unless typed otherwise.
    sign_in("demo-supervisor")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    step = page.locator("form.transition-form[data-target=identified]")
    expect(step.locator("[name=identified_on]")).to_have_value(today.isoformat())
    step.locator("button").click()  # the step chosen: its figures (and the override box) appear
    step.locator("[name=identified_on]").fill(tomorrow)
    step.locator("button").click()
    with translation.override("zh-hans"):
        not_moved = str(
            _("Case %(number)s did not move to “%(target)s”: see the step below.")
            % {"number": case.number, "target": Status.IDENTIFIED.label}
        )
    expect(page.locator(".alert-danger").first).to_contain_text(not_moved)
    step = page.locator("form.transition-form[data-target=identified]")
    expect(step).to_contain_text(future_date)
    expect(step.locator("[name=identified_on]")).to_have_value(tomorrow)  # kept as typed
    case.refresh_from_db()
    assert (case.status, case.identified_on) == ("investigating", None)


def test_viewer_sees_no_edit_controls_and_a_forged_post_is_refused(demo, live_server, page, sign_in):
    sign_in("demo-viewer")
    case = DisposalCase.objects.filter(parcel__park__code="XQ", status="investigating").first()
    page.goto(f"{live_server.url}/cases/{case.number}/")
    expect(page.locator("h1")).to_contain_text(case.number)
    expect(page.locator("form.transition-form")).to_have_count(0)
    expect(page.locator(f"a[href='/cases/{case.number}/edit/']")).to_have_count(0)
    page.goto(f"{live_server.url}/cases/")
    expect(page.locator("a[href='/cases/new/']")).to_have_count(0)

    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{live_server.url}/cases/{case.number}/transition/",
        form={"to": "lead", "reason": "伪造"},
        headers={"X-CSRFToken": token, "Referer": f"{live_server.url}/cases/"},
    )
    assert response.status == 403
    case.refresh_from_db()
    assert case.status == "investigating"


def test_another_parks_user_gets_404(demo, live_server, page, sign_in):
    sign_in("demo-other")
    case = DisposalCase.objects.filter(parcel__park__code="XQ").first()
    response = page.goto(f"{live_server.url}/cases/{case.number}/")
    assert response.status == 404
    page.goto(f"{live_server.url}/cases/")
    expect(page.locator("tbody")).not_to_contain_text("XQ-")


PAGES = [
    ("dashboard", "/"),
    ("cases", "/cases/"),
    ("cases-filtered", "/cases/?status=disposed&disposed_after=2022-01-01&disposed_before=2022-12-31"),
    ("case-new", "/cases/new/"),
    ("parcels", "/parcels/"),
    ("enterprises", "/enterprises/"),
    ("report-2022", "/reports/monthly/?year=2022&park=XQ"),
    ("deadlines", "/deadlines/"),
    ("radar", "/radar/"),
    ("measures", "/measures/"),
    ("partners", "/partners/"),
    ("leads", "/leads/"),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_screenshots_of_the_main_pages(demo, live_server, page, sign_in, screenshot, language):
    suffix = "zh" if language == "zh-hans" else "en"
    sign_in("demo-supervisor", language=language)
    for name, path in PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        screenshot(f"{name}-{suffix}")
    case = DisposalCase.objects.get(number="XQ-2022-009")
    for name, url in [
        ("case-detail", f"/cases/{case.number}/"),
        ("case-edit", f"/cases/{case.number}/edit/"),
        ("parcel-detail", f"/parcels/{case.parcel.pk}/"),
        ("enterprise-detail", f"/enterprises/{case.parcel.enterprise.pk}/"),
    ]:
        assert page.goto(f"{live_server.url}{url}").status == 200, url
        screenshot(f"{name}-{suffix}")
    if language == "zh-hans":
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        # No English label left in the navigation of a Chinese page.
        expect(page.locator("nav.navbar")).not_to_contain_text("Dashboard")
        expect(page.locator("nav.navbar")).not_to_contain_text("Cases")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    screenshot(f"login-{suffix}")
