"""Production settings: `check --deploy` is clean, and they refuse to start without their services or a real key."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**base, "DJANGO_SETTINGS_MODULE": "config.settings.prod", **env})  # fmt: skip


SERVICES = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/zhitu", "REDIS_URL": "redis://127.0.0.1:6379/1"}


def test_check_deploy_has_no_warnings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(64), **SERVICES)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_a_weak_key_sqlite_or_no_redis() -> None:
    key = secrets.token_urlsafe(64)
    assert "SECRET_KEY" in manage("check", SECRET_KEY="short", **SERVICES).stderr
    assert "DATABASE_URL" in manage("check", SECRET_KEY=key, REDIS_URL=SERVICES["REDIS_URL"]).stderr
    assert "REDIS_URL" in manage("check", SECRET_KEY=key, DATABASE_URL=SERVICES["DATABASE_URL"]).stderr
