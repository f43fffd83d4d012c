"""Benchmark: pathway queries from every entry point over the full Chongqing sample data.

A query is what the explorer and the API do: check the graph is current, count every pathway that
matches, and read and build the first page of 20. Measured on a warm graph (it is built once per
process and rebuilt only when the route data changes); the cold build is reported on its own.

Usage (after `python manage.py load_demo`, which the serve script runs):
    .venv/bin/python bench/pathways.py [--compare-networkx]
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

from pathways.models import Articulation  # noqa: E402
from pathways.routes.graph import PathwayFilters, graph_build, graph_get  # noqa: E402
from pathways.routes.selectors import current_academic_year, pathways_search  # noqa: E402
from programs.districts import DISTRICTS  # noqa: E402
from programs.models import Level, Program  # noqa: E402


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return (time.perf_counter() - start) * 1000, result


def report(label: str, samples: list[float], counts: list[int]) -> None:
    samples = sorted(samples)
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    print(
        f"{label:44} {len(samples):6} {max(counts):8} {statistics.median(samples):8.1f} {p95:8.1f} {samples[-1]:8.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--compare-networkx", action="store_true")
    args = parser.parse_args()
    year = current_academic_year()
    if not Articulation.objects.exists() or year is None:
        sys.exit("no articulations loaded; run `python manage.py load_demo` first")
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    build_ms, graph = timed(graph_build, academic_year=year)
    print(f"database {engine}, Python {platform.python_version()}, {platform.machine()}, academic year {year}")
    size = f"{graph.graph.number_of_nodes()} nodes, {graph.graph.number_of_edges()} edges"
    print(f"graph: {size}, cold build {build_ms:.0f} ms")
    graph_get(academic_year=year)  # warm
    print(f"{'entry point':44} {'starts':>6} {'max paths':>8} {'median':>8} {'p95':>8} {'max ms':>8}")
    for scope in ("district", "area", "city"):
        samples, counts = [], []
        for district in DISTRICTS:
            ms, page = timed(pathways_search, start=None, filters=PathwayFilters(district=district, scope=scope))
            samples.append(ms)
            counts.append(page.count)
        report(f"初中 graduate, first school in {scope}", samples, counts)
    for level in (Level.SECONDARY, Level.ASSOCIATE):
        samples, counts = [], []
        programs = Program.objects.published().filter(academic_year=year, specialty__level=level)
        for program in programs.select_related("institution", "specialty"):
            ms, page = timed(pathways_search, start=program, filters=PathwayFilters())
            samples.append(ms)
            counts.append(page.count)
        report(f"every published {level} program", samples, counts)
    filtered = PathwayFilters(
        district="渝北区", scope="area", near_home=True, max_years=8, routes=frozenset({"skills-exam", "upgrade"})
    )
    samples = [timed(pathways_search, start=None, filters=filtered)[0] for _ in range(20)]
    report("初中, area, near home + routes + max years", samples, [pathways_search(start=None, filters=filtered).count])
    client = Client(HTTP_HOST="127.0.0.1")
    params = {"start": "junior", "district": "渝北区", "scope": "city"}
    client.get("/api/v1/pathways/", params)
    samples = [timed(client.get, "/api/v1/pathways/", params)[0] for _ in range(20)]
    report(
        "full API request, 初中 渝北区, whole city", samples, [client.get("/api/v1/pathways/", params).json()["count"]]
    )
    if args.compare_networkx:
        compare_networkx(graph)


def compare_networkx(graph) -> None:
    """List every pathway of the busiest district with networkx's generic simple-path generator."""
    import networkx as nx

    from programs.districts import DISTRICTS as ALL

    busiest = max(
        ALL, key=lambda d: sum(1 for n in graph.programs.values() if n.district == d and n.level == "secondary")
    )
    entries = [pk for pk, n in graph.programs.items() if n.district == busiest and n.level == "secondary"]
    targets = set(graph.programs)
    start = time.perf_counter()
    found = sum(1 for e in entries for _ in nx.all_simple_edge_paths(graph.graph, e, targets - {e}, cutoff=5))
    ms = (time.perf_counter() - start) * 1000
    print(f"networkx all_simple_edge_paths, {busiest}: {found + len(entries)} pathways listed in {ms:.0f} ms")


if __name__ == "__main__":
    main()
