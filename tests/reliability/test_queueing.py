"""Enqueue only on commit, a poison task that stops, and a transient database error retried: against a real worker,
on Redis and on RabbitMQ. These commit, so PostgreSQL only (the worker needs a database it can share)."""

from __future__ import annotations

import time
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, transaction

from pathways.models import StudentRecommendation
from pathways.queueing import dropped_tasks, enqueue
from pathways.tasks import recompute_chunk
from tests.reliability.conftest import students, wait_for
from tests.reliability.poison import kill_own_process

pytestmark = [
    pytest.mark.transactional,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a real worker shares a PostgreSQL database"),
]


def test_a_rolled_back_transaction_enqueues_nothing_and_a_commit_enqueues_once(broker) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(recompute_chunk, 1, 2, False)
        assert broker.counts("recompute") == (0, 0)  # nothing leaves before the commit
        raise RuntimeError("the request failed")
    assert broker.counts("recompute") == (0, 0)
    with transaction.atomic():
        enqueue(recompute_chunk, 1, 2, False)
        assert broker.counts("recompute") == (0, 0)
    assert broker.counts("recompute") == (1, 0)  # on RabbitMQ: confirmed by the broker before enqueue returned
    assert broker.next_task("recompute") == "pathways.tasks.recompute_chunk"


def test_a_poison_task_is_dropped_after_the_delivery_limit_and_does_not_loop(start_worker, broker, settings) -> None:
    settings.CACHES = broker.caches()  # as the worker's: with RabbitMQ, dropped tasks are recorded in the cache's Redis
    worker = start_worker()  # TASK_MAX_DELIVERIES=3
    result = kill_own_process.delay()
    dropped = wait_for(dropped_tasks, 60, "the poison task to be dropped")
    record = dropped[0]
    listing = StringIO()
    call_command("dropped_tasks", stdout=listing)
    assert result.id in listing.getvalue()  # what an operator is told to look at
    assert record["task"] == "tests.reliability.poison.kill_own_process" and record["id"] == result.id
    assert record["deliveries"] == 3
    assert worker.output().count("exited with 'signal 9 (SIGKILL)'") == 3  # it really ran, and killed, three times
    assert "Dropped poison task tests.reliability.poison.kill_own_process" in worker.output()
    time.sleep(3)  # long enough for several more redeliveries, were it looping
    assert broker.deliveries(result.id) == 4
    assert broker.idle("interactive")
    assert not worker.dead()


def test_a_transient_database_outage_is_retried_with_backoff_then_succeeds(start_worker, broker) -> None:
    attempts = students(4, "retry_")
    first, last = attempts[0].student_id, attempts[-1].student_id
    worker = start_worker()
    name = connection.settings_dict["NAME"]
    own = connection.cursor().connection.info.backend_pid
    admin = psycopg.connect(**{**connection.get_connection_params(), "dbname": "postgres"}, autocommit=True)
    # The database "goes away": new connections are refused and the worker's are cut (ours stays, to check after).
    admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    cut = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s"
    admin.execute(cut, [name, own])
    try:
        enqueue(recompute_chunk, first, last, False)
        wait_for(lambda: "Retry in" in worker.output(), 20, "the first retry")
        time.sleep(2)
    finally:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.close()
    wait_for(
        lambda: StudentRecommendation.objects.filter(student_id__in=[a.student_id for a in attempts]).count() == 4,
        40,
        "the retried chunk to store the four sets",
    )
    # the task commits its rows a moment before the worker logs its success: wait for that line, too
    wait_for(lambda: "succeeded" in worker.output().split("Retry in")[-1], 10, "the retried task to log its success")
    log = worker.output()
    assert "OperationalError" in log and log.count("Retry in") >= 1
    assert "succeeded" in log.split("Retry in")[-1]
