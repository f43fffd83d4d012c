"""A recompute in view: activating a model version plans a run whose chunks are marked as their tasks end; the
version's admin page and the API show its state, progress, time so far, the time left and dropped chunks."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from pathways.management.commands.recompute_status import progress_bar
from pathways.matching.progress import chunk_done, chunk_dropped, run_plan
from pathways.models import RecomputeChunk, RecomputeRun
from pathways.queueing import QueueUnavailable
from pathways.tasks import recompute_chunk, recompute_recommendations
from recommender.models import ModelVersion
from recommender.training import model_train
from tests.factories import saved_student

pytestmark = pytest.mark.django_db


def test_activating_a_version_shows_its_recompute_done_on_its_page_and_in_the_api(
    curator_client: Client, settings: object, django_capture_on_commit_callbacks: object
) -> None:
    settings.RECOMPUTE_CHUNK_SIZE = 2  # type: ignore[attr-defined]
    for n in range(5):
        saved_student(f"progress_{n}")
    new = model_train(activate=False, force=True)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        curator_client.post("/admin/recommender/modelversion/", {"action": "activate", "_selected_action": [new.pk]})
    run = RecomputeRun.objects.get(model_version=new)
    progress = run.progress()
    assert run.chunks_total == 3 and progress.done == 3 and progress.state == "done"
    assert progress.students == run.students_total == 5
    page = curator_client.get(f"/admin/recommender/modelversion/{new.pk}/change/").content.decode()
    assert "已完成 3 / 3 个分块" in page and "已重算 5 / 5 名学生" in page
    assert 'http-equiv="refresh"' not in page  # done: no more reloading
    api = APIClient()
    api.force_login(User.objects.get(username="curator_chen"))
    body = api.get(f"/api/v1/recompute-runs/{run.pk}/").json()
    assert body["state"] == "done" and body["chunks_done"] == 3 and body["students_done"] == 5
    assert body["model_version"] == new.number and body["seconds_left"] is None
    assert api.get("/api/v1/recompute-runs/").json()["results"][0]["id"] == run.pk


def test_a_running_recompute_estimates_the_time_left_and_the_page_reloads_itself(curator_client: Client) -> None:
    version = ModelVersion.objects.get(is_active=True)
    run = run_plan(ranges=[(1, 10), (11, 20), (21, 30), (31, 40)], students=40, only_stale=False)
    RecomputeRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(seconds=30))
    chunk_done(run_id=run.pk, first_user_id=1, students=10)
    chunk_done(run_id=run.pk, first_user_id=1, students=10)  # a redelivery marks the same chunk again
    run.refresh_from_db()
    progress = run.progress()
    assert progress.state == "running" and progress.done == 1 and progress.students == 10
    assert progress.left is not None and timedelta(seconds=85) <= progress.left <= timedelta(seconds=95)  # 3 × 30 s
    page = curator_client.get(f"/admin/recommender/modelversion/{version.pk}/change/").content.decode()
    assert 'http-equiv="refresh"' in page and "进行中" in page and "预计还需" in page
    listed = curator_client.get("/admin/pathways/recomputerun/").content.decode()
    assert "1 / 4" in listed and "进行中" in listed
    # The queue drops one chunk as poison; the others end: the run is over, and says what was dropped.
    chunk_dropped((21, 30, False, run.pk), {})
    chunk_done(run_id=run.pk, first_user_id=11, students=10)
    chunk_done(run_id=run.pk, first_user_id=31, students=10)
    progress = run.progress()
    assert progress.state == "failed" and progress.dropped == 1 and progress.finished
    page = curator_client.get(f"/admin/recommender/modelversion/{version.pk}/change/").content.decode()
    assert "1 个分块投递次数过多被丢弃" in page and 'http-equiv="refresh"' not in page
    assert recompute_chunk.on_drop is chunk_dropped  # the queue's drop hook is this chunk task's


def test_only_staff_who_see_recomputes_read_them(student_wang: User) -> None:
    run = run_plan(ranges=[(1, 2)], students=2, only_stale=True)
    for client in (APIClient(), _signed_in(student_wang)):
        assert client.get(f"/api/v1/recompute-runs/{run.pk}/").status_code in (401, 403)
        assert client.get("/api/v1/recompute-runs/").status_code in (401, 403)
    superuser = _signed_in(User.objects.create_superuser("progress_root", password="pw"))
    assert superuser.get("/api/v1/recompute-runs/999999/").status_code == 404
    assert RecomputeChunk.objects.filter(run=run).count() == 1


def _signed_in(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_the_command_prints_plain_lines_when_not_on_a_terminal() -> None:
    run = run_plan(ranges=[(1, 10), (11, 20)], students=20, only_stale=False)
    chunk_done(run_id=run.pk, first_user_id=1, students=10)
    out = io.StringIO()
    call_command("recompute_status", stdout=out)
    assert out.getvalue().strip().startswith(f"run {run.pk} running: 1/2 chunks, 10/20 students")
    assert "\r" not in out.getvalue() and "[" not in out.getvalue()
    chunk_done(run_id=run.pk, first_user_id=11, students=10)
    out = io.StringIO()
    call_command("recompute_status", "--follow", "--every", "0.01", stdout=out)  # ends: the run is done
    assert "done: 2/2 chunks, 20/20 students" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("recompute_status", "--run", "999999")


def test_the_bar_fills_as_chunks_end() -> None:
    run = run_plan(ranges=[(1, 10), (11, 20), (21, 30), (31, 40)], students=40, only_stale=False)
    chunk_done(run_id=run.pk, first_user_id=1, students=10)
    assert progress_bar(run.progress()).startswith("[" + "#" * 8 + "." * 22 + "]")


def test_retraining_from_the_command_line_points_to_the_recompute_s_progress(
    django_capture_on_commit_callbacks: object,
) -> None:
    saved_student("progress_cli")
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        call_command("retrain_recommender", stdout=out)  # the recompute is planned once this commits
    assert "trained and activated" in out.getvalue() and "recompute_status --follow" in out.getvalue()
    run = RecomputeRun.objects.order_by("-pk").first()
    assert run is not None and run.model_version == ModelVersion.objects.get(is_active=True)
    out = io.StringIO()
    call_command("recompute_status", "--follow", stdout=out)
    assert f"run {run.pk} done: {run.chunks_total}/{run.chunks_total} chunks" in out.getvalue()


def test_a_recompute_that_cannot_be_sent_leaves_no_run_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    saved_student("progress_down")

    def broker_down(*args: object, **kwargs: object) -> None:
        raise QueueUnavailable("down")

    monkeypatch.setattr("pathways.tasks.enqueue", broker_down)
    with pytest.raises(QueueUnavailable):
        recompute_recommendations()
    assert not RecomputeRun.objects.exists()
