"""Benchmarks of the recommender (issue 5).

1. One student's full recommendation in-process (specialties, programs with routes, industries, explanations).
2. A city: 1,045,000 synthetic profiles to their top 10 among every program, against a bare numpy matrix product
   plus argpartition over the same sizes, measured in the same run; peak memory of the process.
3. `manage.py recommend_specialties` on 100,000 profiles, as a counselor would run it (a fresh process).

Usage (after `python manage.py load_demo`): .venv/bin/python bench/recommender.py [--students 1045000]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402

from pathways.matching.core import program_table  # noqa: E402
from pathways.matching.recommendations import recommendations_for  # noqa: E402
from pathways.routes.graph import graph_get  # noqa: E402
from recommender.artifacts import ranker_get  # noqa: E402
from recommender.ranking import BLOCK, Ranker  # noqa: E402

AREAS = "RIASEC"


def one_student(runs: int) -> None:
    rng = np.random.default_rng(1)
    for stage in ("junior", "secondary", "associate"):
        profiles = rng.random((runs, 6))
        recommendations_for(profile=dict(zip(AREAS, profiles[0], strict=True)), stage=stage, district="万州区")
        samples = []
        for row in profiles:
            start = time.perf_counter()
            recommendations_for(profile=dict(zip(AREAS, row, strict=True)), stage=stage, district="万州区")
            samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        p95 = samples[int(len(samples) * 0.95) - 1]
        print(f"one student, stage {stage:9}  median {statistics.median(samples):5.2f} ms  p95 {p95:5.2f} ms")


def top_items(
    ranker: Ranker, profiles: np.ndarray, item_columns: np.ndarray, item_bias: np.ndarray, k: int
) -> np.ndarray:
    """Top k items (programs) per profile, an item scoring its specialty's similarity plus a fixed bias: blocks of
    profiles, one matrix product against every item's specialty shape, a partial sort. Item indices, n x k."""
    items = np.ascontiguousarray(ranker.pipeline.named_steps["similarity"].items_[item_columns].T)
    bias = np.asarray(item_bias, dtype=np.float32)
    out = np.empty((len(profiles), k), dtype=np.int32)
    for start in range(0, len(profiles), BLOCK):
        shaped = ranker.pipeline.named_steps["shape"].transform(profiles[start : start + BLOCK]).astype(np.float32)
        scores = shaped @ items
        scores += bias
        part = np.argpartition(scores, scores.shape[1] - k, axis=1)[:, -k:]
        order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1)
        out[start : start + BLOCK] = np.take_along_axis(part, order, axis=1)
    return out


def city(students: int) -> None:
    version, ranker = ranker_get()
    graph = graph_get()
    tables = [program_table(graph, version, ranker, stage) for stage in ("junior", "secondary", "associate")]
    columns = np.concatenate([t.columns for t in tables])
    bias = np.zeros(len(columns), dtype=np.float32)
    profiles = np.random.default_rng(2).random((students, 6)).astype(np.float32)
    start = time.perf_counter()
    top = top_items(ranker, profiles, columns, bias, 10)
    ours = time.perf_counter() - start
    weights = np.random.default_rng(3).random((6, len(columns))).astype(np.float32)
    start = time.perf_counter()
    for block in range(0, students, BLOCK):
        scores = profiles[block : block + BLOCK] @ weights
        np.argpartition(scores, scores.shape[1] - 10, axis=1)[:, -10:]
    bare = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(
        f"city: {students:,} profiles x {len(columns):,} programs, top 10: {ours:.2f} s; bare matmul + argpartition "
        f"{bare:.2f} s; ratio {ours / bare:.2f}x; peak memory {peak:.2f} GiB; {top.shape}"
    )


def batch(profiles: int) -> None:
    rng = np.random.default_rng(4)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "class.csv"
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", *AREAS])
            writer.writerows([f"s{n}", *(f"{v:.3f}" for v in row)] for n, row in enumerate(rng.random((profiles, 6))))
        command = [
            sys.executable,
            str(ROOT / "manage.py"),
            "recommend_specialties",
            "--input",
            str(path),
            "--level",
            "associate",
            "--k",
            "10",
        ]
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, check=True, env=os.environ)
        seconds = time.perf_counter() - start
    rows = len(result.stdout.splitlines()) - 1
    print(f"recommend_specialties on {profiles:,} profiles: {seconds:.2f} s (whole process), {rows:,} rows")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=1_045_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--batch", type=int, default=100_000)
    args = parser.parse_args()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database {engine}, Python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} cores")
    one_student(args.runs)
    batch(args.batch)
    city(args.students)


if __name__ == "__main__":
    main()
