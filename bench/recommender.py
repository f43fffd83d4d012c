"""Benchmarks of the recommender (issue 5).

1. One student's full recommendation in-process (specialties, programs with routes, industries, explanations).
2. A city: 1,045,000 synthetic profiles to their top 10 among every program, against a bare numpy matrix product
   plus argpartition over the same sizes, measured in the same run; peak memory of the process.
3. `manage.py recommend_specialties` on 100,000 profiles, as a counselor would run it (a fresh process), against
   the bare numpy job of bench/bare_recommend.py on the same CSV (issue 15: within 2.5x), in the same run.

Usage (after `python manage.py load_demo`): .venv/bin/python bench/recommender.py [--students 1045000]
"""

from __future__ import annotations

import argparse
import csv
import json
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


def _timed(command: list[str], repeats: int) -> tuple[float, float, bytes]:
    """Median wall seconds and median CPU seconds (user + system, children) of a fresh process, and its output."""
    walls, cpus, output = [], [], b""
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        output = subprocess.run(command, capture_output=True, check=True, env=os.environ).stdout
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus), output


def batch(profiles: int, repeats: int) -> None:
    """`recommend_specialties` against the bare numpy job (bench/bare_recommend.py) on the same CSV, in turn."""
    _version, ranker = ranker_get()
    columns = ranker.index.at_level("associate")
    rng = np.random.default_rng(4)
    with tempfile.TemporaryDirectory() as folder:
        path, items, labels = Path(folder) / "class.csv", Path(folder) / "items.npy", Path(folder) / "labels.json"
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", *AREAS])
            writer.writerows([f"s{n}", *(f"{v:.3f}" for v in row)] for n, row in enumerate(rng.random((profiles, 6))))
        np.save(items, ranker.pipeline.named_steps["similarity"].items_[columns].astype(np.float32))
        pairs = zip(ranker.index.codes[columns], ranker.index.names[columns], strict=True)
        labels.write_text(json.dumps([f"{code},{name}" for code, name in pairs], ensure_ascii=False))
        ours_command = [sys.executable, str(ROOT / "manage.py"), "recommend_specialties", "--input", str(path)]
        ours_command += ["--level", "associate", "--k", "10"]
        bare_command = [sys.executable, str(ROOT / "bench" / "bare_recommend.py"), str(path), str(items), str(labels)]
        bare_command += ["10"]
        bare_wall, bare_cpu, bare_out = _timed(bare_command, repeats)
        ours_wall, ours_cpu, ours_out = _timed(ours_command, repeats)
    rows = len(ours_out.splitlines()) - 1
    assert rows == len(bare_out.splitlines()) - 1 == profiles * 10, (rows, profiles)
    print(
        f"recommend_specialties on {profiles:,} profiles (whole process, median of {repeats}): {ours_wall:.2f} s wall, "
        f"{ours_cpu:.2f} s CPU; bare numpy job {bare_wall:.2f} s wall, {bare_cpu:.2f} s CPU; "
        f"ratio {ours_wall / bare_wall:.2f}x wall, {ours_cpu / bare_cpu:.2f}x CPU (target <= 2.5x); {rows:,} rows"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=1_045_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each batch process; the median counts")
    parser.add_argument("--only-batch", action="store_true", help="only the recommend_specialties comparison")
    args = parser.parse_args()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database {engine}, Python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} cores")
    if args.only_batch:
        batch(args.batch, args.repeats)
        return
    one_student(args.runs)
    batch(args.batch, args.repeats)
    city(args.students)


if __name__ == "__main__":
    main()
