"""Benchmark of the city recompute (issues 7 and 18): 1,045,000 synthetic students, each one stored row of top 10
specialties and top 10 programs, written to PostgreSQL.

Builds (or reuses) the database `zhitu_city` on postgres@127.0.0.1:5432: migrate, `load_demo --no-users`, then the
synthetic students by COPY (auth users named `synthetic-0000001`…, a StudentProfile labelled sample, the student's
consent and one scored QuizAttempt each; about a third tick preferred routes). Then:

1. in-process, one BLAS thread, range by range (RECOMPUTE_CHUNK_SIZE students each): `recompute_range` with the
   split of wall and process (CPU) time between the eligibility query, scoring and writing; then, in the same run,
   over the same ranges, the floor of each phase (each in a loop of its own, so at its fastest):
   - scoring: bare numpy over the same students, programs and biases: each student's shape against the programs
     their stage can enter (one product per block of 8,192), one per-program bias, the top 10 by argpartition;
   - writing: COPY of the same rows (read back as text, so the same number and width) into a temporary table of the
     recommendation table's columns.
   It prints the totals and the ratios. `--empty` empties the table first (every row an insert); without it, each
   run replaces the rows the last one wrote, as a recompute after a model change does.
2. `--profile N`: pyinstrument over N ranges, the top of the call tree.
3. real Celery workers: for each N of `--workers`, N separate `celery -A config worker -Q recompute -c C` processes
   (as on N machines, each with its own concurrency C, `--concurrency`, one BLAS thread per process) on one broker
   (`--broker`, Redis database 7 by default, or RabbitMQ: amqp://guest:guest@127.0.0.1:5672//): from enqueuing
   `recompute_recommendations` until its RecomputeRun is done, with the peak summed RSS of the workers and their
   children (sampled from /proc every 0.2 s) and the per-chunk times from the workers' logs.

Usage: .venv/bin/python bench/city_recompute.py [--students 1045000] [--workers 1 2 4] [--skip-inprocess]
       [--ranges N] [--profile N] [--empty] [--broker URL] [--concurrency C]
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
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "zhitu_city"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=1_045_000)
    parser.add_argument("--workers", type=int, nargs="*", default=[2], help="worker processes per run, e.g. 1 2 4")
    parser.add_argument("--concurrency", type=int, default=1, help="pool processes of each worker (celery -c)")
    parser.add_argument("--skip-inprocess", action="store_true", help="no in-process run and no floors")
    parser.add_argument("--ranges", type=int, default=0, help="in-process: only the first N ranges (0: all)")
    parser.add_argument("--profile", type=int, default=0, help="pyinstrument over N ranges")
    parser.add_argument("--empty", action="store_true", help="empty the recommendation table before each run")
    # Redis database 7, not 0: the shared Redis's other users keep theirs.
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/7")
    return parser.parse_args()


ARGS = arguments()
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["CELERY_BROKER_URL"] = ARGS.broker  # tasks go to the workers, not run in-process
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
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from pathways.matching.core import ProgramTable, nudges, program_table  # noqa: E402
from pathways.matching.recompute import COLUMNS, Eligible, eligible_students, recompute_plan, recompute_range  # noqa: E402
from pathways.models import FormVersion, QuizItem, RecomputeRun, StudentRecommendation  # noqa: E402
from pathways.routes.graph import graph_get  # noqa: E402
from pathways.students.consent import NOTICE_VERSION  # noqa: E402
from programs.districts import DISTRICTS  # noqa: E402
from recommender.artifacts import ranker_get  # noqa: E402
from recommender.ranking import Ranker  # noqa: E402

PREFIX = "synthetic-"
STAGES = np.array(["junior", "secondary", "associate"])
ROUTE_CHOICES = np.array(["", "3-2", "skills-exam", "five-year-integrated", "3-2 3-4", "upgrade"])
ROUTE_SHARES = np.cumsum([0.65, 0.1, 0.1, 0.05, 0.05])


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
        # About a third tick one or two routes they prefer (the nudges and the re-ranker see them).
        routes = ROUTE_CHOICES[np.searchsorted(ROUTE_SHARES, rng.random(n))]
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
        rows = zip(ids.tolist(), ages.tolist(), stage.tolist(), district.tolist(), routes.tolist(), strict=True)
        _copy(
            raw,
            "pathways_studentprofile",
            "user_id, birth_year, birth_month, stage, district, preferred_routes, profiling_opt_out, is_sample, "
            "created_at",
            [f"{i}\t{year - a}\t{i % 12 + 1}\t{s}\t{d}\t{r}\tf\tt\t{now}\n" for i, a, s, d, r in rows],
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


@dataclass
class Phases:
    """Summed seconds of the recompute's phases and of their floors."""

    students: int = 0
    fallbacks: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(KEYS, 0.0))


KEYS = (
    "query",
    "query_cpu",
    "scoring",
    "scoring_cpu",
    "writing",
    "writing_cpu",
    "floor_scoring",
    "floor_scoring_cpu",
    "floor_writing",
    "floor_writing_cpu",
)
FLOOR_BLOCK = 8192


