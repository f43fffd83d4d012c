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

from django.core.cache.backends.redis import RedisCache
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


class FailSoftRedisCache(RedisCache):
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
