#!/usr/bin/env bash
# One command from a fresh clone to the whole test suite. DATABASE_URL=postgres://... runs it on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/browser.sh
.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check .
.venv/bin/lint-imports
.venv/bin/mypy
.venv/bin/python manage.py makemigrations --check --dry-run --settings=config.settings.test
exec .venv/bin/python -m pytest "$@"