def scoring_floor(ranker: Ranker, tables: dict[str, ProgramTable], found: Eligible) -> None:
    """The bare numpy job: each student's shape against the programs of their stage, one product per block, a
    per-program bias, the top 10 by argpartition, in order."""
    items = ranker.pipeline.named_steps["similarity"].items_
    for stage, table in tables.items():
        programs = np.ascontiguousarray(items[table.columns].T)  # 6 x P, float32
        bias = nudges(table, "").astype(np.float32)
        vectors = found.vectors[found.stages == stage]
        for start in range(0, len(vectors), FLOOR_BLOCK):
            block = vectors[start : start + FLOOR_BLOCK]
            centred = block - block.mean(axis=1, keepdims=True)
            norms = np.linalg.norm(centred, axis=1, keepdims=True)
            shaped = (centred / np.maximum(norms, 1e-9)).astype(np.float32)
            scores = shaped @ programs + bias
            part = np.argpartition(scores, -10, axis=1)[:, -10:]
            order = np.argsort(-np.take_along_axis(scores, part, 1), axis=1)
            np.take_along_axis(part, order, 1)


def rows_text(first: int, last: int) -> bytes:
    """The range's stored rows, as COPY text (the floor writes the same bytes)."""
    columns = ", ".join(COLUMNS)
    target = StudentRecommendation._meta.db_table
    query = f"COPY (SELECT {columns} FROM {target} WHERE student_id BETWEEN {first} AND {last}) TO STDOUT"
    with connection.cursor() as c, c.cursor.copy(query) as copy:
        return b"".join(bytes(data) for data in copy)


