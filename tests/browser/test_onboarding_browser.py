"""The whole onboarding of a school in a real browser (issue 16): a superuser makes a school administrator; the
school administrator makes a class and a counselor; the counselor sets a password with the one-time code and shares
the class code; a student signs up and joins; the student forgets the password and gets back in with a reset code
from the counselor. Nobody types another person's password at any step."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test.utils import override_settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from programs.models import Institution

pytestmark = pytest.mark.django_db(transaction=True)
CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


def sign_in(page: Page, app_url: str, username: str, password: str) -> None:
    page.goto(f"{app_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.locator("main form button[type=submit]").click()


def set_password_with(page: Page, app_url: str, username: str, code: str, password: str) -> None:
    page.goto(f"{app_url}/accounts/login/")
    page.get_by_role("link", name="用一次性码设置新密码").click()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("一次性码").fill(code)
    page.get_by_label("新密码", exact=True).fill(password)
    page.get_by_label("再输入一次新密码").fill(password)
    page.get_by_role("button", name="设置我的密码").click()
    expect(page.locator("main")).to_contain_text("密码已设置好")


# Production's settings where they matter here: the real password hasher (the test settings use a fast one), sessions
# kept in the database behind the cache, ending with the browser and renewed on every request.
PRODUCTION_LIKE = override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"],
    SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
    SESSION_EXPIRE_AT_BROWSER_CLOSE=True,
    SESSION_SAVE_EVERY_REQUEST=True,
    PASSWORD_RESET_BY_EMAIL=False,
)


@PRODUCTION_LIKE
def test_a_school_is_onboarded_end_to_end_and_a_student_gets_back_in(
    demo_data: None, app_url: str, open_page: Callable[..., Page]
) -> None:
    User.objects.create_superuser("root", password="root-pass-2026-x")
    school = Institution.objects.get(name="奉节职业教育中心")

    root = open_page(viewport={"width": 1200, "height": 900})
    root.goto(f"{app_url}/admin/login/")
    root.get_by_label("用户名").fill("root")
    root.get_by_label("密码").fill("root-pass-2026-x")
    root.locator("input[type=submit]").click()
    root.goto(f"{app_url}/admin/pathways/schoolstaff/add/")
    root.locator("input[name=username]").fill("fengjie_admin")
    root.locator("select[name=school]").select_option(str(school.pk))
    root.locator("input[name=display_name]").fill("李主任")
    root.locator("input[name=_save]").click()
    admin_code = CODE.search(root.locator(".messagelist").inner_text()).group(0)  # type: ignore[union-attr]

    admin = open_page(**PHONE)
    set_password_with(admin, app_url, "fengjie_admin", admin_code, "admin-pass-2026-x")
    sign_in(admin, app_url, "fengjie_admin", "admin-pass-2026-x")
    admin.get_by_role("link", name="本校管理").click()
    expect(admin.locator("h1")).to_have_text(school.name)
    admin.get_by_label("班级名称").fill("2026级 汽修1班")
    admin.get_by_role("button", name="创建班级").click()
    expect(admin.locator("main")).to_contain_text("已创建班级 2026级 汽修1班")
    admin.locator("input[name=username]").fill("wang_laoshi")
    admin.get_by_label("向学生显示的称呼").fill("王老师")
    admin.get_by_role("button", name="创建账号并生成一次性码").click()
    counselor_code = admin.get_by_test_id("issued-code").inner_text()
    admin.get_by_role("button", name="安排").first.click()
    expect(admin.locator("main ul.cards").first).to_contain_text("wang_laoshi")

    counselor = open_page(**PHONE)
    set_password_with(counselor, app_url, "wang_laoshi", counselor_code, "teacher-pass-2026-x")
    sign_in(counselor, app_url, "wang_laoshi", "teacher-pass-2026-x")
    counselor.get_by_role("link", name="我的学生").click()
    counselor.get_by_role("link", name=re.compile("汽修1班")).first.click()
    join_code = counselor.locator(".join-code").inner_text()

    student = open_page(**PHONE)
    student.goto(f"{app_url}/accounts/signup/")
    student.locator("input[name=username]").fill("xiaoyu")
    student.locator("input[name=password1]").fill("student-pass-2026-x")
    student.locator("input[name=password2]").fill("student-pass-2026-x")
    student.locator("input[name=birth_year]").fill(str(timezone.localdate().year - 16))
    student.locator("input[name=birth_month]").fill("6")
    student.locator("input[name=agree]").check()
    student.locator("main form button[type=submit]").click()
    student.get_by_role("link", name="我的班级").click()
    student.get_by_label("班级码").fill(join_code)
    student.get_by_role("button", name="加入").click()
    expect(student.locator("main")).to_contain_text("你已加入2026级 汽修1班")

    counselor.goto(f"{app_url}/counsel/")
    counselor.get_by_role("link", name="xiaoyu").click()
    counselor.get_by_role("button", name="学生忘记密码？发放一次性码").click()
    reset_code = counselor.get_by_test_id("issued-code").inner_text()

    forgetful = open_page(**PHONE)  # a fresh browser: the student remembers nothing
    set_password_with(forgetful, app_url, "xiaoyu", reset_code, "new-student-pass-2026")
    sign_in(forgetful, app_url, "xiaoyu", "new-student-pass-2026")
    forgetful.get_by_role("link", name="我的班级").click()
    expect(forgetful.locator("main")).to_contain_text("2026级 汽修1班")
    sign_in(open_page(**PHONE), app_url, "xiaoyu", "student-pass-2026-x")  # the old password no longer works
    assert not User.objects.get(username="xiaoyu").check_password("student-pass-2026-x")
