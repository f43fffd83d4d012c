"""Redis (broker and cache) stopped for 30 s: reads still answer, an enqueue fails fast with a clear message, and
once Redis is back the work completes (the stale-set sweep on the beat schedule). PostgreSQL only."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client

from pathways.matching.recompute import recompute_range
from pathways.models import StudentRecommendation
from recommender.models import ModelVersion
from recommender.training import model_train
from tests.reliability.conftest import students, wait_for

pytestmark = [
    pytest.mark.transactional,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a real worker shares a PostgreSQL database"),
]
MECHANIC = {"profile": {"R": 0.95, "I": 0.5, "A": 0.15, "S": 0.2, "E": 0.3, "C": 0.45}, "stage": "junior"}


def test_with_redis_down_for_30_s_reads_work_enqueues_fail_fast_and_the_work_completes_after(
    start_worker,
    broker,
    settings,
):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": broker.url[:-1] + "1",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    attempts = students(12, "outage_")
    recompute_range(first_user_id=attempts[0].student_id, last_user_id=attempts[-1].student_id)
    new = model_train(activate=False, force=True)
    start_worker(beat=True)  # the beat schedule sweeps stale sets every RECOMPUTE_STALE_EVERY=3 s
    admin = Client()
    admin.force_login(User.objects.create_superuser("admin_outage", password="pw"))
    cache.set("probe", 1)
    assert broker.client(db=1).exists(cache.make_key("probe"))  # the cache really is this Redis
    broker.stop()
    down_at = time.monotonic()
    started = time.monotonic()
    response = admin.post(
        "/admin/recommender/modelversion/",
        {"action": "activate", "_selected_action": [new.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    took = time.monotonic() - started
    assert response.status_code == 200 and took < 2.5, took
    shown = [str(m) for m in response.context["messages"]]
    assert any("暂时无法连接任务队列" in m for m in shown), shown  # the broker-down message
    assert ModelVersion.objects.get(is_active=True) == new  # the activation itself committed
    reads = 0
    while time.monotonic() - down_at < 30:
        assert Client().get("/").status_code == 200
        assert Client().get("/api/v1/routes/").status_code == 200
        assert Client().post("/api/v1/recommendations/", MECHANIC, content_type="application/json").status_code == 200
        reads += 3
        time.sleep(1)
    broker.start()
    back_at = time.monotonic()
    mine = StudentRecommendation.objects.filter(student_id__in=[a.student_id for a in attempts])
    on_new = lambda: set(mine.values_list("model_version", flat=True)) == {new.number}  # noqa: E731
    wait_for(on_new, 90, "the sets on the new version")
    print(
        f"enqueue refused in {took:.2f}s; {reads} reads while down, all 200; "
        f"work done {time.monotonic() - back_at:.1f}s after Redis returned"
    )
    assert mine.count() == len(attempts)
