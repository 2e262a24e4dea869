"""In a real browser: the searchable land-user picker finds an enterprise from two Chinese characters,
a step's reason box appears once the step is chosen, and a step the user cannot take says why."""

import pytest
from playwright.sync_api import expect

from cases.models import DisposalCase, Enterprise, LandParcel, Park

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def console(page):
    seen: list[str] = []
    page.on("console", lambda message: seen.append(f"console {message.type}: {message.text}"))
    page.on("pageerror", lambda error: seen.append(f"page error: {error}"))
    return seen


def test_two_chinese_characters_find_the_land_user_among_thousands(
    demo, live_server, page, sign_in, screenshot, console
):
    park = Park.objects.get(code="XQ")
    Enterprise.objects.bulk_create(Enterprise(park=park, name=f"测试填充企业{n:04d}") for n in range(400))
    wanted = Enterprise.objects.filter(park=park).exclude(name__startswith="测试").order_by("pk").first()
    typed = wanted.name[2:4]
    sign_in("demo-officer")
    page.goto(f"{live_server.url}/parcels/new/")
    # The page carries none of the 400 (the list is long): the answers come from the server.
    assert page.locator("select[name=enterprise] option").count() <= 1
    field = page.locator("select[name=enterprise] + .ts-wrapper")
    field.locator(".ts-control").click()
    page.keyboard.type(typed)
    option = page.locator(".ts-dropdown .option", has_text=wanted.name).first
    expect(option).to_be_visible()
    screenshot("picker-enterprise-zh")
    option.click()
    expect(page.locator("select[name=enterprise]")).to_have_value(str(wanted.pk))
    page.locator("[name=code]").fill("XQ-P01")
    page.locator("[name=location]").fill("珠海市斗门区新青科技工业园新青九路 3 号")
    page.locator("[name=area_m2]").fill("12000")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("h1")).to_contain_text("XQ-P01")
    assert LandParcel.objects.get(park=park, code="XQ-P01").enterprise == wanted
    # In English, the case form's parcel picker finds parcels by their land user's name too.
    sign_in("demo-officer", language="en")
    page.goto(f"{live_server.url}/cases/new/")
    page.locator("select[name=parcel] + .ts-wrapper .ts-control").click()
    page.keyboard.type(wanted.name[2:4])
    expect(page.locator(".ts-dropdown .option", has_text="XQ-P01")).to_be_visible()
    screenshot("picker-parcel-en")
    assert not [line for line in console if "Content Security Policy" in line or "page error" in line]


def test_a_reason_box_appears_once_the_step_is_chosen(demo, live_server, page, sign_in, screenshot, console):
    case = DisposalCase.objects.filter(parcel__park__code="XQ", status="investigating").first()
    sign_in("demo-supervisor")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    step = page.locator("form.transition-form[data-target=withdrawn]")
    reason = step.locator("textarea[name=reason]")
    expect(reason).to_be_hidden()
    expect(page.locator("form.transition-form textarea:visible")).to_have_count(0)
    step.locator("button").click()
    expect(reason).to_be_visible()
    expect(reason).to_be_focused()
    expect(step.locator("button")).to_have_attribute("aria-expanded", "true")
    screenshot("case-step-reason-open-zh")
    reason.fill("经核查土地已动工，不构成闲置")
    step.locator("button").click()
    expect(page.locator(".alert-success")).to_be_visible()
    case.refresh_from_db()
    assert case.status == "withdrawn"
    assert not [line for line in console if "Content Security Policy" in line or "page error" in line]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_officer_sees_why_a_step_is_not_theirs(demo, live_server, page, sign_in, screenshot, language):
    case = DisposalCase.objects.filter(parcel__park__code="XQ", status="investigating").first()
    sign_in("demo-officer", language=language)
    page.goto(f"{live_server.url}/cases/{case.number}/")
    blocked = page.locator(".blocked-step[data-blocked-target=identified]")
    expect(blocked.locator("button")).to_be_disabled()
    expect(blocked).to_contain_text("审核人" if language == "zh-hans" else "supervisor")
    expect(page.locator(".who-may-withdraw")).to_be_visible()
    page.locator(".blocked-step").first.scroll_into_view_if_needed()
    screenshot(f"case-steps-officer-{'zh' if language == 'zh-hans' else 'en'}")
    page.goto(f"{live_server.url}/parcels/{case.parcel_id}/")
    expect(page.locator("a.open-case-link")).to_have_attribute("href", f"/cases/{case.number}/")
    screenshot(f"parcel-open-case-{'zh' if language == 'zh-hans' else 'en'}")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_likely_duplicate_enterprise_is_shown_before_saving(
    demo, live_server, page, sign_in, screenshot, language
):
    existing = Enterprise.objects.filter(park__code="XQ").order_by("pk").first()
    sign_in("demo-officer", language=language)
    page.goto(f"{live_server.url}/enterprises/new/")
    page.locator("[name=name]").fill(existing.name.replace("（", "(").replace("）", ")"))
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".likely-duplicates")).to_contain_text(existing.name)
    screenshot(f"enterprise-duplicate-{'zh' if language == 'zh-hans' else 'en'}")
    page.locator("[name=save_anyway]").check()
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("h1")).to_contain_text(existing.name[:4])
    assert Enterprise.objects.filter(park__code="XQ", name__startswith=existing.name[:4]).count() >= 2
