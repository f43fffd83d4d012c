"""Counselor journeys in a real browser: endorse, reject with a reason and add, seen by the student; and a counselor
refused another counselor's student by URL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Page, expect

from pathways.matching.recommendations import recommendations_for_attempt
from pathways.models import Cohort, FormVersion
from pathways.quiz.services import answers_check, quiz_attempt_save
from pathways.students.roles import COUNSELOR_GROUP
from programs.models import Institution, Program
from tests.factories import joined, student_account

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-pass-2026"


def sign_in(page: Page, app_url: str, username: str) -> None:
    page.goto(f"{app_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").last.click()


def setup_class() -> dict:
    school = Institution.objects.get(name="奉节职业教育中心")
    li = User.objects.create_user("browser_counselor_li", password=PASSWORD)
    zhao = User.objects.create_user("browser_counselor_zhao", password=PASSWORD)
    group = Group.objects.get_or_create(name=COUNSELOR_GROUP)[0]
    li.groups.add(group)
    zhao.groups.add(group)
    students = {}
    for cohort_name, teacher, student_name in (("一班", li, "browser_wang"), ("二班", zhao, "browser_zhang")):
        cohort = Cohort.objects.create(school=school, name=cohort_name, academic_year=2026)
        cohort.counselors.add(teacher)
        student = joined(student_account(student_name, password=PASSWORD), cohort)
        form = FormVersion.objects.get(kind="quick", is_current=True)
        by_area = {"R": 2, "I": 3, "A": 5, "S": 4, "E": 3, "C": 1}
        answers = [(i.item_id, by_area[i.area]) for i in form.items.all()]
        students[student_name] = quiz_attempt_save(
            student=student, sheet=answers_check(kind="quick", version_number=form.number, answers=answers)
        )
    return {"li": li, "zhao": zhao, **students}


def test_a_counselor_endorses_rejects_and_adds_and_the_student_sees_all_three(
    demo_data: None, app_url: str, open_page: Callable[..., Page]
) -> None:
    people = setup_class()
    attempt = people["browser_wang"]
    suggestions = recommendations_for_attempt(attempt=attempt, stage="junior").programs
    extra = (
        Program.objects.published()
        .filter(specialty__level="secondary")
        .exclude(pk__in=[s.program.pk for s in suggestions])
        .select_related("institution", "specialty")
        .first()
    )
    counselor = open_page(viewport={"width": 1200, "height": 900})
    sign_in(counselor, app_url, "browser_counselor_li")
    counselor.goto(f"{app_url}/counsel/")
    counselor.get_by_role("link", name="browser_wang").click()
    cards = counselor.locator("ol.pathways > li.card")
    cards.nth(0).get_by_role("button", name="认可").click()
    cards = counselor.locator("ol.pathways > li.card")
    cards.nth(1).get_by_label("理由（不建议时必填）").fill("离家太远")
    cards.nth(1).get_by_role("button", name="不建议").click()
    counselor.get_by_label("学校或专业").fill(extra.specialty.name)
    counselor.get_by_role("button", name="查找").click()
    counselor.locator("li.card", has_text=extra.institution.name).first.get_by_role("button", name="添加").click()
    expect(counselor.locator("body")).to_contain_text("老师补充推荐")

    student = open_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    sign_in(student, app_url, "browser_wang")
    student.goto(f"{app_url}/quiz/history/{attempt.pk}/recommendations/")
    body = student.locator("main")
    expect(body).to_contain_text("来自指导老师")
    expect(body).to_contain_text("指导老师：认可")
    expect(body).to_contain_text("离家太远")
    expect(body).to_contain_text(extra.specialty.name)
    # The counselor's order as the student sees it: the endorsed program first, the advised-against one last.
    listed = student.locator(".programs-list > li")
    expect(listed.first).to_contain_text("指导老师：认可")
    expect(listed.last).to_contain_text("离家太远")
    expect(listed.last.locator(".counselor-mark .badge.warn")).to_be_visible()
    student.goto(f"{app_url}/quiz/history/")
    expect(student.locator("main")).to_contain_text("你的指导老师认可了")


def test_a_counselor_is_refused_another_counselors_student(
    demo_data: None, app_url: str, open_page: Callable[..., Page]
) -> None:
    people = setup_class()
    page = open_page()
    sign_in(page, app_url, "browser_counselor_li")
    response = page.goto(f"{app_url}/counsel/students/{people['browser_zhang'].student.pk}/")
    assert response is not None and response.status == 404
    assert "browser_zhang" not in page.content()


def test_a_student_joins_a_class_with_the_code_the_counselor_shows(
    demo_data: None, app_url: str, open_page: Callable[..., Page]
) -> None:
    """On a phone: the counselor reads the class code off the class page; a new student types it in and joins;
    only then does she appear among the counselor's students."""
    people = setup_class()
    student_account("browser_new", password=PASSWORD)
    cohort = people["li"].cohorts_counseled.first()
    counselor = open_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    sign_in(counselor, app_url, "browser_counselor_li")
    counselor.goto(f"{app_url}/counsel/cohorts/{cohort.pk}/")
    code = counselor.locator(".join-code").inner_text()
    counselor.goto(f"{app_url}/counsel/")
    expect(counselor.locator("main table")).not_to_contain_text("browser_new")
    # The header is two rows on a phone (name and tools, then the main links, which scroll sideways), and the
    # page is no wider than the phone, in Chinese and in English.
    header_rows = (
        "new Set([...document.querySelectorAll('.site-header a, .site-header button')]"
        ".map(e => Math.round(e.getBoundingClientRect().top / 10))).size"
    )
    assert counselor.evaluate(header_rows) <= 2
    counselor.get_by_role("button", name="English").click()
    expect(counselor.locator("h1")).to_have_text("My students")
    assert counselor.evaluate(header_rows) <= 2
    assert counselor.evaluate("document.documentElement.scrollWidth") <= 390
    counselor.get_by_role("button", name="中文").click()

    student = open_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    sign_in(student, app_url, "browser_new")
    student.get_by_role("link", name="我的班级").click()
    student.get_by_label("班级码").fill(code[:4] + " " + code[4:].lower())
    student.get_by_role("button", name="加入").click()
    expect(student.locator("main")).to_contain_text("你已加入一班")
    expect(student.locator("main")).to_contain_text("browser_counselor_li")
    counselor.goto(f"{app_url}/counsel/")
    expect(counselor.locator("main table")).to_contain_text("browser_new")
    expect(counselor.locator("main")).to_contain_text("browser_new 加入了一班。")


def test_a_roster_saved_by_excel_in_gbk_invites_and_the_student_accepts(
    demo_data: None, app_url: str, open_page: Callable[..., Page]
) -> None:
    """The counselor uploads the roster as Excel on Chinese Windows saves it (GBK, a Chinese user name); the student
    finds the invitation on My classes and joins by accepting it."""
    people = setup_class()
    student_account("王小明", password=PASSWORD)
    cohort = people["li"].cohorts_counseled.first()
    counselor = open_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    sign_in(counselor, app_url, "browser_counselor_li")
    counselor.goto(f"{app_url}/counsel/cohorts/{cohort.pk}/")
    roster = "username\r\n王小明\r\n".encode("gbk")
    counselor.set_input_files("#id_roster", files=[{"name": "名单.csv", "mimeType": "text/csv", "buffer": roster}])
    counselor.get_by_role("button", name="发送邀请").click()
    expect(counselor.locator("main")).to_contain_text("第 2 行，王小明：已邀请")
    student = open_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    sign_in(student, app_url, "王小明")
    student.goto(f"{app_url}/me/classes/")
    student.get_by_role("button", name="接受").click()
    expect(student.locator("main")).to_contain_text("你已加入一班")
