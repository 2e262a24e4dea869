"""Every main page on a 390 × 844 phone and a 1366 × 900 desktop, in Chinese and in English: no
sideways scrolling of the page, no serious or critical accessibility violation (axe-core, vendored
under tests/browser/vendor/ and injected here, never served), every table header scoped, and on
the phone no button, field or menu entry under 44 px high.

Screenshots of each page at both sizes in both languages go to var/screenshots/pages/.
"""

from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from cases.models import DisposalCase, EvidenceDocument

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "pages"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
LANGUAGES = {"zh": "zh-hans", "en": "en"}
CASE = "XQ-2022-009"
PAGES = [
    "dashboard",
    "cases",
    "case",
    "deadlines",
    "parcels",
    "parcel",
    "enterprises",
    "enterprise",
    "leads",
    "measures",
    "partners",
    "radar",
    "report",
    "import",
    "evidence",
    "tokens",
    "sign-in",
    "map",
    "evaluation",
    "jobs",
]
# Pages other work adds; checked here once they are served.
OPTIONAL = {"map": "/map/", "evaluation": "/evaluation/", "jobs": "/jobs/"}


def _path_of(name: str) -> str:
    case = DisposalCase.objects.select_related("parcel").get(number=CASE)
    document = EvidenceDocument.objects.filter(case=case).order_by("pk").first()
    paths = {
        "dashboard": "/",
        "cases": "/cases/",
        "case": f"/cases/{CASE}/",
        "deadlines": "/deadlines/",
        "parcels": "/parcels/",
        "parcel": f"/parcels/{case.parcel.pk}/",
        "enterprises": "/enterprises/",
        "enterprise": f"/enterprises/{case.parcel.enterprise_id}/",
        "leads": "/leads/",
        "measures": "/measures/",
        "partners": "/partners/",
        "radar": "/radar/",
        "report": "/reports/monthly/?year=2022&park=XQ",
        "import": "/import/",
        "evidence": f"/evidence/{document.pk}/",
        "tokens": "/tokens/",
        "sign-in": "/accounts/login/",
        **OPTIONAL,
    }
    return paths[name]


def _served(path: str) -> bool:
    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


# What sticks out past the viewport's right edge outside a scrolling wrapper, for the message.
OVERFLOW = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 0.5 || box.width === 0) continue;
    let inside = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') { inside = true; break; }
    }
    if (!inside) culprits.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' → ' + Math.round(box.right));
  }
  return {scrollWidth: root.scrollWidth, clientWidth: width, culprits: culprits.slice(0, 8)};
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(' '))}));
}"""

# Buttons, fields, menu entries and page links shorter than a finger (44 px), as they are drawn.
SMALL_TARGETS = """() => [...document.querySelectorAll(
    '.btn, .form-control, .form-select, .page-link, .navbar-toggler, .nav-link')]
  .filter(el => el.offsetParent !== null && getComputedStyle(el).visibility !== 'hidden')
  .map(el => [el.outerHTML.slice(0, 90), Math.round(el.getBoundingClientRect().height)])
  .filter(([_, height]) => height < 44)"""

UNFOLD = """() => document.querySelectorAll('details:not([open])')
  .forEach(d => { d.open = true; d.dataset.folded = 1; })"""
FOLD_AGAIN = "() => document.querySelectorAll('details[data-folded]').forEach(d => { d.open = false; })"

UNSCOPED_HEADERS = "() => [...document.querySelectorAll('th:not([scope])')].map(th => th.textContent.trim())"


def check_page(page, url: str, label: str) -> list[str]:
    """The problems of the page at `url` as it is now shown; its screenshot and axe counts printed."""
    response = page.goto(url)
    assert response.status == 200, (label, response.status)
    problems = []
    # Folded parts (the history) count too: opened for the measurement, folded again for the picture.
    page.evaluate(UNFOLD)
    layout = page.evaluate(OVERFLOW)
    page.evaluate(FOLD_AGAIN)
    if layout["scrollWidth"] > layout["clientWidth"]:
        problems.append(f"{label}: the page scrolls sideways {layout}")
    if label.endswith("-phone") and (small := page.evaluate(SMALL_TARGETS)):
        problems.append(f"{label}: touch targets under 44 px {small[:5]}")
    unscoped = page.evaluate(UNSCOPED_HEADERS)
    if unscoped:
        problems.append(f"{label}: table headers without scope {unscoped}")
    page.evaluate(AXE)
    violations = page.evaluate(AXE_RUN)
    grave = [v for v in violations if v["impact"] in ("serious", "critical")]
    print(f"axe {label}: {len(grave)} serious/critical, {len(violations) - len(grave)} moderate/minor")
    problems += [f"{label}: axe {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}" for v in grave]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{label}.png"), full_page=True)
    return problems


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone_and_passes_the_audit(demo, live_server, page, sign_in, name):
    path = _path_of(name)
    if not _served(path):
        pytest.skip(f"{path} is not served yet")
    problems = []
    if name == "sign-in":
        page.context.clear_cookies()
    else:
        sign_in("demo-parkadmin")
    for suffix, language in LANGUAGES.items():  # the language switch's cookie, as the switch sets it
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            problems += check_page(page, f"{live_server.url}{path}", f"{name}-{suffix}-{size}")
    print(f"screenshots: {SHOTS}")
    assert problems == [], "\n".join(problems)