def writing_floor(text: bytes) -> None:
    """COPY the rows into a temporary table of the recommendation table's columns, in its own transaction."""
    target = StudentRecommendation._meta.db_table
    with transaction.atomic(), connection.cursor() as c:
        c.execute(f"CREATE TEMP TABLE floor_rows (LIKE {target} INCLUDING DEFAULTS) ON COMMIT DROP")
        c.execute("ALTER TABLE floor_rows DROP COLUMN id")
        with c.cursor.copy(f"COPY floor_rows ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            copy.write(text)


@contextlib.contextmanager
def clock(total: Phases, key: str) -> Iterator[None]:
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    total.seconds[key] += time.perf_counter() - wall
    total.seconds[f"{key}_cpu"] += time.process_time() - cpu


def in_process(ranges: list[tuple[int, int]]) -> None:
    """Each range recomputed, then its floors, in the same run, on one BLAS thread."""
    version, ranker = ranker_get()
    graph = graph_get()
    assert graph is not None
    tables = {stage: program_table(graph, version, ranker, stage) for stage in ("junior", "secondary", "associate")}
    total, start = Phases(), time.perf_counter()
    with threadpool_limits(1):
        for first, last in ranges:
            result = recompute_range(first_user_id=first, last_user_id=last)
            total.students += result.students
            total.fallbacks += result.fallbacks
            for phase in ("query", "scoring", "writing"):
                total.seconds[phase] += getattr(result, f"{phase}_seconds")
                # nan where the recompute did not yet report its process time (before issue 18)
                total.seconds[f"{phase}_cpu"] += getattr(result, f"{phase}_cpu", float("nan"))
        # The floors after the whole recompute, each phase's in a loop of its own (their best case), on the same
        # students and the rows the recompute wrote.
        for first, last in ranges:
            found = eligible_students(first_user_id=first, last_user_id=last, only_stale=False, basis="")
            with clock(total, "floor_scoring"):
                scoring_floor(ranker, tables, found)
        for first, last in ranges:
            text = rows_text(first, last)
            with clock(total, "floor_writing"):
                writing_floor(text)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    t = total.seconds
    print(
        f"in-process, one BLAS thread: {total.students:,} rows in {len(ranges)} ranges of "
        f"{settings.RECOMPUTE_CHUNK_SIZE:,} ({seconds:.1f} s with the floors); {total.fallbacks:,} students ranked "
        f"again over every program or specialty; peak RSS {peak:.2f} GiB",
        flush=True,
    )
    print("| phase | recompute wall s | recompute process s | floor wall s | floor process s | ratio (process) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print(f"| eligibility query | {t['query']:.1f} | {t['query_cpu']:.1f} | | | |")
    for phase in ("scoring", "writing"):
        ratio = t[f"{phase}_cpu"] / max(t[f"floor_{phase}_cpu"], 1e-9)
        print(
            f"| {phase} | {t[phase]:.1f} | {t[f'{phase}_cpu']:.1f} | {t[f'floor_{phase}']:.1f} | "
            f"{t[f'floor_{phase}_cpu']:.1f} | {ratio:.2f}× (wall {t[phase] / max(t[f'floor_{phase}'], 1e-9):.2f}×) |",
            flush=True,
        )


def profile(ranges: list[tuple[int, int]]) -> None:
    from pyinstrument import Profiler

    recompute_range(first_user_id=ranges[0][0], last_user_id=ranges[0][1])  # the model, graph and tables loaded
    profiler = Profiler(interval=0.002)
    with threadpool_limits(1):
        profiler.start()
        for first, last in ranges[1:]:
            recompute_range(first_user_id=first, last_user_id=last)
        profiler.stop()
    print(profiler.output_text(unicode=False, color=False), flush=True)


class TreeMemory(threading.Thread):
    """The peak of the summed RSS of some processes and all their descendants, sampled from /proc."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.pids, self.peak, self.running = pids, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, sum(_rss(p) for pid in self.pids for p in _tree(pid)))
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


def queue_empty(broker: str) -> None:
    """Leftovers of an interrupted run, in our own Redis database or vhost only."""
    from kombu import Connection

    with Connection(broker) as conn, contextlib.suppress(Exception):
        conn.default_channel.queue_purge("recompute")


def with_workers(count: int, concurrency: int, broker: str) -> None:
    """`count` worker processes, each `-c concurrency`, each process on one BLAS thread: from enqueuing the recompute
    until its run is done."""
    from pathways.tasks import recompute_recommendations

    if ARGS.empty:
        table_empty()
    queue_empty(broker)
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker,
        "DATABASE_URL": DATABASE_URL,
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
    }
    logs = [ROOT / "bench" / "results" / f"city-{count}x{concurrency}-{n}.log" for n in range(count)]
    logs[0].parent.mkdir(parents=True, exist_ok=True)
    workers = []
    try:
        for n, log_path in enumerate(logs):
            with log_path.open("w") as log_file:
                workers.append(
                    subprocess.Popen(
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
                            f"city{count}-{n}-{os.getpid()}@%h",
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
                )
        memory = TreeMemory([w.pid for w in workers])
        memory.start()
        deadline = time.monotonic() + 120
        while not all(" ready." in p.read_text() for p in logs):
            if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
                raise RuntimeError("a worker did not start: see " + str(logs[0]))
            time.sleep(0.2)
        before = RecomputeRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        start = time.perf_counter()
        recompute_recommendations.delay(0)
        while True:
            run = RecomputeRun.objects.filter(pk__gt=before).order_by("pk").first()
            if run is not None and run.progress().finished:
                break
            if any(w.poll() is not None for w in workers):
                raise RuntimeError("a worker stopped")
            time.sleep(0.25)
        seconds = time.perf_counter() - start
        memory.running = False
        progress = run.progress()
    finally:
        for worker in workers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
    text = "".join(p.read_text() for p in logs)
    chunks = [
        {k: float(v) for k, v in re.findall(r"(\w+_(?:seconds|cpu))=([0-9.]+)", line)}
        for line in text.splitlines()
        if "RangeResult(" in line and "students=0" not in line
    ]
    per_chunk = sorted(sum(c[f"{p}_seconds"] for p in ("query", "scoring", "writing")) for c in chunks)
    sums = {p: sum(c[f"{p}_seconds"] for c in chunks) for p in ("query", "scoring", "writing")}
    cpus = {p: sum(c[f"{p}_cpu"] for c in chunks) for p in ("query", "scoring", "writing")}
    print(
        f"{count} worker{'s' if count > 1 else ''} × -c {concurrency}: {progress.students:,} rows in {seconds:.1f} s "
        f"({progress.students / seconds:,.0f} a second), {progress.done} chunks done, {progress.dropped} dropped; "
        f"peak summed RSS {memory.peak / 2**30:.2f} GiB; per chunk (wall) median {statistics.median(per_chunk):.2f} s, "
        f"fastest {per_chunk[0]:.2f} s, slowest {per_chunk[-1]:.2f} s; summed over chunks, wall: query "
        f"{sums['query']:.0f} s, scoring {sums['scoring']:.0f} s, writing {sums['writing']:.0f} s; process: query "
        f"{cpus['query']:.0f} s, scoring {cpus['scoring']:.0f} s, writing {cpus['writing']:.0f} s",
        flush=True,
    )


def main() -> None:
    print(
        f"PostgreSQL {DATABASE}, Python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} "
        f"cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, load average "
        f"{os.getloadavg()[0]:.1f}",
        flush=True,
    )
    catalog_ensure()
    students_ensure(ARGS.students)
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM auth_user WHERE username LIKE %s", [PREFIX + "%"])
        print(f"synthetic students: {c.fetchone()[0]:,}", flush=True)
    ranges = recompute_plan()
    if ARGS.profile:
        profile(ranges[: ARGS.profile + 1])
    if not ARGS.skip_inprocess:
        if ARGS.empty:
            table_empty()
        in_process(ranges[: ARGS.ranges] if ARGS.ranges else ranges)
    for count in ARGS.workers:
        with_workers(count, ARGS.concurrency, ARGS.broker)


if __name__ == "__main__":
    main()
