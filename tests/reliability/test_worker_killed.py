"""A worker SIGKILLed in the middle of a city recompute: after it restarts, every student has exactly one current set,
all from the new model version (no duplicates, no gaps). PostgreSQL only: a real worker shares the database.

Two mechanisms bring the work back, and production runs both (a worker and the one `celery beat`):
- the messages the dead worker had taken are in the broker's `unacked` hash and are put back once they are
  TASK_VISIBILITY_TIMEOUT old; the test checks that each of them ran again in the restarted worker;
- a message the dead worker had popped from the queue (BRPOP) but not yet recorded as unacknowledged is lost with
  it: kombu's Redis transport has that window, and a kill the moment a chunk commits often lands in it (the worker
  fetches the next chunk right then). The stale sweep (`recompute_stale_recommendations`, on the beat schedule)
  redoes every student whose set is from the old version, so that chunk's students are recomputed too.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from django.db import connection, transaction

from pathways.matching.recompute import recompute_plan, recompute_range
from pathways.models import StudentRecommendation
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
    in_flight = {json.loads(raw)[0]["headers"]["id"] for raw in broker.client().hvals("unacked")}
    done = on_new.count()
    assert 0 < done < len(ids), f"not mid-run: {done} of {len(ids)} done when killed"
    assert in_flight  # messages the dead worker had taken and not acknowledged
    killed_at = time.monotonic()
    restarted = len(worker.output())
    worker.beat = True  # as in production: the stale sweep runs every RECOMPUTE_STALE_EVERY (3 s here)
    worker.start()  # the restarted worker puts them back once TASK_VISIBILITY_TIMEOUT (10 s) has passed
    wait_for(lambda: on_new.count() == len(ids), 90, "every set on the new version")
    print(f"killed with {done}/{len(ids)} done; all done {time.monotonic() - killed_at:.1f}s after the kill")
    wait_for(
        lambda: in_flight <= set(re.findall(r"\[([0-9a-f-]{36})\] succeeded", worker.output()[restarted:])),
        30,
        f"the dead worker's unacknowledged tasks {sorted(in_flight)} to run again",
    )
    rows = StudentRecommendation.objects.filter(student_id__in=[a.student_id for a in attempts])
    assert rows.count() == len(attempts) == len(set(rows.values_list("student_id", flat=True)))
    assert set(rows.values_list("model_version", flat=True)) == {new.number}
    assert all(basis.startswith(f"v{new.number}:") for basis in rows.values_list("basis", flat=True))
    wait_for(
        lambda: broker.client().hlen("unacked") == 0 and broker.client().llen("recompute") == 0,
        10,
        "the queue to drain",
    )
