"""A parent opens the student's report link in a fresh browser with no login; the student ends it; it stops."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.factories import saved_student

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


def test_the_parent_link_opens_with_no_login_and_stops_when_revoked(
    demo_data: None, app_url: str, open_page: Callable[..., Page]
) -> None:
    attempt = saved_student("browser_share")
    student_user = User.objects.get(pk=attempt.student_id)
    student_user.set_password("a-long-pass-2026")
    student_user.save()
    student = open_page(**PHONE)
    student.goto(f"{app_url}/accounts/login/")
    student.get_by_label("用户名").fill("browser_share")
    student.get_by_label("密码").fill("a-long-pass-2026")
    student.locator("main form button[type=submit]").click()
    student.goto(f"{app_url}/quiz/report/")
    student.get_by_label("报告上显示我的名字（可不填）").fill("小雨")
    student.get_by_role("button", name="生成链接").click()
    link = student.get_by_test_id("share-link").inner_text()

    parent = open_page(**PHONE)  # a fresh browser context: no cookies, no login
    parent.goto(link)
    expect(parent.locator("main")).to_contain_text("学生：小雨")
    expect(parent.get_by_role("button", name="打印")).to_be_visible()
    expect(parent.locator("body")).not_to_contain_text("browser_share")

    student.get_by_role("button", name="让这个链接失效").click()
    expect(student.locator("main")).to_contain_text("这个链接已经失效")
    parent.reload()
    expect(parent.locator("h1")).to_have_text("这个链接已经失效")
