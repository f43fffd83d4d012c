"""Background work that survives faults: enqueue on commit and fail fast, retry the database, stop poison tasks.

`enqueue` is the one way to put work on the queue. `ReliableTask` is the base of every task: a transient database
error is retried with exponential backoff and jitter up to TASK_DB_RETRIES times, and each delivery of a message is
counted *before* the body runs, so a message that kills its worker (and so is redelivered again and again: acks_late
with reject_on_worker_lost) is dropped after TASK_MAX_DELIVERIES deliveries, with an error in the log and a record in
the `zhitu:dropped-tasks` list (`manage.py dropped_tasks` shows it). Counts and records are kept in the broker's Redis;
with another broker (RabbitMQ) in the cache's Redis (REDIS_URL).
"""

from __future__ import annotations

import functools
import json
import logging
from typing import Any

import redis
from celery import Task
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

log = logging.getLogger(__name__)

DROPPED_KEY = "zhitu:dropped-tasks"
DROPPED_KEEP = 1000
DELIVERIES_TTL = 7 * 24 * 3600


class QueueUnavailable(RuntimeError):
    """The broker did not take the task; the message says so in words a person can act on."""


def enqueue(task: Task, *args: Any, **kwargs: Any) -> None:
    """Send `task` once the current transaction commits (at once outside a transaction); a rollback sends nothing.

    Raises QueueUnavailable within about two seconds when the broker is down: at once outside a transaction,
    or from the end of the outermost `atomic` block (after its commit) inside one.
    """
    transaction.on_commit(lambda: _send(task, args, kwargs))


def _send(task: Task, args: tuple, kwargs: dict) -> None:
    if task.app.conf.task_always_eager:
        task.apply_async(args=args, kwargs=kwargs)
        return
    try:  # the confirm wait applies to RabbitMQ (confirm_publish); Redis has no confirms
        task.apply_async(args=args, kwargs=kwargs, confirm_timeout=settings.BROKER_CONFIRM_TIMEOUT_SECONDS)
    except (BrokerError, OSError, redis.RedisError) as exc:
        log.error("Could not enqueue %s: the broker is unreachable (%s)", task.name, exc)
        raise QueueUnavailable(
            _(
                "The task queue is not reachable at the moment, so the work could not be started. "
                "Please try again in a few minutes."
            )
        ) from exc


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


@functools.cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5)


def broker_redis() -> redis.Redis | None:
    """The broker's Redis (None when the broker is not Redis: RabbitMQ, or in-process eager tasks)."""
    url = settings.CELERY_BROKER_URL
    return _redis(url) if url.startswith(REDIS_SCHEMES) else None


def _records_redis() -> redis.Redis | None:
    """Where dropped tasks are recorded: the broker's Redis, else the cache's (REDIS_URL; with RabbitMQ), else none."""
    client = broker_redis()
    if client is not None:
        return client
    location = settings.CACHES["default"].get("LOCATION")
    return _redis(location) if isinstance(location, str) and location.startswith(REDIS_SCHEMES) else None


def dropped_tasks(*, limit: int = 100) -> list[dict]:
    """The most recently dropped poison tasks, newest first."""
    client = _records_redis()
    return [json.loads(raw) for raw in client.lrange(DROPPED_KEY, 0, limit - 1)] if client else []


class ReliableTask(Task):
    """The base of every task: retries transient database errors, and drops a message delivered too often."""

    autoretry_for = (OperationalError, InterfaceError)
    max_retries = settings.TASK_DB_RETRIES
    retry_backoff = settings.TASK_RETRY_BACKOFF
    retry_backoff_max = settings.TASK_RETRY_BACKOFF_MAX
    retry_jitter = True
    acks_late = True
    reject_on_worker_lost = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self.request.is_eager and not self.request.called_directly:
            deliveries = self._delivered()
            if deliveries > settings.TASK_MAX_DELIVERIES:
                self._drop(deliveries, args, kwargs)
                return None
        return super().__call__(*args, **kwargs)

    def _delivered(self) -> int:
        """Count this delivery before the body runs, so a delivery that kills the worker still counts.

        A retry is a new message with the same id, so the count is per (id, retry); the retries have their own limit.
        """
        key = f"zhitu:task-deliveries:{self.request.id}:{self.request.retries or 0}"
        client = broker_redis()
        if client is None:  # another broker (RabbitMQ): count in the shared cache instead
            cache.add(key, 0, DELIVERIES_TTL)
            try:
                return int(cache.incr(key))
            except ValueError:  # the cache is down (it fails soft): run the task rather than drop it
                return 0
        try:
            pipe = client.pipeline()
            pipe.incr(key)
            pipe.expire(key, DELIVERIES_TTL)
            return int(pipe.execute()[0])
        except redis.RedisError:  # the message did arrive through this Redis; if it is gone now, run the task
            log.warning("Could not count deliveries of %s[%s]", self.name, self.request.id, exc_info=True)
            return 0

    on_drop: Any = None  # a task's own record of a dropped message, called with (args, kwargs)

    def _drop(self, deliveries: int, args: tuple, kwargs: dict) -> None:
        log.error(
            "Dropped poison task %s[%s] after %s deliveries (limit TASK_MAX_DELIVERIES=%s); args=%r kwargs=%r",
            self.name,
            self.request.id,
            deliveries - 1,
            settings.TASK_MAX_DELIVERIES,
            args,
            kwargs,
        )
        record = {
            "task": self.name,
            "id": self.request.id,
            "args": repr(args),
            "kwargs": repr(kwargs),
            "deliveries": deliveries - 1,
            "dropped_at": timezone.now().isoformat(),
        }
        if self.on_drop is not None:
            try:
                self.on_drop(args, kwargs)
            except Exception:  # the drop itself must not fail: the message is gone either way
                log.exception("Could not record the dropped %s[%s]", self.name, self.request.id)
        client = _records_redis()
        if client is None:
            return
        try:
            pipe = client.pipeline()
            pipe.lpush(DROPPED_KEY, json.dumps(record))
            pipe.ltrim(DROPPED_KEY, 0, DROPPED_KEEP - 1)
            pipe.execute()
        except redis.RedisError:  # the cache's Redis may be down while RabbitMQ is not: the log line above remains
            log.warning("Could not record the dropped %s[%s]", self.name, self.request.id, exc_info=True)
