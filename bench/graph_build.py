"""How long the route graph takes to build, and how much of it the specialties' short facts take (issue 14: the
reasons under recommendations name each specialty's jobs and courses, parsed once per graph build).

Run: DJANGO_SETTINGS_MODULE=config.settings.dev .venv/bin/python bench/graph_build.py   (after load_demo)"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from django.db.models import Max  # noqa: E402

from pathways.models import Articulation  # noqa: E402
from pathways.routes.graph import graph_build  # noqa: E402
from programs.selectors import specialties_facts  # noqa: E402


def timed(run, times: int = 5) -> float:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


year = Articulation.objects.aggregate(y=Max("academic_year"))["y"]
facts = timed(specialties_facts)
graph = timed(lambda: graph_build(academic_year=year))
print(f"graph build {graph * 1000:.0f} ms (median of 5), of which the specialties' facts {facts * 1000:.0f} ms")
