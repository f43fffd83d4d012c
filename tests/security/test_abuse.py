"""The security review's findings on identity and repetition: throttles and the sign-in lockout that a header cannot
get around, an address trying many usernames, the HTML quiz and sign-up throttled, a signed result saved once by one
account, feedback only on programs that were recommended, and the listed inputs that used to give a server error.

`walk_wang` is a consenting 16-year-old with a saved result in 一班; `walk_li` is her counselor (`six_personas`).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.test import APIClient

from pathways.models import QuizAttempt, RecommendationFeedback, Review, StudentProfile, StudentRecommendation
from programs.models import Program
from tests.factories import form_answers, quick_form, student_account, token_of
from tests.security.test_limits import rates, score_body, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters() -> None:
    cache.clear()


# 4. Throttles that a header or a loop gets around ----------------------------------------------------------------


def test_a_forged_forwarded_for_header_is_not_a_new_identity() -> None:
    with override_settings(**rates(quiz="3/min")):
        api = APIClient(REMOTE_ADDR="10.2.2.2")
        codes = [
            api.post("/api/v1/quiz/score/", score_body(), format="json", HTTP_X_FORWARDED_FOR=f"10.7.7.{n}").status_code
            for n in range(5)
        ]
        assert codes == [200, 200, 200, 429, 429]


def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_saw() -> None:
    with override_settings(TRUSTED_PROXY_COUNT=1, **rates(quiz="2/min")):
        proxy = APIClient(REMOTE_ADDR="10.0.0.1")  # every request comes from the proxy
        first = [
            proxy.post(
                "/api/v1/quiz/score/", score_body(), format="json", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.8.8.8"
            ).status_code
            for _n in range(3)
        ]
        other = proxy.post("/api/v1/quiz/score/", score_body(), format="json", HTTP_X_FORWARDED_FOR="10.8.8.9")
        assert first == [200, 200, 429] and other.status_code == 200  # the forged first hop is not trusted


def test_the_lockout_ignores_a_forged_forwarded_for_header() -> None:
    User.objects.create_user("student_lin", password="right-password-1")
    attacker = Client(REMOTE_ADDR="10.0.0.66")
    codes = [
        attacker.post(
            "/accounts/login/", {"username": "student_lin", "password": "guess"}, HTTP_X_FORWARDED_FOR=f"10.3.3.{n}"
        ).status_code
        for n in range(6)
    ]
    assert codes[4:] == [429, 429]  # the fifth failure locks the pair, whatever the header says


@override_settings(SIGNIN_ADDRESS_FAILURES=8, AXES_FAILURE_LIMIT=100)
def test_one_address_trying_many_usernames_is_stopped() -> None:
    User.objects.create_user("student_real", password="right-password-9")
    codes = [sign_in(Client(), f"guess_{n}", "password", "10.4.4.4") for n in range(8)]
    assert codes == [200] * 8
    refused = Client().post(
        "/accounts/login/", {"username": "student_real", "password": "right-password-9"}, REMOTE_ADDR="10.4.4.4"
    )
    assert refused.status_code == 429 and "登录失败次数过多" in refused.content.decode()
    assert sign_in(Client(), "student_real", "right-password-9", "10.4.4.5") == 302  # another network signs in


def test_the_html_quiz_and_sign_up_are_throttled() -> None:
    with override_settings(**rates(quiz_page="2/min", signup="2/hour")):
        client = Client(REMOTE_ADDR="10.5.5.5")
        codes = [client.post("/quiz/quick/", form_answers(quick_form())).status_code for _n in range(3)]
        assert (
            codes == [200, 200, 429]
            and "请求过多" in client.post("/quiz/quick/", form_answers(quick_form())).content.decode()
        )
        signups = [client.post("/accounts/signup/", {"username": f"s{n}"}).status_code for n in range(3)]
        assert signups == [200, 200, 429]
        assert not User.objects.filter(username__startswith="s").exists()


def test_a_result_is_saved_once_by_one_account() -> None:
    owner, other = student_account("student_once"), student_account("student_twice")
    anonymous = Client()
    token = token_of(anonymous.post("/quiz/quick/", form_answers(quick_form())).content.decode())
    mine = Client()
    mine.force_login(owner)
    first = mine.post("/quiz/save/", {"token": token})
    again = [mine.post("/quiz/save/", {"token": token})["Location"] for _n in range(5)]
    assert set(again) == {first["Location"]} and QuizAttempt.objects.count() == 1
    theirs = Client()
    theirs.force_login(other)
    refused = theirs.post("/quiz/save/", {"token": token})
    assert refused.status_code == 403 and "已经保存过了" in refused.content.decode()
    assert not QuizAttempt.objects.filter(student=other).exists()


# 2. Feedback only for programs that were recommended ---------------------------------------------------------------


def test_feedback_on_a_program_never_recommended_is_refused(six_personas: dict) -> None:
    owner = six_personas["users"]["owner"]
    attempt = six_personas["attempt"]
    stored = {p["program"] for p in StudentRecommendation.objects.get(student=owner).programs}
    stranger = Program.objects.published().exclude(pk__in=stored).filter(specialty__level="bachelor").first()
    api = APIClient()
    api.force_login(owner)
    body = {"attempt": attempt, "program": stranger.pk, "kind": "save"}
    refused = api.post("/api/v1/recommendations/feedback/", body, format="json")
    assert refused.status_code == 400 and "program" in refused.json()
    page = Client()
    page.force_login(owner)
    shown = page.post(
        f"/quiz/history/{attempt}/recommendations/feedback/", {"program": stranger.pk, "kind": "dismiss"}, follow=True
    ).content.decode()
    assert "不在给你的推荐中" in shown
    assert not RecommendationFeedback.objects.filter(program=stranger).exists()
    accepted = api.post("/api/v1/recommendations/feedback/", {**body, "program": sorted(stored)[0]}, format="json")
    assert accepted.status_code == 201


# 5. The listed inputs that used to answer 500 ----------------------------------------------------------------------


def test_the_listed_inputs_are_400s_with_a_message_and_write_nothing(six_personas: dict) -> None:
    owner, li = six_personas["users"]["owner"], six_personas["users"]["counselor"]
    student, attempt = owner.pk, six_personas["attempt"]
    mine, theirs, api = Client(), Client(), APIClient()
    mine.force_login(owner)
    theirs.force_login(li)
    api.force_login(owner)
    assert Client().get("/api/v1/specialties/%00/").status_code == 400
    assert Client().get("/specialties/%00/").status_code == 400
    assert theirs.get("/counsel/?q=%00").status_code == 400
    note = {"version": 0, "action": "note", "note": "好\x00"}
    assert theirs.post(f"/counsel/students/{student}/", note).status_code == 400
    assert (
        mine.post(
            f"/quiz/history/{attempt}/recommendations/feedback/", {"program": "1", "kind": "dismiss", "reason": "\x00"}
        ).status_code
        == 400
    )
    assert api.post("/api/v1/quiz/score/", "[" * 5000 + "]" * 5000, content_type="application/json").status_code == 400
    digits = score_body()
    digits["answers"][0]["value"] = "9" * 5000
    assert api.post("/api/v1/quiz/score/", digits, format="json").status_code == 400
    page = form_answers(quick_form())
    page[next(k for k in page if k.startswith("item_"))] = "9" * 5000
    assert "答案只能是 1（非常不喜欢）到 5" in Client().post("/quiz/quick/", page).content.decode()
    assert (
        mine.post(f"/quiz/history/{attempt}/recommendations/feedback/", {"program": "abc", "kind": "save"}).status_code
        == 404
    )
    assert (
        theirs.post(
            f"/counsel/students/{student}/", {"version": 0, "action": "endorsed", "program": "abc"}, follow=True
        ).status_code
        == 200
    )
    assert Review.objects.get(student=owner).version == 0 and not Review.objects.get(student=owner).note
    # Saving while profiling is off: a clear refusal, not a 500.
    StudentProfile.objects.filter(user=owner).update(profiling_opt_out=True)
    token = token_of(Client().post("/quiz/quick/", form_answers(quick_form())).content.decode())
    refused = mine.post("/quiz/save/", {"token": token})
    assert refused.status_code == 403 and "此账号已关闭画像分析" in refused.content.decode()
    assert QuizAttempt.objects.filter(student=owner).count() == 1


def test_no_feedback_is_kept_and_nothing_computed_once_profiling_is_off(six_personas: dict) -> None:
    owner = six_personas["users"]["owner"]
    program = StudentRecommendation.objects.get(student=owner).programs[0]["program"]
    api = APIClient()
    api.force_login(owner)
    api.patch("/api/v1/me/", {"profiling_opt_out": True}, format="json")
    refused = api.post(
        "/api/v1/recommendations/feedback/",
        {"attempt": six_personas["attempt"], "program": program, "kind": "save"},
        format="json",
    )
    assert refused.status_code == 400 and not RecommendationFeedback.objects.filter(student=owner).exists()
