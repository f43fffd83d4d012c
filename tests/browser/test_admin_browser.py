"""An admin imports a CSV of programs with one bad row, sees the row's error, fixes it and imports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from pathways.students.roles import CURATOR_GROUP, role_group
from programs.models import Program

pytestmark = pytest.mark.django_db(transaction=True)
HEADER = "institution,specialty_code,academic_year,status,quota,quota_source,tuition,tuition_source,is_sample\n"


def curator_signed_in(open_page: Callable[..., Page], app_url: str, username: str) -> Page:
    """A new catalog curator, signed in to the admin on a desktop-sized page."""
    admin = User.objects.create_user(username, password="a-long-pass-2026", is_staff=True)
    admin.groups.add(role_group(CURATOR_GROUP))
    page = open_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{app_url}/admin/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("a-long-pass-2026")
    page.get_by_role("button", name="登录").click()
    return page


def test_an_admin_fixes_a_bad_row_and_imports(
    demo_data: None, app_url: str, open_page: Callable[..., Page], tmp_path: Path
) -> None:
    page = curator_signed_in(open_page, app_url, "browser_admin")

    bad = tmp_path / "programs.csv"
    bad.write_text(
        HEADER + "奉节职业教育中心,610101,2027,draft,45,,0,,False\n奉节职业教育中心,999999,2027,draft,45,,0,,False\n",
        encoding="utf-8",
    )
    page.goto(f"{app_url}/admin/programs/program/import/")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.locator("select[name=format]").select_option("0")
    page.locator("input[type=submit], button[type=submit]").last.click()
    expect(page.locator("body")).to_contain_text("999999")
    assert not Program.objects.filter(academic_year=2027).exists()

    good = tmp_path / "programs-fixed.csv"
    good.write_text(
        HEADER + "奉节职业教育中心,610101,2027,draft,45,,0,,False\n奉节职业教育中心,610102,2027,draft,45,,0,,False\n",
        encoding="utf-8",
    )
    page.goto(f"{app_url}/admin/programs/program/import/")
    page.locator("input[type=file]").set_input_files(str(good))
    page.locator("select[name=format]").select_option("0")
    page.locator("input[type=submit], button[type=submit]").last.click()
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("body")).to_contain_text("导入")
    assert set(Program.objects.filter(academic_year=2027).values_list("specialty__code", flat=True)) == {
        "610101",
        "610102",
    }


def test_the_export_select_all_works_under_the_content_security_policy(
    demo_data: None, app_url: str, open_page: Callable[..., Page]
) -> None:
    """The export page's "select all" box unticks and ticks every field; open_page fails the test if the CSP blocked
    a script (the upstream template's inline onchange handler was blocked)."""
    page = curator_signed_in(open_page, app_url, "browser_exporter")
    page.goto(f"{app_url}/admin/programs/program/export/")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]:visible')
    assert fields.count() > 3
    toggle = page.locator("input.select-toggle").first
    toggle.uncheck()
    expect(page.locator('.selectable-field-export-row input[type="checkbox"]:checked:visible')).to_have_count(0)
    toggle.check()
    expect(page.locator('.selectable-field-export-row input[type="checkbox"]:checked:visible')).to_have_count(
        fields.count()
    )
