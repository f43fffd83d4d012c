"""Benchmark of the city recompute (issue 7): 1,045,000 synthetic students, each one stored row of top 10 specialties
and top 10 programs, written to PostgreSQL.

Builds (or reuses) the database `zhitu_city` on postgres@127.0.0.1:5432: migrate, `load_demo --no-users`, then the
synthetic students by COPY (auth users named `synthetic-0000001`…, a StudentProfile, the student's consent and one
scored QuizAttempt each). Then times:

1. an in-process run, range by range (RECOMPUTE_CHUNK_SIZE students each), with the split between the eligibility query,
   scoring and writing, and the peak RSS of the process;
2. real Celery workers (`celery -A config worker -Q recompute -c N`, broker redis://127.0.0.1:6379/7) with N = 1 and
   N = 2: from enqueuing `recompute_recommendations` until every eligible student has a row with the current basis,
   with the peak RSS of the worker and its children (sampled from /proc every 0.2 s).

The recommendation table is emptied before each run, so each run writes every row.
Usage: .venv/bin/python bench/city_recompute.py [--students 1045000] [--workers 1 2] [--skip-inprocess]
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "zhitu_city"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
BROKER = "redis://127.0.0.1:6379/7"  # not 0: the shared Redis's other users keep theirs
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["CELERY_BROKER_URL"] = BROKER  # tasks go to the workers, not run in-process
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import psycopg  # noqa: E402


def database_ensure() -> None:
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            admin.execute(f"CREATE DATABASE {DATABASE}")


database_ensure()

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from pathways.matching.core import recommendation_basis  # noqa: E402
from pathways.matching.recompute import RangeResult, recompute_plan, recompute_range  # noqa: E402
from pathways.models import FormVersion, QuizItem, StudentRecommendation  # noqa: E402
from pathways.students.consent import NOTICE_VERSION  # noqa: E402
from programs.districts import DISTRICTS  # noqa: E402

PREFIX = "synthetic-"
STAGES = np.array(["junior", "secondary", "associate"])


def catalog_ensure() -> None:
    call_command("migrate", verbosity=0)
    if not QuizItem.objects.exists():
        call_command("load_demo", "--no-users", stdout=open(os.devnull, "w"))  # noqa: SIM115


def _copy(cursor: object, table: str, columns: str, lines: list[str]) -> None:
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
        copy.write("".join(lines))


def students_ensure(students: int) -> None:
    """Create the synthetic students that are missing, 100,000 per COPY round, all labelled `synthetic-`."""
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM auth_user WHERE username LIKE %s", [PREFIX + "%"])
        have = c.fetchone()[0]
    if have >= students:
        return
    form = FormVersion.objects.get(kind="quick", is_current=True).pk
    rng = np.random.default_rng(7)
    now = timezone.now().isoformat()
    year = timezone.localdate().year
    districts = np.array([*DISTRICTS, ""])
    start = time.perf_counter()
    for first in range(have + 1, students + 1, 100_000):
        numbers = np.arange(first, min(first + 100_000, students + 1))
        _students_batch(numbers, rng, form, now, year, districts)
        print(f"  synthetic students {numbers[-1]:,} ({time.perf_counter() - start:.0f} s)", flush=True)
    with connection.cursor() as c:
        for table in ("auth_user", "pathways_studentprofile", "pathways_consent", "pathways_quizattempt"):
            c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            c.execute(f"ANALYZE {table}")


def _students_batch(
    numbers: np.ndarray, rng: np.random.Generator, form: int, now: str, year: int, districts: np.ndarray
) -> None:
    n = len(numbers)
    with connection.cursor() as c:
        c.execute("SELECT coalesce(max(id), 0) FROM auth_user")
        base = c.fetchone()[0] + 1
        ids = np.arange(base, base + n)
        # Interests: a base level per student plus two or three favoured areas; about 3% answer everything alike.
        scores = rng.normal(rng.uniform(10, 26, (n, 1)), 5, (n, 6)) + rng.uniform(0, 14, (n, 6)) ** 1.15
        alike = rng.random(n) < 0.03
        scores[alike] = scores[alike].mean(axis=1, keepdims=True)
        scores = scores.clip(0, 40).round().astype(int)
        ages = rng.integers(13, 22, n)
        stage = STAGES[np.searchsorted([0.5, 0.85], rng.random(n))]
        district = districts[rng.integers(0, len(districts), n)]
        order = np.argsort(-scores, axis=1, kind="stable")
        codes = np.array(list("RIASEC"))[order[:, :3]]
        flat = (scores.max(axis=1) - scores.min(axis=1)) < 6
        raw = c.cursor
        _copy(
            raw,
            "auth_user",
            "id, username, password, is_superuser, first_name, last_name, email, is_staff, is_active, date_joined",
            [
                f"{i}\t{PREFIX}{m:07d}\t!\tf\t\t\t\tf\tt\t{now}\n"
                for i, m in zip(ids.tolist(), numbers.tolist(), strict=True)
            ],
        )
        rows = zip(ids.tolist(), ages.tolist(), stage.tolist(), district.tolist(), strict=True)
        _copy(
            raw,
            "pathways_studentprofile",
            "user_id, birth_year, birth_month, stage, district, profiling_opt_out, created_at",
            [f"{i}\t{year - a}\t{i % 12 + 1}\t{s}\t{d}\tf\t{now}\n" for i, a, s, d in rows],
        )
        consents = [f"{i}\tstudent\t{NOTICE_VERSION}\t\t\t{now}\n" for i in ids.tolist()]
        consents += [f"{i}\tguardian\t{NOTICE_VERSION}\t家长{i % 100}\t母亲\t{now}\n" for i in ids[ages < 15].tolist()]
        _copy(
            raw,
            "pathways_consent",
            "user_id, kind, notice_version, guardian_name, guardian_relation, given_at",
            consents,
        )
        _copy(
            raw,
            "pathways_quizattempt",
            "student_id, version_id, completed_at, duration_seconds, too_fast, score_r, "
            "score_i, score_a, score_s, score_e, score_c, code, flat",
            [
                f"{i}\t{form}\t{now}\t300\tf\t{r[0]}\t{r[1]}\t{r[2]}\t{r[3]}\t{r[4]}\t{r[5]}\t{''.join(code)}\t"
                f"{'t' if f else 'f'}\n"
                for i, r, code, f in zip(ids.tolist(), scores.tolist(), codes.tolist(), flat.tolist(), strict=True)
            ],
        )


def table_empty() -> None:
    with connection.cursor() as c:
        c.execute(f"TRUNCATE {StudentRecommendation._meta.db_table}")


def current_rows(basis: str) -> int:
    return StudentRecommendation.objects.filter(basis=basis).count()


def in_process() -> None:
    table_empty()
    start = time.perf_counter()
    ranges = recompute_plan()
    plan = time.perf_counter() - start
    total = RangeResult()
    for first, last in ranges:
        result = recompute_range(first_user_id=first, last_user_id=last)
        total.students += result.students
        total.query_seconds += result.query_seconds
        total.scoring_seconds += result.scoring_seconds
        total.writing_seconds += result.writing_seconds
        total.fallbacks += result.fallbacks
        total.programs = result.programs
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(
        f"in-process: {total.students:,} rows in {seconds:.1f} s "
        f"({len(ranges)} ranges of {settings.RECOMPUTE_CHUNK_SIZE:,}): "
        f"plan {plan:.1f} s, eligibility queries {total.query_seconds:.1f} s, scoring {total.scoring_seconds:.1f} s, "
        f"writing {total.writing_seconds:.1f} s; {total.fallbacks:,} students by the one-student code; "
        f"programs per stage {total.programs}; peak RSS {peak:.2f} GiB",
        flush=True,
    )


class TreeMemory(threading.Thread):
    """The peak of the summed RSS of a process and all its descendants, sampled from /proc."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, sum(_rss(p) for p in _tree(self.pid)))
            time.sleep(0.2)


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        with contextlib.suppress(OSError):  # the process ended meanwhile
            todo += [
                int(c)
                for t in os.listdir(f"/proc/{p}/task")
                for c in Path(f"/proc/{p}/task/{t}/children").read_text().split()
            ]
    return found


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def with_workers(concurrency: int, eligible: int) -> None:
    import redis

    from pathways.tasks import recompute_recommendations

    table_empty()
    redis.Redis.from_url(BROKER).delete("recompute")  # leftovers of an interrupted run, in our own database only
    # With more worker processes than cores, each process's BLAS keeps to one thread (no oversubscription).
    blas = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"} if concurrency > 1 else {}
    env = {**os.environ, "CELERY_BROKER_URL": BROKER, "DATABASE_URL": DATABASE_URL, **blas}
    log_path = ROOT / "bench" / "results" / f"city-worker-{concurrency}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_file = open(log_path, "w")  # noqa: SIM115 - closed in finally
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "config",
            "worker",
            "-Q",
            "recompute",
            "-c",
            str(concurrency),
            "-n",
            f"city{concurrency}-{os.getpid()}@%h",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        memory = TreeMemory(worker.pid)
        memory.start()
        time.sleep(8)  # the worker starts and loads the model before the clock starts
        basis = recommendation_basis()
        start = time.perf_counter()
        recompute_recommendations.delay(0)
        while current_rows(basis) < eligible:
            if worker.poll() is not None:
                raise RuntimeError("the worker stopped")
            time.sleep(0.5)
        seconds = time.perf_counter() - start
        memory.running = False
        print(
            f"{concurrency} worker process{'es' if concurrency > 1 else ''}: {eligible:,} rows in {seconds:.1f} s; "
            f"peak RSS of the worker and its children {memory.peak / 2**30:.2f} GiB",
            flush=True,
        )
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        log_file.close()
    split = {
        part: sum(float(v) for v in re.findall(part + r"_seconds=([0-9.]+)", log_path.read_text()))
        for part in ("query", "scoring", "writing")
    }
    print(
        f"  summed over chunks (process s): query {split['query']:.0f}, scoring {split['scoring']:.0f}, "
        f"writing {split['writing']:.0f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=1_045_000)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--skip-inprocess", action="store_true")
    args = parser.parse_args()
    print(
        f"PostgreSQL {DATABASE}, Python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} "
        f"cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
        flush=True,
    )
    catalog_ensure()
    students_ensure(args.students)
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM auth_user WHERE username LIKE %s", [PREFIX + "%"])
        print(f"synthetic students: {c.fetchone()[0]:,}", flush=True)
    if not args.skip_inprocess:
        in_process()
    eligible = StudentRecommendation.objects.count() if not args.skip_inprocess else None
    for concurrency in args.workers:
        with_workers(concurrency, eligible or students_eligible())


def students_eligible() -> int:
    from pathways.matching.recompute import eligible_students

    ranges = recompute_plan()
    return sum(
        len(eligible_students(first_user_id=f, last_user_id=t, only_stale=False, basis="").student_ids)
        for f, t in ranges
    )


if __name__ == "__main__":
    main()
