"""Typed readers for the environment. A bad value stops start-up with ImproperlyConfigured."""

import os
import re
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default_sqlite_path: str) -> dict[str, Any]:
    """DATABASE_URL selects the database; without it the embedded SQLite file is used."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": default_sqlite_path}
    try:
        config = dj_database_url.parse(raw, conn_max_age=60)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from exc
    if config.get("ENGINE") not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise ImproperlyConfigured(f"{name} must point at PostgreSQL or SQLite, got {config.get('ENGINE')}")
    return dict(config)


_RATE = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")


def env_rates(name: str) -> dict[str, str]:
    """Throttle rates as `scope=N/period` pairs, comma-separated: THROTTLE_RATES="quiz=60/min,export=20/hour"."""
    rates: dict[str, str] = {}
    for pair in env_list(name, []):
        scope, _, rate = pair.partition("=")
        if not scope.strip() or not _RATE.match(rate.strip()):
            raise ImproperlyConfigured(f"{name} needs scope=N/period pairs (period s, min, hour or day), got {pair!r}")
        rates[scope.strip()] = rate.strip()
    return rates
