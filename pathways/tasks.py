"""Celery tasks: each takes ids, calls one service and owns only its retries."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from pathways.privacy import retention_purge
from pathways.recommendations import feedback_dataset, recommendations_recompute
from recommender.training import model_train


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5, default_retry_delay=10)
def recompute_recommendations(self: object, after_user_id: int = 0) -> int:  # noqa: ANN001
    """Recompute one chunk, then enqueue the next: a restart resumes from the chunk that was not finished."""
    done, next_start = recommendations_recompute(after_user_id=after_user_id)
    if next_start is not None:
        transaction.on_commit(lambda: recompute_recommendations.delay(next_start))
    return done


@shared_task(acks_late=True, reject_on_worker_lost=True)
def train_recommender_and_recompute() -> int:
    """Train a new model version, activate it, and recompute every student's recommendations once it is committed."""
    with transaction.atomic():
        version = model_train(activate=True, force=True, feedback=feedback_dataset())
        transaction.on_commit(lambda: recompute_recommendations.delay(0))
    return version.number


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5, default_retry_delay=10)
def recompute_stale_recommendations(self: object, after_user_id: int = 0) -> int:  # noqa: ANN001
    """After a catalog change (or a model flip in another process): redo the sets computed from an older state."""
    done, next_start = recommendations_recompute(after_user_id=after_user_id, only_stale=True)
    if next_start is not None:
        transaction.on_commit(lambda: recompute_stale_recommendations.delay(next_start))
    return done


@shared_task(acks_late=True)
def purge_expired_personal_data() -> int:
    """Nightly: delete the students past the retention period."""
    return retention_purge(now=timezone.now())
