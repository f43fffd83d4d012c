"""The quiz in the browser's shoes: anonymous results stay out of the database; saving needs an account and
consent (a guardian's under 14); retakes keep history; editing an item makes a new form version."""

from __future__ import annotations

import re

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from pathways.models import Consent, FormVersion, QuizAttempt, QuizItem, StudentRecommendation
from pathways.students.consent import consent_record
from recommender.artifacts import ranker_get
from tests.factories import HANDS_ON, form_answers, quick_form, token_of

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def signup_fields(username: str, year: int, **extra: str) -> dict[str, object]:
    return {
        "action": "signup",
        "username": username,
        "password1": "a-long-pass-2026",
        "password2": "a-long-pass-2026",
        "birth_year": year,
        "birth_month": 1,
        "agree": "on",
        **extra,
    }


def test_an_anonymous_result_is_shown_and_nothing_is_stored(client: Client) -> None:
    sessions = Session.objects.count()
    response = client.post("/quiz/quick/", form_answers(quick_form()))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<svg class="radar"' in body and "RIA" in body
    assert "你的兴趣画像" in body and "研究型" in body
    assert not QuizAttempt.objects.exists()
    assert Session.objects.count() == sessions  # not even a session row


def test_an_anonymous_result_shows_specialties_and_programs_near_a_district_and_stores_nothing(client: Client) -> None:
    sessions = Session.objects.count()
    body = client.post("/quiz/quick/", form_answers(quick_form())).content.decode()
    assert "适合你的中职专业" in body
    preview = re.findall(r'href="/specialties/(\d{6})/"', body.split("适合你的中职专业")[1].split("</ol>")[0])
    assert len(preview) == 6
    _version, ranker = ranker_get()
    profile = np.array([[(HANDS_ON[a] - 1) / 4 for a in "RIASEC"]])
    top, _scores = ranker.top_k(profile, "secondary", 6)
    assert preview == [str(ranker.index.codes[c]) for c in top[0]]  # the ranking a user gets, not a list of its own
    response = client.post(
        "/quiz/result/suggestions/", {"token": token_of(body), "stage": "junior", "district": "万州区"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "适合你的专业和学校" in page and "这些都没有保存" in page
    assert page.count('<li class="card">') >= 10 and "万州区" in page
    assert not QuizAttempt.objects.exists() and not StudentRecommendation.objects.exists()
    assert Session.objects.count() == sessions
    assert client.post("/quiz/result/suggestions/", {"token": "forged", "stage": "junior"}).status_code == 400


def test_a_missing_answer_re_shows_the_form_with_the_gap_marked(client: Client) -> None:
    form = quick_form()
    posted = form_answers(form)
    first = form.items.first()
    del posted[f"item_{first.item_id}"]
    response = client.post("/quiz/quick/", posted)
    assert response.status_code == 400
    body = response.content.decode()
    assert "还有 1 道题没有作答。" in body
    assert 'class="question missing" id="q1"' in body
    assert body.count(" checked>") == 29  # the other answers are kept
    assert not QuizAttempt.objects.exists()


def test_the_quiz_page_has_progress_and_screens(client: Client) -> None:
    body = client.get("/quiz/quick/").content.decode()
    assert 'class="progress-bar"' in body and body.count('class="screen"') == 10
    assets = re.findall(r'(?:src|href)="([^"]*)"', body)
    assert "/static/js/quiz.js" in assets
    # Every asset and link is our own origin (a path) or an inline data: icon: nothing loads from elsewhere.
    assert [
        a
        for a in assets
        if not (a.startswith("/") and not a.startswith("//")) and not a.startswith(("data:", "#", "?"))
    ] == []


def test_signing_up_with_consent_saves_the_result(client: Client) -> None:
    token = token_of(client.post("/quiz/quick/", form_answers(quick_form())).content.decode())
    response = client.post("/quiz/save/", {"token": token, **signup_fields("xiaoming", THIS_YEAR - 16)})
    assert response.status_code == 302
    student = User.objects.get(username="xiaoming")
    attempt = QuizAttempt.objects.get(student=student)
    assert response["Location"] == f"/quiz/history/{attempt.pk}/"
    assert (attempt.code, attempt.score_r, attempt.answers.count()) == ("RIA", 40, 30)
    assert list(Consent.objects.filter(user=student).values_list("kind", flat=True)) == ["student"]
    assert student.student_profile.birth_year == THIS_YEAR - 16
    assert "RIA" in client.get(response["Location"]).content.decode()


def test_under_14_nothing_is_stored_without_a_guardian(client: Client) -> None:
    token = token_of(client.post("/quiz/quick/", form_answers(quick_form())).content.decode())
    response = client.post("/quiz/save/", {"token": token, **signup_fields("xiaohong", THIS_YEAR - 12)})
    assert response.status_code == 400
    assert "未满 14 周岁，需要监护人同意后才能保存。" in response.content.decode()
    assert not User.objects.filter(username="xiaohong").exists()
    assert not QuizAttempt.objects.exists()


def test_under_14_the_guardians_consent_lets_the_result_be_saved(client: Client) -> None:
    token = token_of(client.post("/quiz/quick/", form_answers(quick_form())).content.decode())
    guardian = {"guardian_name": "王芳", "guardian_relation": "母亲", "guardian_agree": "on"}
    response = client.post("/quiz/save/", {"token": token, **signup_fields("xiaohong", THIS_YEAR - 12, **guardian)})
    assert response.status_code == 302
    student = User.objects.get(username="xiaohong")
    assert QuizAttempt.objects.filter(student=student).count() == 1
    consent = Consent.objects.get(user=student, kind="guardian")
    assert (consent.guardian_name, consent.guardian_relation) == ("王芳", "母亲")


def test_a_signed_in_student_without_consent_is_asked_first(client: Client) -> None:
    client.force_login(User.objects.create_user("student_wu", password="pw-student-wu"))
    token = token_of(client.post("/quiz/quick/", form_answers(quick_form())).content.decode())
    response = client.post("/quiz/save/", {"token": token})
    assert response.status_code == 200 and "确认同意" in response.content.decode()
    assert not QuizAttempt.objects.exists()
    response = client.post(
        "/quiz/save/",
        {"token": token, "action": "consent", "birth_year": THIS_YEAR - 17, "birth_month": 3, "agree": "on"},
    )
    assert response.status_code == 302 and QuizAttempt.objects.count() == 1


def test_signing_in_to_save_works_for_a_consenting_student(client: Client) -> None:
    student = User.objects.create_user("student_he", password="pw-student-he")
    consent_record(user=student, birth_year=THIS_YEAR - 15, birth_month=1)
    token = token_of(client.post("/quiz/quick/", form_answers(quick_form())).content.decode())
    response = client.post(
        "/quiz/save/", {"token": token, "action": "login", "username": "student_he", "password": "pw-student-he"}
    )
    assert response.status_code == 302 and QuizAttempt.objects.filter(student=student).count() == 1


def test_a_tampered_result_cannot_be_saved(client: Client) -> None:
    token = token_of(client.post("/quiz/quick/", form_answers(quick_form())).content.decode())
    response = client.post("/quiz/save/", {"token": token[:-3] + "abc", **signup_fields("xiaoli", 2008)})
    assert response.status_code == 400
    assert not User.objects.filter(username="xiaoli").exists() and not QuizAttempt.objects.exists()


def test_retakes_keep_history_and_can_be_compared(client: Client) -> None:
    student = User.objects.create_user("student_ma", password="pw")
    consent_record(user=student, birth_year=THIS_YEAR - 16, birth_month=1)
    client.force_login(student)
    for by_area in (HANDS_ON, {"R": 1, "I": 2, "A": 5, "S": 5, "E": 3, "C": 1}):
        token = token_of(client.post("/quiz/quick/", form_answers(quick_form(), by_area)).content.decode())
        client.post("/quiz/save/", {"token": token})
    first, second = QuizAttempt.objects.filter(student=student).order_by("completed_at", "pk")
    assert (first.code, second.code) == ("RIA", "ASE")
    history = client.get("/quiz/history/").content.decode()
    assert "RIA" in history and "ASE" in history
    compare = client.get("/quiz/history/compare/", {"a": first.pk, "b": second.pk})
    assert compare.status_code == 200
    assert compare.content.decode().count('class="shape shape-') == 2
    assert "<td>+30</td>" in compare.content.decode() and "<td>-40</td>" in compare.content.decode()  # S and R


def test_another_students_result_answers_404(client: Client) -> None:
    owner = User.objects.create_user("student_lin", password="pw")
    consent_record(user=owner, birth_year=THIS_YEAR - 16, birth_month=1)
    client.force_login(owner)
    client.post(
        "/quiz/save/", {"token": token_of(client.post("/quiz/quick/", form_answers(quick_form())).content.decode())}
    )
    attempt = QuizAttempt.objects.get(student=owner)
    client.force_login(User.objects.create_user("student_qian", password="pw"))
    assert client.get(f"/quiz/history/{attempt.pk}/").status_code == 404
    assert client.get("/quiz/history/compare/", {"a": attempt.pk, "b": attempt.pk}).status_code == 404
    assert "RIA" not in client.get("/quiz/history/").content.decode()


def test_editing_an_item_makes_a_new_version_and_old_answers_keep_theirs(
    client: Client, curator_client: Client
) -> None:
    student = User.objects.create_user("student_sun", password="pw")
    consent_record(user=student, birth_year=THIS_YEAR - 16, birth_month=1)
    client.force_login(student)
    old = quick_form()
    stale_token = token_of(client.post("/quiz/quick/", form_answers(old)).content.decode())
    client.post("/quiz/save/", {"token": stale_token})
    saved = QuizAttempt.objects.get(student=student)
    item = QuizItem.objects.filter(in_quick=True).order_by("position").first()
    old_text = item.text
    response = curator_client.post(
        f"/admin/pathways/quizitem/{item.pk}/change/",
        {
            "code": item.code,
            "area": item.area,
            "position": item.position,
            "in_quick": "on",
            "active": "on",
            "text": "给电动汽车检查电池",
            "text_en": "check an electric car's battery",
        },
        follow=True,
    )
    assert "已更新为第 2 版" in response.content.decode()
    new = quick_form()
    assert new.number == old.number + 1 and not FormVersion.objects.get(pk=old.pk).is_current
    assert new.items.get(item=item).text == "给电动汽车检查电池"
    saved.refresh_from_db()
    assert saved.version_id == old.pk and saved.answers.get(item__item=item).item.text == old_text
    page = client.get(f"/quiz/history/{saved.pk}/").content.decode()
    assert old_text in page and "给电动汽车检查电池" not in page  # the attempt shows the wording it was given
    # A sheet answered on the old version is refused by the form; a result scored on it was saved once, as it was,
    # and saving the same result again leads to that same attempt.
    assert client.post("/quiz/quick/", form_answers(old)).status_code == 409
    again = client.post("/quiz/save/", {"token": stale_token})
    assert again["Location"] == f"/quiz/history/{saved.pk}/"
    assert QuizAttempt.objects.filter(student=student, version=old).count() == 1


def test_a_change_that_would_break_a_form_keeps_the_current_version(curator_client: Client) -> None:
    item = QuizItem.objects.filter(in_quick=True, area="S").first()
    before = quick_form().number
    response = curator_client.post(
        f"/admin/pathways/quizitem/{item.pk}/change/",
        {
            "code": item.code,
            "area": item.area,
            "position": item.position,
            "active": "on",
            "text": item.text,
            "text_en": item.text_en,
        },
        follow=True,
    )  # in_quick unticked: the quick form would have 4 S items
    body = response.content.decode()
    assert "快速版（30 题）没有变更" in body and "现在是 4 道" in body
    assert quick_form().number == before


def test_the_signup_page_makes_a_student_account_with_consent(client: Client) -> None:
    response = client.post(
        "/accounts/signup/", {k: v for k, v in signup_fields("xiaobai", THIS_YEAR - 15).items() if k != "action"}
    )
    assert response.status_code == 302
    student = User.objects.get(username="xiaobai")
    assert student.groups.filter(name="student").exists() and not student.is_staff
    assert Consent.objects.filter(user=student, kind="student").count() == 1
    assert "隐私说明" in client.get("/privacy/").content.decode()


def test_loading_the_items_twice_makes_no_new_version() -> None:
    before = FormVersion.objects.count()
    call_command("load_quiz", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert FormVersion.objects.count() == before
    assert QuizItem.objects.count() == 60
