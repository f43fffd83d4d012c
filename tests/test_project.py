"""Project-wide guarantees: translations complete and compiled, settings read safely."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parent.parent


def test_every_interface_string_has_a_chinese_translation() -> None:
    po = polib.pofile(str(ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"))
    assert len(po) > 100
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_the_compiled_catalog_matches_its_source() -> None:
    po = polib.pofile(str(ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"))
    mo = polib.mofile(str(ROOT / "locale/zh_Hans/LC_MESSAGES/django.mo"))
    compiled = {(e.msgid, e.msgstr or str(e.msgstr_plural)) for e in mo}
    source = {(e.msgid, e.msgstr or str(e.msgstr_plural)) for e in po.translated_entries()}
    assert source <= compiled


def test_env_bool_refuses_a_value_it_cannot_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHITU_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="ZHITU_TEST_FLAG must be a boolean"):
        env.env_bool("ZHITU_TEST_FLAG", False)


def test_database_url_must_be_postgres_or_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHITU_DB", "mysql://root@localhost/x")
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL or SQLite"):
        env.env_database("ZHITU_DB", "db.sqlite3")
    monkeypatch.setenv("ZHITU_DB", "postgres://u@127.0.0.1:5432/zhitu")
    assert env.env_database("ZHITU_DB", "db.sqlite3")["ENGINE"] == "django.db.backends.postgresql"


# Production refuses to start without its services; `check` parses the URLs and connects to neither.
SERVICES = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/zhitu", "REDIS_URL": "redis://127.0.0.1:6379/1"}


def _check_prod(secret: str | None, **services: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"}}
    environ.update(DJANGO_SETTINGS_MODULE="config.settings.prod", **services)
    if secret is not None:
        environ["SECRET_KEY"] = secret
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_real_secret_key() -> None:
    result = _check_prod(None, **SERVICES)
    assert result.returncode != 0
    assert "real SECRET_KEY" in result.stderr


def test_production_refuses_sqlite_or_no_redis() -> None:
    key = "k" * 20 + "x9!Zq#2vLp$7rTw&5yBn^3mCd*8sFh@1jGk"
    assert "DATABASE_URL" in _check_prod(key, REDIS_URL=SERVICES["REDIS_URL"]).stderr
    assert "REDIS_URL" in _check_prod(key, DATABASE_URL=SERVICES["DATABASE_URL"]).stderr


def test_production_settings_pass_the_deploy_check() -> None:
    result = _check_prod("k" * 20 + "x9!Zq#2vLp$7rTw&5yBn^3mCd*8sFh@1jGk", **SERVICES)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_every_setting_the_code_reads_from_the_environment_is_in_the_readme() -> None:
    """The operator's table of settings stays true: a new environment variable without a row fails here."""
    import re

    names = set()
    for path in (ROOT / "config").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'env_(?:str|bool|int|list|database|rates)\("([A-Z_]+)"', text))
        names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', text))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Settings") :]
    assert len(names) > 30
    assert sorted(name for name in names if f"`{name}`" not in table) == []
