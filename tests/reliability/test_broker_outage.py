"""The broker away for 30 s: reads still answer, an enqueue fails fast with a clear message, and once the broker is back
the work completes (the stale-set sweep on the beat schedule) and new work is taken again. PostgreSQL only.

On Redis the server stops, and the cache (the same Redis) goes with it. RabbitMQ is shared, so there the link to it is
cut (every connection closed, new ones refused) while the cache stays up."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client

from pathways.matching.recompute import recompute_range
from pathways.models import StudentRecommendation
from pathways.queueing import enqueue
from pathways.tasks import recompute_recommendations
from recommender.models import ModelVersion
from recommender.training import model_train
from tests.reliability.conftest import students, wait_for

pytestmark = [
    pytest.mark.transactional,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a real worker shares a PostgreSQL database"),
    pytest.mark.broker_outage,
]
MECHANIC = {"profile": {"R": 0.95, "I": 0.5, "A": 0.15, "S": 0.2, "E": 0.3, "C": 0.45}, "stage": "junior"}


def test_with_the_broker_down_for_30_s_reads_work_enqueues_fail_fast_and_the_work_completes_after(
    start_worker,
    broker,
    settings,
):
    settings.CACHES = broker.caches()
    attempts = students(12, "outage_")
    recompute_range(first_user_id=attempts[0].student_id, last_user_id=attempts[-1].student_id)
    new = model_train(activate=False, force=True)
    worker = start_worker(beat=True)  # the beat schedule sweeps stale sets every RECOMPUTE_STALE_EVERY=3 s
    admin = Client()
    admin.force_login(User.objects.create_superuser("admin_outage", password="pw"))
    cache.set("probe", 1)
    assert broker.redis.client(db=1).exists(cache.make_key("probe"))  # the cache really is the private Redis
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
    swept_in = time.monotonic() - back_at
    assert mine.count() == len(attempts)
    seen = len(worker.output())
    enqueue(recompute_recommendations, 0)  # this process's broker connections are back, too
    ran = re.compile(r"recompute_recommendations\[[0-9a-f-]{36}\] succeeded")  # beat never sends this one
    wait_for(lambda: ran.search(worker.output()[seen:]), 30, "work enqueued after the outage to run")
    print(
        f"{broker.name}: enqueue refused in {took:.2f}s; {reads} reads while down, all 200; "
        f"work done {swept_in:.1f}s after the broker returned"
    )
