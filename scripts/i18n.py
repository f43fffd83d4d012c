"""Refresh the message catalogs: extract, apply locale/zh_hans_translations.py, compile.

Run as `.venv/bin/python scripts/i18n.py`. It fails if any interface string lacks a Chinese
translation, so an untranslated string cannot land.
"""

import runpy
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"


def main() -> int:
    manage = [sys.executable, str(ROOT / "manage.py")]
    ignore = ["--ignore=.venv", "--ignore=staticfiles", "--ignore=bench", "--ignore=tests"]
    subprocess.run([*manage, "makemessages", "-l", "zh_Hans", "-l", "en", "--no-location", *ignore], check=True)
    table = runpy.run_path(str(ROOT / "locale/zh_hans_translations.py"))["ZH_HANS"]
    po = polib.pofile(str(PO))
    missing = []
    for entry in po:
        if entry.obsolete:  # no longer in the code: kept by makemessages as a comment, never compiled
            continue
        value = table.get(entry.msgid)
        if value is None:
            missing.append(entry.msgid)
        elif entry.msgid_plural:
            entry.msgstr_plural = {0: value[0] if isinstance(value, list) else value}
        else:
            entry.msgstr = value if isinstance(value, str) else value[0]
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
    po.save()
    if missing:
        print("Missing Chinese translations:", *missing, sep="\n  ")
        return 1
    subprocess.run([*manage, "compilemessages", "--ignore=.venv"], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
