"""Accessibility of the main pages on a phone, signed out and signed in: axe-core finds no serious or critical
problem (labelled controls, contrast, names), and the quiz can be answered with the keyboard alone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from pathways.matching.recommendations import recommendation_store
from pathways.models import Articulation
from pathways.plans.services import plan_choose
from programs.models import Program
from tests.browser.test_counsel_browser import setup_class, sign_in

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
