"""A student's rights over their data: export everything, delete everything, opt out of profiling; the retention
purge with a fixed clock."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from pathways.counsel.review import review_decide, review_note
from pathways.matching.feedback import feedback_dataset
from pathways.matching.recommendations import recommendation_store
from pathways.matching.recompute import recompute_plan
from pathways.models import (
    AuditEntry,
    Cohort,
    Consent,
    QuizAnswer,
    QuizAttempt,
    RecommendationFeedback,
    Review,
    ReviewItem,
    StudentProfile,
    StudentRecommendation,
)
from pathways.students.privacy import retention_purge
from programs.models import Institution, Program
from tests.factories import counselor, student_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def wang() -> QuizAttempt:
    cohort = Cohort.objects.create(
        school=Institution.objects.get(name="奉节职业教育中心"), name="一班", academic_year=2026
    )
    li = counselor("counselor_li")
    cohort.counselors.add(li)
    attempt = student_in(cohort, "student_wang")
    recommendation_store(attempt=attempt, stage="junior", district="奉节县")
    program = StudentRecommendation.objects.get(student=attempt.student).programs[0]["program"]
    client = Client()
    client.force_login(attempt.student)
    client.post(f"/quiz/history/{attempt.pk}/recommendations/feedback/", {"program": program, "kind": "save"})
    review_note(counselor=li, student=attempt.student, note="很好", version=0)
    return attempt


def test_a_student_exports_everything_kept_about_them(wang: QuizAttempt) -> None:
    client = Client()
    client.force_login(wang.student)
    response = client.post("/me/data/", {"action": "export"})
    assert response["Content-Disposition"].endswith('zhitu-student_wang.json"')
    data = json.loads(response.content)
    assert data["account"]["username"] == "student_wang" and data["profile"]["birth_month"] == 1
    assert len(data["quiz_attempts"]) == 1 and len(data["quiz_attempts"][0]["answers"]) == 30
    assert data["consents"][0]["kind"] == "student" and data["feedback"][0]["kind"] == "save"
    assert data["counselor_review"]["note"] == "很好" and data["recommendations"]["programs"]


def test_deleting_removes_everything_and_the_next_training_without_it(wang: QuizAttempt) -> None:
    student = wang.student
    client = Client()
    client.force_login(student)
    assert client.post("/me/data/", {"action": "delete", "confirm": "wrong"}).status_code == 302
    assert User.objects.filter(pk=student.pk).exists()
    response = client.post("/me/data/", {"action": "delete", "confirm": "student_wang"})
    assert "你的账号和数据已删除。" in response.content.decode()
    for model, field in (
        (StudentProfile, "user"),
        (Consent, "user"),
        (QuizAttempt, "student"),
        (StudentRecommendation, "student"),
        (RecommendationFeedback, "student"),
        (Review, "student"),
        (AuditEntry, "student"),
    ):
        assert not model.objects.filter(**{f"{field}_id": student.pk}).exists(), model
    assert not QuizAnswer.objects.filter(attempt_id=wang.pk).exists()
    assert feedback_dataset() is None  # the re-ranker's next training has nothing of hers


def test_opting_out_stops_profiling(wang: QuizAttempt) -> None:
    client = Client()
    client.force_login(wang.student)
    client.post("/me/data/", {"action": "profiling", "opt_out": "1"})
    assert StudentProfile.objects.get(user=wang.student).profiling_opt_out
    assert not StudentRecommendation.objects.filter(student=wang.student).exists()
    assert "画像分析已关闭" in client.get(f"/quiz/history/{wang.pk}/recommendations/").content.decode()
    assert recompute_plan() == []  # the recompute skips her
    assert client.get("/specialties/").status_code == 200  # catalog browsing is untouched


def test_the_retention_purge_with_a_fixed_clock(wang: QuizAttempt, settings: object) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 365  # type: ignore[attr-defined]
    student = wang.student
    User.objects.filter(pk=student.pk).update(last_login=timezone.now())
    assert retention_purge(now=timezone.now() + timedelta(days=364)) == 0
    assert retention_purge(now=timezone.now() + timedelta(days=366)) == 1
    assert not User.objects.filter(pk=student.pk).exists()
    assert User.objects.filter(username="counselor_li").exists()  # staff and counselors are not students


@pytest.mark.parametrize("who", ["counselor", "curator", "superuser"])
def test_only_a_students_account_is_deleted_on_the_page_and_in_the_api_alike(
    wang: QuizAttempt, curator_chen: User, who: str
) -> None:
    account = {
        "counselor": User.objects.get(username="counselor_li"),
        "curator": curator_chen,
        "superuser": User.objects.create_superuser("root", password="pw"),
    }[who]
    client = Client()
    client.force_login(account)
    page = client.post("/me/data/", {"action": "delete", "confirm": account.username}, follow=True)
    assert "这里只能删除学生本人的账号" in page.content.decode()
    api = APIClient()
    api.force_login(account)
    refused = api.delete("/api/v1/me/data/", {"confirm": account.username}, format="json")
    assert refused.status_code == 400 and "confirm" in refused.json()
    assert User.objects.filter(pk=account.pk).exists()


def test_a_deleted_counselor_leaves_the_audit_trail_and_their_endorsements(wang: QuizAttempt) -> None:
    li = User.objects.get(username="counselor_li")
    program = StudentRecommendation.objects.get(student=wang.student).programs[1]["program"]
    review_decide(
        counselor=li,
        student=wang.student,
        program=Program.objects.get(pk=program),
        decision="endorsed",
        version=Review.objects.get(student=wang.student).version,
    )
    li.delete()  # by an administrator
    rows = AuditEntry.objects.filter(student=wang.student, action__startswith="review_")
    assert rows.exists() and set(rows.values_list("actor_username", flat=True)) == {"counselor_li"}
    assert rows.filter(actor__isnull=True).count() == rows.count()
    endorsed = RecommendationFeedback.objects.get(student=wang.student, program_id=program, kind="endorse")
    assert endorsed.actor is None  # the re-ranker still learns from it
    assert ReviewItem.objects.filter(review__student=wang.student, program_id=program, decision="endorsed").exists()


def test_deleting_a_student_removes_her_sign_in_records_and_sessions(wang: QuizAttempt) -> None:
    student = wang.student
    Client(REMOTE_ADDR="10.9.9.9").post("/accounts/login/", {"username": "student_wang", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="student_wang").exists()
    laptop, phone = Client(), Client()
    laptop.force_login(student)
    phone.force_login(student)
    AccessLog.objects.create(username="student_wang", ip_address="10.9.9.9", user_agent="phone")
    phone_key = phone.cookies["sessionid"].value
    laptop.post("/me/data/", {"action": "delete", "confirm": "student_wang"})
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        assert not model.objects.filter(username="student_wang").exists(), model
    assert not Session.objects.filter(session_key=phone_key).exists()
    assert phone.get("/me/data/").status_code == 302  # signed out everywhere


def test_personal_pages_are_not_kept_by_the_browser(wang: QuizAttempt) -> None:
    client = Client()
    client.force_login(wang.student)
    api = APIClient()
    api.force_login(wang.student)
    personal = [
        client.get("/me/data/"),
        client.get("/quiz/report/"),
        api.get("/api/v1/me/data/"),
        client.get(f"/quiz/history/{wang.pk}/recommendations/"),
        api.get("/api/v1/me/recommendations/"),
    ]
    for response in personal:
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "no-store" not in Client().get("/specialties/").get("Cache-Control", "")  # the public catalog may be cached


def test_a_reviews_updated_at_moves_with_each_change(wang: QuizAttempt) -> None:
    review = Review.objects.get(student=wang.student)
    Review.objects.filter(pk=review.pk).update(updated_at=timezone.now() - timedelta(days=3))
    review_note(
        counselor=User.objects.get(username="counselor_li"), student=wang.student, note="再看看", version=review.version
    )
    assert timezone.now() - Review.objects.get(pk=review.pk).updated_at < timedelta(minutes=1)


@pytest.mark.parametrize("year, month", [(2100, 1), (timezone.localdate().year + 1, 1), (1900, 1), (1949, 6)])
def test_a_month_of_birth_in_the_future_or_long_ago_is_refused(year: int, month: int) -> None:
    response = Client().post(
        "/accounts/signup/",
        {
            "username": "student_new",
            "password1": "a-long-pass-2026",
            "password2": "a-long-pass-2026",
            "birth_year": year,
            "birth_month": month,
            "agree": "on",
        },
    )
    assert response.status_code == 200 and not User.objects.filter(username="student_new").exists()
    assert response.context["form"].errors["birth_year"]


def test_the_export_names_the_class_and_counselors_that_see_her_data(wang: QuizAttempt) -> None:
    client = Client()
    client.force_login(wang.student)
    data = json.loads(client.post("/me/data/", {"action": "export"}).content)
    assert data["classes"][0]["class"] == "奉节职业教育中心 一班 (2026)"
    assert data["classes"][0]["counselors"] == ["counselor_li"] and data["class_invitations"] == []
    assert data["quiz_attempts"][0]["answers"][0].keys() == {"item", "text", "value"}
    assert data["feedback"][0].keys() == {"program", "kind", "reason", "given_at"}
