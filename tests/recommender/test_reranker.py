"""The learned re-ranker switches on only with enough feedback that it beats the cold start on held-out students."""

from __future__ import annotations

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from pathways.matching.feedback import feedback_dataset
from pathways.matching.recommendations import recommendations_for_attempt
from pathways.models import RecommendationFeedback
from pathways.tasks import train_recommender_and_recompute
from recommender.artifacts import ranker_cache_clear, ranker_get
from recommender.models import ModelVersion
from recommender.reranker import FeedbackSet, reranker_train
from tests.factories import saved_student


def synthetic(n_students: int, per_student: int, signal: str, seed: int = 0) -> FeedbackSet:
    """Feedback where the label follows `near` (learnable, and not what the cold score weighs most) or nothing."""
    rng = np.random.default_rng(seed)
    n = n_students * per_student
    features = rng.random((n, 6))
    labels = (features[:, 1] > 0.5).astype(int) if signal == "near" else rng.integers(0, 2, n)
    cold = features @ np.array([1.0, 0.08, 0.05, 0.05, 0.03, 0.02])
    return FeedbackSet(features, labels, np.repeat(np.arange(n_students), per_student), cold)


def test_no_feedback_keeps_the_cold_start() -> None:
    model, report = reranker_train(None)
    assert model is None and not report.enabled and report.reason == "no feedback yet"


def test_too_little_feedback_keeps_the_cold_start() -> None:
    model, report = reranker_train(synthetic(10, 5, "near"))
    assert model is None and report.reason == "not enough feedback" and report.labelled == 50


def test_feedback_that_teaches_something_switches_it_on() -> None:
    model, report = reranker_train(synthetic(60, 8, "near"))
    assert report.enabled and model is not None
    assert report.learned_auc > report.cold_auc + 0.02


def test_feedback_that_is_noise_keeps_the_cold_start() -> None:
    model, report = reranker_train(synthetic(60, 8, "noise"))
    assert model is None and not report.enabled and report.reason == "does not beat the cold start"


@pytest.mark.django_db
def test_students_save_and_dismiss_and_retraining_reports_the_gate(client: Client) -> None:
    attempt = saved_student("student_fb")
    client.force_login(attempt.student)
    result = recommendations_for_attempt(attempt=attempt, stage="junior")  # what the page shows
    first, second = result.programs[0].program, result.programs[1].program
    url = f"/quiz/history/{attempt.pk}/recommendations/feedback/"
    assert client.post(url, {"program": first.pk, "kind": "save"}).status_code == 302
    assert client.post(url, {"program": second.pk, "kind": "dismiss", "reason": "太远了"}).status_code == 302
    assert client.post(url, {"program": second.pk, "kind": "endorse"}).status_code == 404  # counselors only
    kinds = dict(RecommendationFeedback.objects.filter(student=attempt.student).values_list("program_id", "kind"))
    assert kinds == {first.pk: "save", second.pk: "dismiss"}
    assert RecommendationFeedback.objects.get(program=second).reason == "太远了"
    page = client.get(f"/quiz/history/{attempt.pk}/recommendations/").content.decode()
    assert "已收藏" in page and "不适合我" in page
    data = feedback_dataset()
    assert data.features.shape == (2, 6) and sorted(data.labels.tolist()) == [0, 1]
    number = train_recommender_and_recompute()
    version = ModelVersion.objects.get(number=number)
    assert version.is_active and version.metrics["reranker"]["reason"] == "not enough feedback"
    ranker_cache_clear()
    assert ranker_get()[1].reranker is None


@pytest.mark.django_db
def test_the_feedback_api_is_for_the_students_own_attempts() -> None:
    attempt = saved_student("student_api_fb")
    program = recommendations_for_attempt(attempt=attempt, stage="junior").programs[0].program
    api = APIClient()
    api.force_authenticate(attempt.student)
    body = {"attempt": attempt.pk, "program": program.pk, "kind": "save"}
    assert api.post("/api/v1/recommendations/feedback/", body, format="json").status_code == 201
    api.force_authenticate(User.objects.create_user("student_intruder", password="pw"))
    assert api.post("/api/v1/recommendations/feedback/", body, format="json").status_code == 404
    assert api.post("/api/v1/recommendations/feedback/", {**body, "kind": "endorse"}, format="json").status_code == 400
