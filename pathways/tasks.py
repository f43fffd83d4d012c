"""Celery tasks: each takes ids, calls one service and owns only its retries."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from pathways.privacy import retention_purge
from pathways.recommendations import feedback_dataset, recommendations_recompute_range, recompute_plan
from recommender.training import model_train


def _enqueue_chunks(ranges: list[tuple[int, int]], only_stale: bool) -> None:
    for first, last in ranges:
        transaction.on_commit(lambda f=first, t=last: recompute_chunk.delay(f, t, only_stale))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def recompute_recommendations(after_user_id: int = 0) -> int:
    """Plan a full recompute: one chunk task per range of students, enqueued once this commits. Returns the chunks."""
    ranges = recompute_plan(after_user_id=after_user_id)
    _enqueue_chunks(ranges, only_stale=False)
    return len(ranges)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def recompute_stale_recommendations(after_user_id: int = 0) -> int:
    """After a catalog change (or a model flip in another process): redo the sets computed from an older state."""
    ranges = recompute_plan(after_user_id=after_user_id, only_stale=True)
    _enqueue_chunks(ranges, only_stale=True)
    return len(ranges)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5, default_retry_delay=10)
def recompute_chunk(self: object, first_user_id: int, last_user_id: int, only_stale: bool = False) -> int:  # noqa: ANN001
    """Recompute one range of students in one transaction; idempotent, so a redelivery is harmless."""
    return recommendations_recompute_range(first_user_id=first_user_id, last_user_id=last_user_id,
                                           only_stale=only_stale)  # fmt: skip


@shared_task(acks_late=True, reject_on_worker_lost=True)
def train_recommender_and_recompute() -> int:
    """Train a new model version, activate it, and recompute every student's recommendations once it is committed."""
    with transaction.atomic():
        version = model_train(activate=True, force=True, feedback=feedback_dataset())
        transaction.on_commit(lambda: recompute_recommendations.delay(0))
    return version.number


@shared_task(acks_late=True)
def purge_expired_personal_data() -> int:
    """Nightly: delete the students past the retention period."""
    return retention_purge(now=timezone.now())
