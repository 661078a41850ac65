"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

No browser is downloaded: Playwright starts the system's ``chromium`` through
``executable_path`` (.ci/run installs the Debian package). Every test here needs
PostgreSQL and Redis and is marked ``needs_services`` (skipped, with the reason,
only where DATABASE_URL/REDIS_URL are unset). Where the services are set but
Chromium is missing, the tests fail and say how to install it.

The live server runs in a thread of the test process; Playwright's sync API
keeps an event loop in the main thread, so Django's async-safety guard is
lifted for these tests only (``DJANGO_ALLOW_ASYNC_UNSAFE``).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SCREENSHOTS = BASE_DIR / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.needs_services)


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is missing: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH")
    return path


@pytest.fixture(scope="session")
def playwright_instance():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def screenshot(request):
    """``screenshot(page, "name")`` saves build/screenshots/<test>/<nn>-<name>.png (not committed)."""
    folder = SCREENSHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    counter = {"n": 0}

    def take(page, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        counter["n"] += 1
        path = folder / f"{counter['n']:02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# --- The journeys' fixtures (tests/e2e/journeys.py): a real SMTP server and Celery worker per module,
# the mailbox emptied per test, and the accessibility report at the end of a journey.
from tests.e2e.journeys import a11y_report, journey_services, mailbox  # noqa: E402, F401
