"""The shared cache's client and production's session store (config/cache.py, config/sessions.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config import sessions
from config.cache import FailSoftRedisCache

pytestmark = pytest.mark.django_db

# Production's sessions: kept in the database behind the cache, ending after two idle hours, renewed by each request.
PRODUCTION_SESSIONS = override_settings(
    SESSION_ENGINE="config.sessions",
    SESSION_SAVE_EVERY_REQUEST=True,
    SESSION_EXPIRE_AT_BROWSER_CLOSE=True,
    SESSION_COOKIE_AGE=2 * 60 * 60,
)


def test_the_cache_keeps_one_redis_client_for_every_call() -> None:
    cache = FailSoftRedisCache("redis://127.0.0.1:6379/15", {})  # making a client opens no connection
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    assert cache._cache.get_client("a-key") is client


@pytest.fixture
def signed_in() -> Iterator[tuple[Client, User]]:
    """`student_zhou` signed in on a school computer, under production's session settings."""
    with PRODUCTION_SESSIONS:
        user = User.objects.create_user("student_zhou", password="pw")
        client = Client()
        client.force_login(user)
        yield client, user


def _expiry(client: Client) -> object:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def _session_writes(client: Client, path: str = "/me/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries)


def test_an_unchanged_session_is_written_at_most_once_a_minute(
    signed_in: tuple[Client, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _user = signed_in
    signed_at = _expiry(client)
    assert _session_writes(client) == 0  # signed in a moment ago: the two hours already count from now
    assert _expiry(client) == signed_at
    later = timezone.now() + timedelta(seconds=sessions.REFRESH_SECONDS + 1)
    monkeypatch.setattr(sessions.time, "time", lambda: later.timestamp())
    assert _session_writes(client) == 1
    assert _expiry(client) > signed_at  # the idle clock starts again from this request


def test_a_changed_session_is_written_at_once(signed_in: tuple[Client, User]) -> None:
    key = signed_in[0].session.session_key
    changed = sessions.SessionStore(key)
    changed["seen"] = "now"
    with CaptureQueriesContext(connection) as queries:
        changed.save()
    assert sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries) == 1
    assert sessions.SessionStore(key)["seen"] == "now"


def test_signing_in_and_out_work_as_before() -> None:
    with PRODUCTION_SESSIONS:
        User.objects.create_user("student_zhou", password="pw-zhou-2026")
        client = Client()
        signed = client.post("/accounts/login/", {"username": "student_zhou", "password": "pw-zhou-2026"})
        assert signed.status_code == 302
        assert client.get("/me/").status_code == 200
        key = client.session.session_key
        client.post("/accounts/logout/")
        assert not Session.objects.filter(session_key=key).exists()
        assert client.get("/me/").status_code == 302
