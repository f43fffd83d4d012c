"""Benchmark: the public program search over all ~3,300 programs, through the full Django stack.

Usage (after `python manage.py load_demo`, which the serve script runs):
    .venv/bin/python bench/search_programs.py [--runs 50]
Set DATABASE_URL to measure on PostgreSQL (load the demo data there first).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from programs.models import Program  # noqa: E402

QUERIES = {
    "all programs, page 1": {},
    "word search 汽车": {"q": "汽车"},
    "word + level + district": {"q": "护理", "level": "associate", "district": "万州区"},
    "industry cluster + school type": {"cluster": "auto-ev", "kind": "secondary"},
    "category + last page": {"category": "51", "page": "9999"},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    total = Program.objects.count()
    if total < 3000:
        sys.exit(f"only {total} programs loaded; run `python manage.py load_demo` first")
    client = Client(HTTP_HOST="127.0.0.1")
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"{total} programs, database {engine}, Python {platform.python_version()}, {platform.machine()}")
    print(f"{'query':36} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    for label, params in QUERIES.items():
        client.get("/programs/", params)  # warm-up
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            response = client.get("/programs/", params)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        samples.sort()
        p95 = samples[int(len(samples) * 0.95) - 1]
        print(f"{label:36} {statistics.median(samples):10.1f} {p95:8.1f} {samples[-1]:8.1f}")


if __name__ == "__main__":
    main()
