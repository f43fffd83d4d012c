"""Long work in the background, in view: a recompute of stored recommendations and its chunks, so whoever started
it sees its state, its progress and what was dropped, and an estimate of the time left."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RunState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Done, with chunks dropped")


class RecomputeRun(models.Model):
    """One recompute: planned into chunks (one task each), for a model version (a flip) or a stale sweep."""

    model_version = models.ForeignKey(
        "recommender.ModelVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="recompute_runs"
    )
    only_stale = models.BooleanField(_("only stale sets"), default=False)
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    students_total = models.PositiveIntegerField(_("students planned"), default=0)
    created_at = models.DateTimeField(_("planned at"), auto_now_add=True)
    started_at = models.DateTimeField(_("first chunk started at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("recommendation recompute")
        verbose_name_plural = _("recommendation recomputes")

    def __str__(self) -> str:
        return f"recompute {self.pk}"

    def progress(self) -> RunProgress:
        """The run's state now, in one query over its chunks."""
        counts = self.chunks.aggregate(
            done=Count("pk", filter=Q(done_at__isnull=False)),
            dropped=Count("pk", filter=Q(dropped_at__isnull=False, done_at__isnull=True)),
            students=Sum("students", filter=Q(done_at__isnull=False)),
            last=models.Max("done_at"),
        )
        return RunProgress(self, counts["done"], counts["dropped"], counts["students"] or 0, counts["last"])


class RunProgress:
    """What the admin page and the API show of a run."""

    def __init__(self, run: RecomputeRun, done: int, dropped: int, students: int, last_done: object) -> None:
        self.run, self.done, self.dropped, self.students = run, done, dropped, students
        total = run.chunks_total
        if done + dropped >= total:
            self.state = RunState.FAILED if dropped else RunState.DONE
        else:
            self.state = RunState.RUNNING if run.started_at or done else RunState.QUEUED
        start = run.started_at or run.created_at
        end = last_done if self.state in (RunState.DONE, RunState.FAILED) and last_done else timezone.now()
        self.elapsed: timedelta = max(end - start, timedelta(0))  # type: ignore[operator]
        remaining = total - done - dropped
        self.left: timedelta | None = None
        if self.state == RunState.RUNNING and done:
            self.left = self.elapsed / done * remaining

    @property
    def elapsed_text(self) -> str:
        return str(timedelta(seconds=round(self.elapsed.total_seconds())))

    @property
    def left_text(self) -> str:
        return str(timedelta(seconds=round(self.left.total_seconds()))) if self.left is not None else ""

    @property
    def finished(self) -> bool:
        return self.state in (RunState.DONE, RunState.FAILED)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.run.pk,
            "model_version": self.run.model_version.number if self.run.model_version else None,
            "only_stale": self.run.only_stale,
            "state": str(self.state),
            "chunks_total": self.run.chunks_total,
            "chunks_done": self.done,
            "chunks_dropped": self.dropped,
            "students_planned": self.run.students_total,
            "students_done": self.students,
            "planned_at": self.run.created_at.isoformat(),
            "elapsed_seconds": round(self.elapsed.total_seconds(), 1),
            "seconds_left": round(self.left.total_seconds(), 1) if self.left is not None else None,
        }


class RecomputeChunk(models.Model):
    """One chunk task's range of students; marked when it is done (a redelivery marks the same row again) or when
    the queue dropped it as poison."""

    run = models.ForeignKey(RecomputeRun, on_delete=models.CASCADE, related_name="chunks")
    first_user_id = models.BigIntegerField()
    last_user_id = models.BigIntegerField()
    students = models.PositiveIntegerField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    dropped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "first_user_id"]
        constraints = [models.UniqueConstraint(fields=["run", "first_user_id"], name="one_chunk_per_range_start")]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.first_user_id}–{self.last_user_id}"
