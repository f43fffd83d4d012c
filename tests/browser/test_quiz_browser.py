"""A student on a phone takes the quick quiz, reloads halfway, goes back, sees the radar chart, and saves."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pathways.models import Consent, QuizAttempt

pytestmark = pytest.mark.django_db(transaction=True)

ANSWER_BY_AREA_CYCLE = ["5", "4", "2", "1", "3", "4"]


def answer_visible_screen(page: Page, counter: list[int]) -> None:
    questions = page.locator(".screen:not([hidden]) fieldset.question")
    for i in range(questions.count()):
        question = questions.nth(i)
        if question.locator("input:checked").count():
            continue
        counter[0] += 1
        question.get_by_text(
            ["非常不喜欢", "不喜欢", "说不准", "喜欢", "非常喜欢"][int(ANSWER_BY_AREA_CYCLE[counter[0] % 6]) - 1],
            exact=True,
        ).click()


def test_a_student_completes_the_quick_quiz_on_a_phone_and_saves(demo_data: None, app_url: str, phone: Page) -> None:
    page = phone
    page.goto(f"{app_url}/quiz/")
    page.locator(".card", has_text="快速版").get_by_role("link", name="开始").click()
    expect(page.locator("h1")).to_have_text("快速版（30 题）")
    expect(page.locator(".progress-text")).to_have_text("0 / 30")
    expect(page.locator(".screen:not([hidden])")).to_have_count(1)  # one screen at a time

    counter = [0]
    answer_visible_screen(page, counter)
    expect(page.locator(".progress-text")).to_have_text("3 / 30")
    page.wait_for_timeout(400)  # the next screen slides in after a full screen
    page.locator(".back").click()
    expect(page.locator(".screen:not([hidden]) input:checked")).to_have_count(3)  # back keeps the answers
    page.locator(".next").click()
    while counter[0] < 15:
        answer_visible_screen(page, counter)
        page.wait_for_timeout(350)

    page.reload()  # the answers survive a reload
    expect(page.locator(".progress-text")).to_have_text("15 / 30")
    while not page.locator(".finish").is_visible() or counter[0] < 30:
        answer_visible_screen(page, counter)
        page.wait_for_timeout(350)
    expect(page.locator(".progress-text")).to_have_text("30 / 30")
    assert not QuizAttempt.objects.exists()  # nothing stored before consent

    page.locator(".finish").click()
    expect(page.locator("h1")).to_have_text("你的兴趣画像")
    radar = page.locator("svg.radar")
    expect(radar).to_be_visible()
    expect(radar.locator("polygon.shape-1")).to_have_count(1)
    assert radar.bounding_box()["width"] <= 390  # fits the phone
    code = page.locator(".code-letters").inner_text()
    assert len(code) == 3 and set(code) <= set("RIASEC")
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('zhitu-quiz-')).length") == 0

    page.get_by_role("button", name="保存我的结果（需要账号和同意）").click()
    signup = page.locator("form").filter(has=page.locator("input[name=action][value=signup]"))
    signup.locator("input[name=username]").fill("browser_xiaoyu")
    signup.locator("input[name=password1]").fill("a-long-pass-2026")
    signup.locator("input[name=password2]").fill("a-long-pass-2026")
    signup.locator("input[name=birth_year]").fill(str(timezone.localdate().year - 16))
    signup.locator("input[name=birth_month]").fill("6")
    signup.locator("input[name=agree]").check()
    signup.get_by_role("button", name="注册并保存").click()

    expect(page).to_have_url(f"{app_url}/quiz/history/{QuizAttempt.objects.get().pk}/")
    expect(page.locator(".code-letters").first).to_have_text(code)
    attempt = QuizAttempt.objects.get(student__username="browser_xiaoyu")
    assert attempt.code == code and attempt.answers.count() == 30 and attempt.version.kind == "quick"
    assert Consent.objects.filter(user=attempt.student, kind="student").exists()

    page.get_by_role("link", name="查看我的推荐").click()
    expect(page.locator("h1")).to_have_text("我的推荐")
    first = page.locator("ol.pathways > li.card").first
    expect(first).to_contain_text("你喜欢")  # the reason names what the student likes that matches
    expect(first).to_contain_text("怎么升上去")  # and the route that reaches the program
    assert page.locator("ol.pathways > li.card").count() == 10


def test_the_quiz_scale_and_the_radar_are_english_on_english_pages(demo_data: None, app_url: str, phone: Page) -> None:
    page = phone
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": app_url}])
    page.goto(f"{app_url}/quiz/quick/")
    screen = page.locator(".screen:not([hidden])")
    expect(screen.locator("fieldset.question").first).to_contain_text("Strongly dislike")
    expect(screen).not_to_contain_text("非常不喜欢")
    counter = [0]
    while not page.locator(".finish").is_visible() or counter[0] < 30:
        questions = page.locator(".screen:not([hidden]) fieldset.question")
        for i in range(questions.count()):
            if not questions.nth(i).locator("input:checked").count():
                counter[0] += 1
                questions.nth(i).get_by_text("Like", exact=True).click()
        page.wait_for_timeout(300)
    page.locator(".finish").click()
    radar = page.locator("svg.radar")
    expect(radar).to_contain_text("Conventional")
    for label in radar.locator("text").all():  # every area's name inside the phone's width, none cut off
        box = label.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
