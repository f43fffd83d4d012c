"""A worker SIGKILLed in the middle of a city recompute: after it restarts, every student has exactly one current set,
all from the new model version (no duplicates, no gaps). On both brokers; PostgreSQL only (a real worker shares the
database). What brings the work back differs:

- RabbitMQ keeps each delivered message on the broker until it is acknowledged, and puts a consumer's unacknowledged
  messages back the moment its connection closes. The worker restarts *without* beat, so no stale sweep helps: every
  chunk is redone by redelivery alone, and every chunk of the planned run is marked done.
- Kombu's Redis transport keeps the messages a worker took in its `unacked` hash and puts them back once they are
  TASK_VISIBILITY_TIMEOUT old; the test checks that each of them ran again in the restarted worker. A message the dead
  worker had popped from the queue (BRPOP) but not yet recorded as unacknowledged is lost with it: a kill the moment
  a chunk commits often lands in that window (the worker fetches the next chunk right then). So, as in production, the
  worker restarts with beat: the stale sweep (`recompute_stale_recommendations`) redoes every student whose set is
  from the old version, that chunk's students too.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from django.db import connection, transaction

from pathways.matching.recompute import recompute_plan, recompute_range
from pathways.models import RecomputeChunk, RecomputeRun, StudentRecommendation
from pathways.queueing import enqueue
from pathways.tasks import recompute_recommendations
from recommender.artifacts import model_version_activate
from recommender.training import model_train
from tests.reliability.conftest import students, wait_for

pytestmark = [
    pytest.mark.transactional,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a real worker shares a PostgreSQL database"),
]
TASK_ID = r"\[([0-9a-f-]{36})\]"


def _ids(log: str, event: str) -> set[str]:
    return set(re.findall(TASK_ID + " " + event, log))


def _all_back(broker, in_flight: int) -> bool:
    """Nothing is out unacknowledged, and at least the messages the dead worker had are waiting again."""
    ready, unacknowledged = broker.counts("recompute")
    return unacknowledged == 0 and ready >= in_flight


def test_a_worker_killed_mid_recompute_leaves_one_set_per_student_all_from_the_new_version(start_worker, broker):
    attempts = students(80, "kill_")
    ids = [a.student_id for a in attempts]
    assert recompute_plan(size=len(ids)) == [(ids[0], ids[-1])]
    assert recompute_range(first_user_id=ids[0], last_user_id=ids[-1]).students == len(ids)  # everyone has a v1 set
    new = model_train(activate=False, force=True)
    worker = start_worker()  # RECOMPUTE_CHUNK_SIZE=10: 8 chunk tasks
    with transaction.atomic():
        model_version_activate(version=new)
        enqueue(recompute_recommendations, 0)
    on_new = StudentRecommendation.objects.filter(model_version=new.number)
    done = wait_for(lambda: on_new.count(), 60, "the first chunk to commit", every=0.01)
    worker.kill()
    done = on_new.count()
    assert 0 < done < len(ids), f"not mid-run: {done} of {len(ids)} done when killed"
    if broker.name == "redis":  # the messages the dead worker had taken and not acknowledged
        in_flight = {json.loads(raw)[0]["headers"]["id"] for raw in broker.client().hvals("unacked")}
    else:  # received and not finished (a task logs its success before it is acknowledged)
        in_flight = _ids(worker.output(), "received") - _ids(worker.output(), "succeeded")
        wait_for(lambda: _all_back(broker, len(in_flight)), 30, "RabbitMQ to put the dead worker's messages back")
    assert in_flight
    killed_at = time.monotonic()
    restarted = len(worker.output())
    worker.beat = broker.name == "redis"  # Redis, as in production: the stale sweep every RECOMPUTE_STALE_EVERY (3 s)
    worker.start()  # Redis: the restarted worker puts them back once TASK_VISIBILITY_TIMEOUT (10 s) has passed
    wait_for(lambda: on_new.count() == len(ids), 90, "every set on the new version")
    print(f"{broker.name}: killed with {done}/{len(ids)} done; all done {time.monotonic() - killed_at:.1f}s after")
    wait_for(
        lambda: in_flight <= _ids(worker.output()[restarted:], "succeeded"),
        30,
        f"the dead worker's unacknowledged tasks {sorted(in_flight)} to run again",
    )
    rows = StudentRecommendation.objects.filter(student_id__in=ids)
    assert rows.count() == len(attempts) == len(set(rows.values_list("student_id", flat=True)))
    assert set(rows.values_list("model_version", flat=True)) == {new.number}
    assert all(basis.startswith(f"v{new.number}:") for basis in rows.values_list("basis", flat=True))
    if broker.name == "rabbitmq":  # redelivery alone: no sweep ran, and every chunk of the planned run is done
        assert RecomputeRun.objects.exists() and not RecomputeRun.objects.filter(only_stale=True).exists()
        undone = RecomputeChunk.objects.filter(done_at__isnull=True)
        wait_for(lambda: not undone.exists(), 10, "every planned chunk marked done")
        assert not RecomputeChunk.objects.filter(dropped_at__isnull=False).exists()
    wait_for(lambda: broker.idle("recompute"), 10, "the queue to drain")
