"""The API's Swagger UI works in a browser under our Content-Security-Policy, with every asset served by us."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_swagger_ui_renders_the_schema_from_our_own_origin(
    demo_data: None, app_url: str, open_page: Callable[..., Page]
) -> None:
    page = open_page(viewport={"width": 1200, "height": 900})
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(app_url) else None)
    page.goto(app_url + "/api/v1/docs/")
    expect(page.get_by_text("Zhitu API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/me/data/").first).to_be_visible()
    page.wait_for_load_state("networkidle")  # no request still in flight when the live server stops
    assert foreign == []
