"""A Redis cache that fails soft: while Redis is down a read is a miss and a write is skipped, never an error.

Nothing the site stores in the cache is the only copy (throttle counts, computed values), so losing it for a while
costs speed, not correctness; a page or an API read must not fail because the cache did.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
OUTAGE = (RedisConnectionError, RedisTimeoutError)
_last_warning = [0.0]


def _soft(fallback: Any) -> Callable:
    def wrap(method: Callable) -> Callable:
        @functools.wraps(method)
        def call(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except OUTAGE as exc:
                if time.monotonic() - _last_warning[0] > 30:  # one line per half minute, not one per request
                    _last_warning[0] = time.monotonic()
                    log.warning("Cache unavailable, carrying on without it: %s", exc)
                if fallback == "default":
                    return kwargs.get("default", args[1] if len(args) > 1 else None)
                return fallback() if callable(fallback) else fallback

        return call

    return wrap


def _missing() -> None:
    raise ValueError("Key not found (the cache is unavailable)")  # what incr says of a missing key


class OneClientRedisCacheClient(RedisCacheClient):
    """Django's client makes a new `redis.Redis` for every cache call, and making one copies its table of some 170
    response callbacks: 80 µs, four or five times a request (the session, each throttle's read and write), a sixth
    of a small API request's CPU. A `redis.Redis` is safe to share over its connection pool: keep one per pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # Django's own, not in the stubs
        client = self._clients.get(id(pool))  # the pools live as long as this object, so their ids stay theirs
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class FailSoftRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = OneClientRedisCacheClient

    get = _soft("default")(RedisCache.get)
    get_many = _soft(dict)(RedisCache.get_many)
    has_key = _soft(False)(RedisCache.has_key)
    add = _soft(False)(RedisCache.add)
    set = _soft(None)(RedisCache.set)
    set_many = _soft(list)(RedisCache.set_many)
    touch = _soft(False)(RedisCache.touch)
    delete = _soft(False)(RedisCache.delete)
    delete_many = _soft(None)(RedisCache.delete_many)
    clear = _soft(None)(RedisCache.clear)
    incr = _soft(_missing)(RedisCache.incr)
