"""Real-browser tests: Playwright drives Debian's Chromium against the app served from this test process.

The server is pytest-django's LiveServer, started once for the session. Browser tests are transactional (the
server thread must see what they commit), so pytest-django empties every table after each of them: they run
last (see tests/conftest.py), and `demo_data` reloads the catalog when an earlier browser test emptied it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture(scope="session")
def app_url(django_db_setup: None, django_db_blocker: object) -> Iterator[str]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
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


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
