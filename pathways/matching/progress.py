"""A recompute's progress: its run and chunks are written when it is planned, each chunk is marked when its task
ends (or is dropped), and `RecomputeRun.progress()` reads the state back for the admin page and the API."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from pathways.models import RecomputeChunk, RecomputeRun
from recommender.models import ModelVersion


def run_plan(*, ranges: list[tuple[int, int]], students: int, only_stale: bool) -> RecomputeRun:
    """The run of a planned recompute and one row per chunk, for the active model version."""
    version = ModelVersion.objects.filter(is_active=True).first()
    with transaction.atomic():
        run = RecomputeRun.objects.create(
            model_version=version, only_stale=only_stale, chunks_total=len(ranges), students_total=students
        )
        RecomputeChunk.objects.bulk_create(
            RecomputeChunk(run=run, first_user_id=first, last_user_id=last) for first, last in ranges
        )
    return run


def chunk_started(*, run_id: int) -> None:
    if run_id:
        RecomputeRun.objects.filter(pk=run_id, started_at__isnull=True).update(started_at=timezone.now())


def chunk_done(*, run_id: int, first_user_id: int, students: int) -> None:
    """Idempotent: a redelivered chunk marks the same row again."""
    if run_id:
        RecomputeChunk.objects.filter(run_id=run_id, first_user_id=first_user_id).update(
            done_at=timezone.now(), students=students
        )


def chunk_dropped(args: tuple, kwargs: dict[str, Any]) -> None:
    """The queue gave up on a chunk task (a poison message): its row says so, and the run ends as failed."""
    values = dict(zip(("first_user_id", "last_user_id", "only_stale", "run_id"), args, strict=False)) | kwargs
    run_id, first = int(values.get("run_id") or 0), int(values.get("first_user_id") or 0)
    if run_id:
        RecomputeChunk.objects.filter(run_id=run_id, first_user_id=first, done_at__isnull=True).update(
            dropped_at=timezone.now()
        )
