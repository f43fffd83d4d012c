"""The quiz API: forms and items, scoring with per-field errors, and saving only with consent."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from pathways.models import FormVersion, QuizAnswer, QuizAttempt
from pathways.students.consent import consent_record
from tests.factories import HANDS_ON

pytestmark = pytest.mark.django_db

# R 5s, I 4s, A 3s, S 2s, E 1s, C 3s on the quick form: scores R40 I30 A20 S10 E0 C20, code RIA.


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def quick() -> FormVersion:
    return FormVersion.objects.get(kind="quick", is_current=True)


@contextmanager
def time_machine_seconds(seconds: int) -> Iterator[None]:
    """The server's clock, `seconds` later (the quiz is timed by the server, not by what the client says)."""
    later = timezone.now() + timedelta(seconds=seconds)
    with patch("django.utils.timezone.now", return_value=later):
        yield


def body(form: FormVersion, **changes: object) -> dict:
    answers = [{"item": i.item_id, "value": HANDS_ON[i.area]} for i in form.items.all()]
    return {"form": form.kind, "version": form.number, "answers": answers, **changes}


def test_forms_list_both_forms_with_their_items(api: APIClient) -> None:
    forms = {f["form"]: f for f in api.get("/api/v1/quiz/forms/").json()["results"]}
    assert len(forms["standard"]["items"]) == 60 and len(forms["quick"]["items"]) == 30
    item = forms["quick"]["items"][0]
    assert set(item) == {"id", "code", "position", "area", "text", "text_en"} and item["text"]
    for kind, per_area in (("standard", 10), ("quick", 5)):
        areas = [i["area"] for i in forms[kind]["items"]]
        assert all(areas.count(a) == per_area for a in "RIASEC")


