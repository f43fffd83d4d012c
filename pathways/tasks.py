"""Celery tasks: each takes ids, calls one service and owns only its retries.

Every task is a `ReliableTask` (pathways/queueing.py): acknowledged only when it ends, put back when its worker dies,
transient database errors retried with backoff, dropped after TASK_MAX_DELIVERIES deliveries. Every task is
idempotent, so a redelivery is harmless: a chunk replaces each student's single row.
"""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from pathways.matching.feedback import feedback_dataset
from pathways.matching.progress import chunk_done, chunk_dropped, chunk_started, run_plan
from pathways.matching.recompute import recompute_plan_counted, recompute_range
from pathways.models import RecomputeRun
from pathways.queueing import QueueUnavailable, ReliableTask, enqueue
from pathways.students.privacy import retention_purge
from recommender.artifacts import ranker_cache_clear, ranker_get
from recommender.models import ModelVersion
from recommender.training import model_train


def _plan_and_enqueue(after_user_id: int, only_stale: bool) -> int:
    """Plan the chunks, keep the run (its progress is on the model version's admin page and in the API) and send one
    task per chunk once this commits. A sweep that finds nothing stale keeps no run."""
    planned: list[int] = []
    try:
        with transaction.atomic():
            ranges, students = recompute_plan_counted(after_user_id=after_user_id, only_stale=only_stale)
            if not ranges and only_stale:
                return 0
            run = run_plan(ranges=ranges, students=students, only_stale=only_stale)
            planned.append(run.pk)
            for first, last in ranges:
                enqueue(recompute_chunk, first, last, only_stale, run.pk)
    except QueueUnavailable:
        # The chunks could not all be sent: keep no run that would wait for ever (the stale sweep plans a new one).
        RecomputeRun.objects.filter(pk__in=planned).delete()
        raise
    return len(ranges)


@shared_task(base=ReliableTask)
def recompute_recommendations(after_user_id: int = 0) -> int:
    """Plan a full recompute: one chunk task per range of students, enqueued once this commits. Returns the chunks."""
    return _plan_and_enqueue(after_user_id, only_stale=False)


@shared_task(base=ReliableTask)
def recompute_stale_recommendations(after_user_id: int = 0) -> int:
    """After a catalog change, a model flip, or work lost while the broker was down: redo every set from an older
    state (the beat schedule runs this every RECOMPUTE_STALE_EVERY seconds)."""
    return _plan_and_enqueue(after_user_id, only_stale=True)


def _pointer_refresh() -> None:
    """A chunk planned just after a model flip must not use the version this process cached before the flip
    (the pointer is re-read only every RECOMMENDER_POINTER_TTL seconds): one query per chunk makes sure."""
    cached, _ranker = ranker_get()
    active = ModelVersion.objects.filter(is_active=True).values_list("pk", flat=True).first()
    if active is not None and (cached is None or cached.pk != active):
        ranker_cache_clear()


@shared_task(base=ReliableTask, on_drop=staticmethod(chunk_dropped))
def recompute_chunk(first_user_id: int, last_user_id: int, only_stale: bool = False, run_id: int = 0) -> int:
    """Recompute one range of students in one transaction; idempotent, so a redelivery is harmless. The run's chunk
    row is marked after the commit (a worker killed in between redoes the chunk and marks it then)."""
    _pointer_refresh()
    chunk_started(run_id=run_id)
    students = recompute_range(first_user_id=first_user_id, last_user_id=last_user_id, only_stale=only_stale).students
    chunk_done(run_id=run_id, first_user_id=first_user_id, students=students)
    return students


@shared_task(base=ReliableTask)
def train_recommender_and_recompute() -> int:
    """Train a new model version, activate it, and recompute every student's recommendations once it is committed."""
    with transaction.atomic():
        version = model_train(activate=True, force=True, feedback=feedback_dataset())
        enqueue(recompute_recommendations, 0)
    return version.number


@shared_task(base=ReliableTask)
def purge_expired_personal_data() -> int:
    """Nightly: delete the students past the retention period."""
    return retention_purge(now=timezone.now())


@shared_task(base=ReliableTask)
def clear_expired_sessions() -> None:
    """Nightly: `clearsessions`, the expired sessions in the database (production keeps them there, behind Redis)."""
    call_command("clearsessions")
