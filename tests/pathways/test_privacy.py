"""A student's rights over their data: export everything, delete everything, opt out of profiling; the retention
purge with a fixed clock."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from pathways.models import (
    AuditEntry,
    Cohort,
    Consent,
    QuizAnswer,
    QuizAttempt,
    RecommendationFeedback,
    Review,
    StudentProfile,
    StudentRecommendation,
)
from pathways.privacy import retention_purge
from pathways.recommendations import feedback_dataset, recommendation_store, recommendations_recompute
from pathways.review import review_note
from programs.models import Institution
from tests.pathways.test_review import counselor, student_in

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
    for model, field in ((StudentProfile, "user"), (Consent, "user"), (QuizAttempt, "student"),
                         (StudentRecommendation, "student"), (RecommendationFeedback, "student"),
                         (Review, "student"), (AuditEntry, "student")):  # fmt: skip
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
    assert recommendations_recompute()[0] == 0  # the recompute skips her
    assert client.get("/specialties/").status_code == 200  # catalog browsing is untouched


def test_the_retention_purge_with_a_fixed_clock(wang: QuizAttempt, settings: object) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 365  # type: ignore[attr-defined]
    student = wang.student
    User.objects.filter(pk=student.pk).update(last_login=timezone.now())
    assert retention_purge(now=timezone.now() + timedelta(days=364)) == 0
    assert retention_purge(now=timezone.now() + timedelta(days=366)) == 1
    assert not User.objects.filter(pk=student.pk).exists()
    assert User.objects.filter(username="counselor_li").exists()  # staff and counselors are not students
