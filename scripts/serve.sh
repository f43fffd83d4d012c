#!/usr/bin/env bash
# One command from a fresh clone to a running app with demo data on the embedded SQLite database.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export DJANGO_SETTINGS_MODULE=config.settings.dev
PORT="${PORT:-8000}"
.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py load_demo
cat <<MSG

  职途 Zhitu is running at http://127.0.0.1:${PORT}/   (admin: http://127.0.0.1:${PORT}/admin/)
  Demo logins (password zhitu-demo-2026):
    student    demo_student
    counselor  demo_counselor
    admin      demo_admin   (catalog curator, can use /admin/)
    privacy    demo_privacy (data-protection officer: the audit in /admin/)
    school     demo_school  (school administrator: /school/, classes, counselors, programs)

MSG
exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT}"