def test_scoring_answers_returns_scores_profile_code_and_flat(api: APIClient, quick: FormVersion) -> None:
    response = api.post("/api/v1/quiz/score/", body(quick), format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["scores"] == {"R": 40, "I": 30, "A": 20, "S": 10, "E": 0, "C": 20}
    assert data["profile"]["I"] == 0.75 and data["code"] == "RIA" and data["flat"] is False
    assert not QuizAttempt.objects.exists()  # scoring stores nothing


def test_a_flat_sheet_says_so(api: APIClient, quick: FormVersion) -> None:
    answers = [{"item": i.item_id, "value": 4} for i in quick.items.all()]
    data = api.post("/api/v1/quiz/score/", body(quick, answers=answers), format="json").json()
    assert data["flat"] is True and data["flat_reason"] == "same_answer"


def test_an_unanswered_item_is_a_400_naming_it(api: APIClient, quick: FormVersion) -> None:
    payload = body(quick)
    dropped = payload["answers"].pop(4)
    response = api.post("/api/v1/quiz/score/", payload, format="json")
    assert response.status_code == 400
    code = quick.items.get(item_id=dropped["item"]).item.code
    assert response.json() == {"unanswered": [f"第 5 题（{code}）还没有作答。"]}


@pytest.mark.parametrize("bad", [0, 6, "five", 3.5, None])
def test_a_value_outside_1_to_5_is_a_400_on_that_answer(api: APIClient, quick: FormVersion, bad: object) -> None:
    payload = body(quick)
    payload["answers"][2]["value"] = bad
    response = api.post("/api/v1/quiz/score/", payload, format="json")
    assert response.status_code == 400
    errors = response.json()["answers"]
    expected = (
        "这道题没有作答：请选择 1 到 5。"
        if bad is None
        else f"答案只能是 1（非常不喜欢）到 5（非常喜欢），不能是 {bad}。"
    )
    assert errors[2] == {"value": [expected]}
    assert errors[0] == {} and len(errors) == 30


def test_an_unknown_item_is_a_400(api: APIClient, quick: FormVersion) -> None:
    payload = body(quick)
    payload["answers"].append({"item": 999999, "value": 3})
    errors = api.post("/api/v1/quiz/score/", payload, format="json").json()
    assert errors["answers"][30] == {"item": ["未知题目：999999 不是这份问卷的题目。"]}


def test_a_duplicate_item_is_a_400(api: APIClient, quick: FormVersion) -> None:
    payload = body(quick)
    payload["answers"].append(dict(payload["answers"][0]))
    errors = api.post("/api/v1/quiz/score/", payload, format="json").json()
    code = quick.items.get(item_id=payload["answers"][0]["item"]).item.code
    assert errors["answers"][30] == {"item": [f"题目 {code} 被回答了两次。"]}


def test_the_wrong_form_version_is_a_400(api: APIClient, quick: FormVersion) -> None:
    response = api.post("/api/v1/quiz/score/", body(quick, version=quick.number + 7), format="json")
    assert response.status_code == 400
    assert "version" in response.json()


def test_a_malformed_request_is_a_400_by_field(api: APIClient) -> None:
    response = api.post("/api/v1/quiz/score/", {"form": "long", "answers": "lots"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"form", "version", "answers"}


def test_saving_needs_an_account(api: APIClient, quick: FormVersion) -> None:
    assert api.post("/api/v1/quiz/attempts/", body(quick), format="json").status_code in (401, 403)
    assert not QuizAttempt.objects.exists()


def test_saving_needs_consent_and_then_stores_the_attempt(api: APIClient, quick: FormVersion) -> None:
    student = User.objects.create_user("student_li", password="pw-student-li")
    api.force_authenticate(student)
    refused = api.post("/api/v1/quiz/attempts/", body(quick), format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "consent_required"
    assert not QuizAttempt.objects.exists()
    consent_record(user=student, birth_year=2008, birth_month=5)
    started = api.get("/api/v1/quiz/forms/").json()["started"]
    with time_machine_seconds(200):
        saved = api.post("/api/v1/quiz/attempts/", body(quick, started=started), format="json")
    assert saved.status_code == 201
    attempt = QuizAttempt.objects.get(student=student)
    assert (attempt.code, attempt.score_i, attempt.version_id) == ("RIA", 30, quick.pk)
    assert 200 <= attempt.duration_seconds <= 205 and not attempt.too_fast  # timed by the server, from `started`
    assert QuizAnswer.objects.filter(attempt=attempt).count() == 30
    listed = api.get("/api/v1/quiz/attempts/").json()
    assert [a["id"] for a in listed["results"]] == [attempt.pk]


def test_a_bad_sheet_stores_nothing_even_with_consent(api: APIClient, quick: FormVersion) -> None:
    student = User.objects.create_user("student_zhou", password="pw")
    consent_record(user=student, birth_year=2008, birth_month=5)
    api.force_authenticate(student)
    payload = body(quick)
    payload["answers"][0]["value"] = 9
    assert api.post("/api/v1/quiz/attempts/", payload, format="json").status_code == 400
    assert not QuizAttempt.objects.exists() and not QuizAnswer.objects.exists()


def test_another_students_attempt_is_404(api: APIClient, quick: FormVersion) -> None:
    owner = User.objects.create_user("student_a", password="pw")
    consent_record(user=owner, birth_year=2008, birth_month=5)
    api.force_authenticate(owner)
    attempt_id = api.post("/api/v1/quiz/attempts/", body(quick), format="json").json()["id"]
    api.force_authenticate(User.objects.create_user("student_b", password="pw"))
    assert api.get(f"/api/v1/quiz/attempts/{attempt_id}/").status_code == 404
    assert api.get("/api/v1/quiz/attempts/").json()["count"] == 0


def test_the_time_taken_is_the_servers_not_the_clients(api: APIClient, quick: FormVersion) -> None:
    """A client cannot say how long it took: `duration_seconds` is refused, and a forged start is a 400."""
    claimed = api.post("/api/v1/quiz/score/", body(quick, duration_seconds=900), format="json")
    assert claimed.status_code == 400 and "duration_seconds" in claimed.json()
    forged = api.post("/api/v1/quiz/score/", body(quick, started="MTcwMDAwMDAwMA:forged"), format="json")
    assert forged.status_code == 400 and "started" in forged.json()
    started = api.get("/api/v1/quiz/forms/").json()["started"]
    hurried = api.post("/api/v1/quiz/score/", body(quick, started=started), format="json").json()
    assert hurried["too_fast"] is True  # 30 answers in under 45 s, measured here
    with time_machine_seconds(300):
        assert api.post("/api/v1/quiz/score/", body(quick, started=started), format="json").json()["too_fast"] is False
