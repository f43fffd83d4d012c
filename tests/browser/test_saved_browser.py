"""On a phone, a student saves and dismisses programs in place (no reload, no jump, the reason kept), then opens
their saved list and compares two programs side by side."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.browser.test_counsel_browser import PASSWORD, sign_in
from tests.factories import saved_student

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


def test_save_and_dismiss_in_place_then_compare(demo_data: None, app_url: str, open_page: Callable[..., Page]) -> None:
    attempt = saved_student("browser_saved")
    user = User.objects.get(pk=attempt.student_id)
    user.set_password(PASSWORD)
    user.save()
    page = open_page(**PHONE)
    sign_in(page, app_url, "browser_saved")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{app_url}/quiz/history/{attempt.pk}/recommendations/")
    cards = page.locator(".programs-list > li")
    first, second, third = (cards.nth(n).get_attribute("id") for n in range(3))

    page.locator(f"#{third}").scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    page.evaluate("window.__same_page = true")  # gone if the page reloads
    page.locator(f"#{third} input[name=reason]").fill("学费太贵")
    page.locator(f"#{third}").get_by_role("button", name="不适合我").click()
    expect(page.locator(f"#dismissed #{third}")).to_be_attached()
    expect(page.locator(".dismissed-count")).to_have_text("1")
    assert page.evaluate("window.__same_page") is True
    assert page.evaluate("window.scrollY") > scrolled / 2  # not sent back to the top
    expect(page.locator(f"#{third} input[name=reason]")).to_have_value("学费太贵")

    for card in (first, second):
        page.locator(f"#{card}").get_by_role("button", name="收藏", exact=True).click()
        expect(page.locator(f"#{card} .said")).to_have_text("已收藏")
    assert page.evaluate("window.__same_page") is True

    page.goto(f"{app_url}/me/")
    page.get_by_role("link", name="我的收藏").click()
    expect(page.locator(".saved-list > li")).to_have_count(2)
    for box in page.locator(".saved-list input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="对比").click()
    expect(page.locator("h1")).to_have_text("专业点对比")
    expect(page.locator("table.compare thead th")).to_have_count(3)
    expect(page.locator("table.compare")).to_contain_text("学制")
    # The table scrolls sideways inside its box; the page itself does not get wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
