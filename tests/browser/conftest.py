"""Real-browser tests: Playwright drives Debian's Chromium against the app served from this test process.

The server is pytest-django's LiveServer, started for each test. Browser tests are transactional (the
server thread must see what they commit), so pytest-django empties every table after each of them: they run
last (see tests/conftest.py), and `demo_data` reloads the catalog when an earlier browser test emptied it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def app_url(transactional_db: None) -> Iterator[str]:
    """A live server for one test: it shares the test's database connection (for in-memory SQLite)."""
    server = LiveServer("127.0.0.1")
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: ./scripts/test.sh installs it (apt-get install chromium).")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it are still
    # sync. Set only while the browser runs, so no subprocess (such as the deploy check) inherits it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
            )
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


@pytest.fixture
def open_page(browser: Browser, app_url: str, request: pytest.FixtureRequest) -> Iterator[Callable[..., Page]]:
    """Opens pages in fresh browser contexts; closes them before the server stops, so no request is cut off.

    When the test fails, each page's screenshot is saved under test-artifacts/ first. Anything the
    Content-Security-Policy blocked (an inline script or style that slipped in) fails the test.
    """
    contexts = []
    blocked: list[str] = []

    def opener(**options: object) -> Page:
        context = browser.new_context(**{"locale": "zh-CN", **options})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        return page

    yield opener
    if getattr(request.node, "failed_call", False):
        SCREENSHOTS.mkdir(exist_ok=True)
        for n, page in enumerate(p for context in contexts for p in context.pages):
            page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-{n}.png"), full_page=True)
    for context in contexts:
        context.close()
    assert blocked == [], "the Content-Security-Policy blocked something"


@pytest.fixture
def phone(open_page: Callable[..., Page]) -> Page:
    return open_page(**PHONE)
