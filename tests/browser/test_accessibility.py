"""Accessibility of the main pages on a phone, signed out and signed in: axe-core finds no serious or critical
problem (labelled controls, contrast, names), and the quiz can be answered with the keyboard alone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from pathways.matching.feedback import feedback_record
from pathways.matching.recommendations import recommendation_store, recommendations_for_attempt
from pathways.models import Articulation, QuizAttempt, SchoolStaff
from pathways.plans.services import plan_choose, report_share_create
from pathways.students.roles import SCHOOL_ADMIN_GROUP, role_group
from programs.models import Program
from tests.browser.test_counsel_browser import PASSWORD, setup_class, sign_in
from tests.browser.test_quiz_browser import answer_visible_screen

pytestmark = pytest.mark.django_db(transaction=True)
AXE = Path(__file__).resolve().parent.parent.parent / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
PAGES = [
    "/",
    "/quiz/",
    "/quiz/quick/",
    "/pathways/?start=junior&district=奉节县",
    "/routes/3-2/",
    "/specialties/520201/",
    "/accounts/signup/",
    "/privacy/",
]


def serious_problems(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by scripts/browser.sh when npm is available")
def test_main_pages_have_no_serious_accessibility_problems(
    demo_data: None, app_url: str, open_page: Callable[..., Page]
) -> None:
    # axe is injected as an inline script, which our CSP rightly blocks: let the test browser bypass it.
    page = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, bypass_csp=True)
    program = Articulation.objects.live().filter(route__code="3-2").first().to_program_id
    problems = {}
    for path in [*PAGES, f"/programs/{program}/"]:
        page.goto(app_url + path)
        found = serious_problems(page)
        if found:
            problems[path] = found
    assert problems == {}


def test_the_quiz_can_be_answered_with_the_keyboard(
    demo_data: None, app_url: str, open_page: Callable[..., Page]
) -> None:
    page = open_page(viewport={"width": 390, "height": 844})
    page.goto(f"{app_url}/quiz/quick/")
    page.locator(".screen:not([hidden]) input[type=radio]").first.focus()
    page.keyboard.press("Space")  # choose the focused answer
    expect(page.locator(".progress-text")).to_have_text("1 / 30")
    page.keyboard.press("Tab")  # on to the next question's answers
    page.keyboard.press("ArrowDown")
    expect(page.locator(".progress-text")).to_have_text("2 / 30")


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by scripts/browser.sh when npm is available")
def test_signed_in_pages_have_no_serious_accessibility_problems(
    demo_data: None, app_url: str, open_page: Callable[..., Page]
) -> None:
    """The student's recommendations, plan, history, data and classes pages, and the counselor's dashboard, review and
    class."""
    people = setup_class()
    attempt = people["browser_wang"]
    recommendation_store(attempt=attempt, stage="junior", district="")
    plan_choose(student=attempt.student, program_id=Program.objects.published().first().pk)
    cohort = people["li"].cohorts_counseled.first()
    pages = {
        "browser_wang": [
            f"/quiz/history/{attempt.pk}/recommendations/",
            "/quiz/plan/",
            "/quiz/history/",
            "/me/data/",
            "/quiz/report/",
            "/me/classes/",
        ],
        "browser_counselor_li": [
            "/counsel/",
            f"/counsel/students/{attempt.student_id}/",
            f"/counsel/cohorts/{cohort.pk}/",
        ],
    }
    problems = {}
    for username, paths in pages.items():
        page = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, bypass_csp=True)
        sign_in(page, app_url, username)
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        for path in paths:
            page.goto(app_url + path)
            found = serious_problems(page)
            if found:
                problems[path] = found
    assert problems == {}


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by scripts/browser.sh when npm is available")
def test_an_anonymous_result_shows_specialties_and_programs_and_the_new_pages_pass_axe(
    demo_data: None, app_url: str, open_page: Callable[..., Page]
) -> None:
    """Signed out: the quiz result names 中职 specialties at once, and programs near a district on request (nothing
    stored); the comparison, the code page and a parent's report link pass axe. Signed in: the account page, the
    saved list; the school administrator's pages."""
    page = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, bypass_csp=True)
    page.goto(f"{app_url}/quiz/quick/")
    counter = [0]
    while not page.locator(".finish").is_visible() or counter[0] < 30:
        answer_visible_screen(page, counter)
        page.wait_for_timeout(300)
    page.locator(".finish").click()
    expect(page.locator("#preview-title")).to_be_visible()
    assert page.locator("section[aria-labelledby=preview-title] ol > li").count() >= 3
    problems = {"result": serious_problems(page)}
    page.get_by_label("家所在区县").select_option("奉节县")
    page.get_by_role("button", name="查看学校和专业点").click()
    expect(page.locator("h1")).to_have_text("适合你的专业和学校")
    expect(page.locator(".programs-list > li").first).to_be_visible()
    assert not QuizAttempt.objects.exists()  # shown, not stored
    problems["suggestions"] = serious_problems(page)

    people = setup_class()
    attempt = people["browser_wang"]
    shown = recommendations_for_attempt(attempt=attempt, stage="junior").programs
    for item in shown[:2]:
        feedback_record(actor=attempt.student, attempt=attempt, program=item.program, kind="save")
    link = report_share_create(student=attempt.student, shown_name="小王", days=7)
    compare = "&".join(f"p={item.program.pk}" for item in shown[:3])
    for path in [f"/programs/compare/?{compare}", "/accounts/code/", f"/report/{link}/"]:
        page.goto(app_url + path)
        problems[path] = serious_problems(page)
    student = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, bypass_csp=True)
    sign_in(student, app_url, "browser_wang")
    student.wait_for_url(lambda url: "/accounts/login/" not in url)
    for path in ["/me/", "/me/saved/", f"/quiz/history/{attempt.pk}/recommendations/"]:
        student.goto(app_url + path)
        problems[path] = serious_problems(student)
    head = User.objects.create_user("browser_head", password=PASSWORD)
    SchoolStaff.objects.create(user=head, school=people["li"].cohorts_counseled.first().school, role="school_admin")
    head.groups.add(role_group(SCHOOL_ADMIN_GROUP))
    school = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, bypass_csp=True)
    sign_in(school, app_url, "browser_head")
    school.wait_for_url(lambda url: "/accounts/login/" not in url)
    for path in ["/school/", "/school/programs/"]:
        school.goto(app_url + path)
        expect(school.locator("main")).to_contain_text("奉节职业教育中心")
        problems[path] = serious_problems(school)
    assert {path: found for path, found in problems.items() if found} == {}
