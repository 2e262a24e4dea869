"""An officer records a site inspection from a phone-sized browser (issue 14, item 2): from the case
page to the camera form in two taps, two photos with their EXIF time and position, sent with upload
progress, and the case page then shows one inspection event with both photos, their time and place."""

import time
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from cases.models import CaseEvent, EvidenceDocument, Park, RevitalisationMeasure
from tests.factories import make_case, make_parcel
from tests.worlds.photos import photo

User = get_user_model()

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> None:
    __tracebackhide__ = True
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """limit => [...document.querySelectorAll("body *")]
        .filter(e => e.getBoundingClientRect().right > limit + 0.5 && !e.closest(".table-responsive"))
        .slice(-5)
        .map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))""",
        PHONE["width"],
    )
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px screen: {wide}"


def a_case(*, code: str = "XQ-INSP1"):
    officer = User.objects.get(username="demo-officer")
    parcel = make_parcel(
        park=Park.objects.get(code="XQ"), code=code, area_m2="12000.00", location="新青十路8号"
    )
    return make_case(parcel=parcel, status="investigating", opened_on=date(2026, 10, 8), officer=officer)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_officer_records_an_inspection_with_two_photos_from_a_phone(
    demo, live_server, page, sign_in, screenshot, language
):
    case = a_case()
    page.set_viewport_size(PHONE)
    sign_in("demo-officer", language=language)
    started = time.monotonic()

    page.goto(f"{live_server.url}/cases/{case.number}/")
    page.locator("a.btn-inspection").click()  # the first tap
    expect(page.locator("input[type=file][capture=environment]")).to_have_count(1)
    no_sideways_scroll(page)
    page.locator("input[type=file]").set_input_files(
        [
            {"name": "IMG_0101.jpg", "mimeType": "image/jpeg", "buffer": photo(taken="2026:11:20 09:30:05")},
            {
                "name": "IMG_0102.jpg",
                "mimeType": "image/jpeg",
                "buffer": photo(taken="2026:11:20 09:41:00", latitude="22.271500", longitude="113.304500"),
            },
        ]
    )
    expect(page.locator("[data-upload-summary]")).to_contain_text("2")
    page.locator("[name=people_present]").fill("张三（园区土地科）、李四（企业代表）")
    page.locator("[name=note]").fill("厂房空置，场地杂草丛生。")
    screenshot(f"site-inspection-form-phone-{language}")
    with page.expect_navigation(url=f"**/cases/{case.number}/**"):
        page.locator("form[data-upload-progress] button[type=submit]").click()  # the second tap

    expect(page.locator(".alert-success")).to_be_visible()
    inspections = page.locator(".timeline li[data-kind=site_inspection]")
    expect(inspections).to_have_count(1)
    photos = inspections.locator(".inspection-photo")
    expect(photos).to_have_count(2)
    expect(photos.nth(0)).to_contain_text("IMG_0101.jpg")
    expect(photos.nth(0).locator(".photo-taken-at")).to_have_text("2026-11-20 09:30")
    expect(photos.nth(1).locator(".photo-taken-at")).to_have_text("2026-11-20 09:41")
    north_east = ("北纬 22.271000°，东经 113.304000°", "北纬 22.271500°，东经 113.304500°")
    if language == "en":
        north_east = ("22.271000° N, 113.304000° E", "22.271500° N, 113.304500° E")
    expect(photos.nth(0).locator(".photo-position")).to_have_text(north_east[0])
    expect(photos.nth(1).locator(".photo-position")).to_have_text(north_east[1])
    assert time.monotonic() - started < 60
    page.locator(".timeline li[data-kind=site_inspection]").scroll_into_view_if_needed()
    no_sideways_scroll(page)
    screenshot(f"site-inspection-case-phone-{language}")

    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.SITE_INSPECTION)
    assert event.photos.count() == 2
    document = EvidenceDocument.objects.filter(inspection=event).order_by("original_name").first()
    page.goto(f"{live_server.url}/evidence/{document.pk}/")
    expect(page.locator(".photo-position")).to_contain_text("22.271000")
    no_sideways_scroll(page)
    screenshot(f"site-inspection-photo-phone-{language}")


def test_a_damaged_photo_is_refused_on_the_page_and_the_photos_stay_chosen(demo, live_server, page, sign_in):
    case = a_case(code="XQ-INSP2")
    page.set_viewport_size(PHONE)
    sign_in("demo-officer", language="en")
    page.goto(f"{live_server.url}/cases/{case.number}/inspections/new/")
    whole = photo()
    page.locator("input[type=file]").set_input_files(
        [
            {"name": "whole.jpg", "mimeType": "image/jpeg", "buffer": whole},
            {"name": "cut.jpg", "mimeType": "image/jpeg", "buffer": photo(size=(640, 480))[:900]},
        ]
    )
    page.locator("[name=people_present]").fill("张三")
    page.locator("form[data-upload-progress] button[type=submit]").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("“cut.jpg” is not a complete photo")
    assert page.url.endswith(f"/cases/{case.number}/inspections/new/")
    assert page.locator("input[type=file]").evaluate("input => input.files.length") == 2
    assert not EvidenceDocument.objects.filter(case=case).exists()
    # Choosing the whole photo only and sending again records the inspection once.
    page.locator("input[type=file]").set_input_files(
        [{"name": "whole.jpg", "mimeType": "image/jpeg", "buffer": whole}]
    )
    with page.expect_navigation(url=f"**/cases/{case.number}/**"):
        page.locator("form[data-upload-progress] button[type=submit]").click()
    expect(page.locator(".timeline li[data-kind=site_inspection]")).to_have_count(1)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("viewport", [PHONE, {"width": 1366, "height": 900}], ids=["phone", "desktop"])
def test_the_measure_page_in_both_languages(demo, live_server, page, sign_in, screenshot, language, viewport):
    measure = (
        RevitalisationMeasure.objects.filter(case__parcel__park__code="XQ", method="loan")
        .order_by("pk")
        .first()
    )
    page.set_viewport_size(viewport)
    sign_in("demo-officer", language=language)
    page.goto(f"{live_server.url}/measures/{measure.pk}/")
    expect(page.locator("[data-term=term_months]")).to_be_visible()
    if viewport == PHONE:
        no_sideways_scroll(page)
    size = "phone" if viewport == PHONE else "desktop"
    screenshot(f"measure-detail-{size}-{language}")
