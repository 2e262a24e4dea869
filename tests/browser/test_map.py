"""The park map in a browser (issue 17): the demo's XQ parcels drawn from the imported TXT
boundaries and coloured by status, in Chinese and English, on a desktop and on a 390 px phone
without sideways scrolling; pan and zoom; hover titles; a click opens the parcel."""

import pytest
from playwright.sync_api import expect

from cases.models import LandParcel

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"


def test_the_map_shows_the_demo_parcels_in_both_languages_and_on_a_phone(
    demo, live_server, page, sign_in, screenshot
):
    xq = LandParcel.objects.filter(park__code="XQ", boundary__isnull=False).count()
    assert xq == 34
    for language, heading in (("zh-hans", "园区一张图"), ("en", "Park map")):
        sign_in("demo-viewer", language=language)
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(f"{live_server.url}/map/")
        expect(page.locator("h1")).to_have_text(heading)
        expect(page.locator("svg.park-map path.parcel")).to_have_count(xq)
        expect(page.locator(".map-legend li").first).to_be_visible()
        screenshot(f"map-{language}")
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_server.url}/map/")
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), language
        screenshot(f"map-{language}-phone")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/map/?colour=flag")
    screenshot("map-en-flags")
    page.goto(f"{live_server.url}/map/?colour=per_mu")  # the demo's published 亩均 classes
    fills = page.locator("svg.park-map path.parcel").evaluate_all(
        "paths => paths.map(p => p.getAttribute('fill'))"
    )
    assert {"#2a9d8f", "#c1121f"} <= set(fills), fills
    screenshot("map-en-per-mu")


def test_the_map_pans_zooms_and_opens_a_parcel(demo, live_server, page, sign_in):
    sign_in("demo-officer")
    page.goto(f"{live_server.url}/map/")
    svg = page.locator("svg.park-map")
    home = svg.get_attribute("viewBox")
    page.locator("[data-map-zoom=in]").click()
    zoomed = svg.get_attribute("viewBox")
    assert zoomed != home and float(zoomed.split()[2]) < float(home.split()[2])
    box = svg.bounding_box()
    page.mouse.move(box["x"] + 200, box["y"] + 200)
    page.mouse.down()
    page.mouse.move(box["x"] + 320, box["y"] + 260, steps=5)
    page.mouse.up()
    assert svg.get_attribute("viewBox").split()[:2] != zoomed.split()[:2]
    page.locator("[data-map-zoom=reset]").click()
    assert svg.get_attribute("viewBox") == home
    first = page.locator("svg.park-map a").first
    assert "XQ-A01" in first.locator("title").text_content()
    first.locator("path").click()
    page.wait_for_url("**/parcels/*/")
    expect(page.locator("h1")).to_contain_text("XQ-A01")
    expect(page.locator("#parcel-map path.parcel-focus")).to_have_count(1)
