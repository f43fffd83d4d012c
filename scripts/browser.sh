#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright's own download cannot reach its host from here).
# Install it when it is missing; a machine without apt-get or root must provide /usr/bin/chromium itself.
set -euo pipefail
cd "$(dirname "$0")/.."
# axe-core, the accessibility checker the browser tests inject into pages, from the npm registry (pinned).
AXE=.venv/axe/node_modules/axe-core/axe.min.js
if [ ! -f "$AXE" ] && command -v npm >/dev/null; then
  npm install --silent --no-audit --no-fund --prefix .venv/axe axe-core@4.14.1 >/dev/null || echo "axe-core did not install" >&2
fi
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "Chromium is missing and apt-get is not available: install chromium at /usr/bin/chromium." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "Installing Debian's chromium for the browser tests…"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
