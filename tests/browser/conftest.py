"""Browser tests: Playwright driving Debian's Chromium against Django's live server."""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PASSWORD = "browser-test-password"

# The live server runs in this process beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        item.add_marker(pytest.mark.browser)
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium fonts-noto-cjk)")
        for item in items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}


@pytest.fixture
def demo(transactional_db):
    """The demo parks and users, in the live server's database.

    A transactional test before this one may have emptied the tables, the evidence requirements
    seeded by a data migration included: they are seeded again (idempotent) before the demo loads.
    """
    from importlib import import_module

    from django.apps import apps

    import_module("cases.migrations.0002_seed_evidence_requirements").seed(apps, None)
    call_command("load_demo", password=PASSWORD, stdout=io.StringIO())


@pytest.fixture
def sign_in(live_server, page):
    def sign_in_as(username: str, *, language: str = "zh-hans"):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        if language == "en":
            page.get_by_role("button", name="English").click()
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in_as


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
