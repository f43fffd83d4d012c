"""A model swap under steady API traffic: a real worker trains and activates a new version while threads post to a
live server. No request fails, and every response is wholly one version's answer. On Redis and on RabbitMQ;
PostgreSQL only."""

from __future__ import annotations

import json
import threading
import time
import urllib.request

import pytest
from django.db import connection
from django.db.models import F
from rest_framework.test import APIClient

from pathways.matching.api import RecommendationsView
from pathways.queueing import enqueue
from pathways.tasks import train_recommender_and_recompute
from recommender.artifacts import ranker_cache_clear
from recommender.models import ModelVersion, SpecialtyProfile
from tests.reliability.conftest import wait_for

pytestmark = [
    pytest.mark.transactional,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a real worker shares a PostgreSQL database"),
]

ASKS = [
    {"profile": {"R": 0.95, "I": 0.5, "A": 0.15, "S": 0.2, "E": 0.3, "C": 0.45}, "stage": "junior"},
    {"profile": {"R": 0.1, "I": 0.3, "A": 0.9, "S": 0.6, "E": 0.4, "C": 0.2}, "stage": "secondary"},
    {"profile": {"R": 0.5, "I": 0.9, "A": 0.2, "S": 0.3, "E": 0.2, "C": 0.7}, "stage": "junior", "district": "万州区"},
]


def _answers() -> list[dict]:
    ranker_cache_clear()
    return [APIClient().post("/api/v1/recommendations/", ask, format="json").json() for ask in ASKS]


def test_a_model_swap_under_traffic_gives_no_errors_and_never_mixes_versions(
    start_worker,
    live_server,
    settings,
    monkeypatch,
):
    settings.RECOMMENDER_POINTER_TTL = 2  # as in production: the server notices a flip made elsewhere within 2 s
    monkeypatch.setattr(RecommendationsView, "throttle_classes", [])  # one address sends it all; not a test of limits
    SpecialtyProfile.objects.update(r=F("a"), a=F("r"))  # the next version is trained on different profiles
    old = ModelVersion.objects.get(is_active=True)
    # Those profiles rank worse on real respondents, and a worse version is not activated (test_respondents checks
    # that); here the old version predates the real-data measure, so the gate lets the new one go live.
    ModelVersion.objects.filter(pk=old.pk).update(metrics={})
    expected = {old.number: _answers()}
    # Longer than a training, as production's visibility timeout must be (on Redis a redelivered training trains again).
    worker = start_worker(TASK_VISIBILITY_TIMEOUT="300")
    responses: list[tuple[int, int, int, object]] = []  # (thread, ask, status, body or error)
    stop = threading.Event()

    def traffic(thread: int) -> None:
        n = 0
        while not stop.is_set():
            ask = (thread + n) % len(ASKS)
            request = urllib.request.Request(
                f"{live_server.url}/api/v1/recommendations/",
                method="POST",
                data=json.dumps(ASKS[ask]).encode(),
                headers={"Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    responses.append((thread, ask, response.status, json.loads(response.read())))
            except Exception as exc:
                responses.append((thread, ask, 0, repr(exc)))
            n += 1

    threads = [threading.Thread(target=traffic, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1)
        enqueue(train_recommender_and_recompute)
        swapped = ModelVersion.objects.filter(is_active=True).exclude(pk=old.pk)
        wait_for(swapped.exists, 120, "the new version")
        time.sleep(3.5)  # past the pointer TTL: the server has switched
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    new = ModelVersion.objects.get(is_active=True)
    expected[new.number] = _answers()
    assert expected[new.number] != expected[old.number]  # else mixing could not be seen
    errors = [r for r in responses if r[2] != 200]
    assert not errors, errors[:3]
    mixed = [
        (body["model_version"], ask, [v for v in expected if expected[v][ask] == body])
        for _t, ask, _s, body in responses
        if body != expected[body["model_version"]][ask]
    ]
    assert not mixed, f"{len(mixed)} of {len(responses)} responses not wholly the version they name: {mixed[:5]}"
    seen = [body["model_version"] for _t, _a, _s, body in responses]
    assert set(seen) == {old.number, new.number}
    for thread in range(4):  # each client moves from the old version to the new once, never back
        mine = [body["model_version"] for t, _a, _s, body in responses if t == thread]
        assert mine == sorted(mine)
    print(
        f"{len(responses)} responses, {seen.count(old.number)} from v{old.number}, "
        f"{seen.count(new.number)} from v{new.number}; worker log {len(worker.output())} chars"
    )
