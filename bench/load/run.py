"""Load test (issue 7): students taking the quiz and reading recommendations, against gunicorn on loopback.

1. Prepares the PostgreSQL database `zhitu_load` (created if missing): migrate, `load_demo --no-users`, and the load
   students `load_student_001`… (each with consent on record, a profile and one saved quick-quiz attempt).
2. Starts gunicorn with config/gunicorn.conf.py under the production settings (a generated SECRET_KEY, Redis DB 3 for
   the cache and the Celery broker, plain HTTP on loopback with SECURE_SSL_REDIRECT=0).
3. Runs locust headless (bench/load/locustfile.py), then prints requests, throughput, errors and p50/p95/p99 per
   endpoint, and the server's CPU per request two ways: the workers' total user + system time over the window divided
   by the requests (from /proc), and the median (p95, mean) of each request's own CPU time, which
   bench/load/gunicorn.conf.py measures on the thread that served it. `--runs N` repeats the measured window N times
   against the same server and prints the median of the runs. Then it stops gunicorn.

The clock starts once every user has signed in (the locustfile resets the stats then): `--duration` seconds of steady
load are measured, the sign-ins (0.3 s of password hashing each) are not.

Usage (needs the `bench` extra, PostgreSQL and Redis on 127.0.0.1):
    .venv/bin/python bench/load/run.py                          # 50 thinking students for 60 s
    .venv/bin/python bench/load/run.py --capacity --users 20    # no think time, throttles raised
    .venv/bin/python bench/load/run.py --skip-setup --capacity --users 10 --runs 3   # three windows, their medians
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import secrets
import signal
import statistics
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
VENV = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "results" / "load"
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/zhitu_load"
REDIS_URL = "redis://127.0.0.1:6379/3"
PASSWORD = "zhitu-load-2026"
# Raised for the capacity run, so it measures the server rather than the throttles (see docs/benchmarks.md).
CAPACITY_THROTTLES = {"THROTTLE_RATES": "anon=100000/min,user=100000/min,quiz=100000/min,recommendations=100000/min"}


def secret_key() -> str:
    """One key for the setup and the server: model artifacts are signed with it, and another key refuses them."""
    path = RESULTS / "secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text()


def base_env() -> dict[str, str]:
    artifacts = str(ROOT / "var" / "load" / "models")  # not var/models: those are signed with another key
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "RECOMMENDER_ARTIFACT_DIR": artifacts,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": secret_key(),
    }


def prod_env(port: int, capacity: bool) -> dict[str, str]:
    env = {
        **base_env(),
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    return {**env, **(CAPACITY_THROTTLES if capacity else {})}


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([str(VENV / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True)


def database_create() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'zhitu_load'").fetchone():
            conn.execute("CREATE DATABASE zhitu_load")


STUDENTS_SCRIPT = """
import random, sys
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.utils import timezone
from pathways.quiz import services as quiz
from pathways.students.consent import student_register
from django.core.management import call_command
from pathways.models import QuizAttempt, StudentProfile
from recommender.artifacts import ArtifactError, ranker_get
try:
    ranker_get()
except ArtifactError:  # trained under another SECRET_KEY: train one signed with this run's key
    call_command("train_recommender", force=True)
count, password = int(sys.argv[1]), sys.argv[2]
version = quiz.current_version(kind="quick")
for n in range(1, count + 1):
    name = f"load_student_{n:03d}"
    if QuizAttempt.objects.filter(student__username=name).exists():
        continue
    rng = random.Random(name)
    user = User.objects.filter(username=name).first() or student_register(
        username=name, password=None, birth_year=timezone.localdate().year - 17, birth_month=rng.randint(1, 12))
    StudentProfile.objects.filter(user=user).update(stage="junior", district="万州区")
    answers = [(i.item_id, rng.randint(1, 5)) for i in version.items.all()]
    sheet = quiz.answers_check(kind="quick", version_number=version.number, answers=answers, duration_seconds=240)
    quiz.quiz_attempt_save(student=user, sheet=sheet)
# One hash for all: hashing takes 0.3 s, and these accounts exist only in the load database.
User.objects.filter(username__startswith="load_student_").update(password=make_password(password))
print(User.objects.filter(username__startswith="load_student_").count(), "load students")
"""


def prepare(students: int) -> None:
    database_create()
    env = base_env()
    manage("migrate", "-v0", env=env)
    manage("load_demo", "--no-users", env=env)
    code = f"import sys; sys.argv = ['', '{students}', '{PASSWORD}']; exec({STUDENTS_SCRIPT!r})"
    manage("shell", "-c", code, env=env)


def gunicorn_start(env: dict[str, str], port: int, log: Path, request_cpu: Path) -> subprocess.Popen:
    manage("collectstatic", "--noinput", "-v0", env=env)  # the manifest storage needs it
    request_cpu.mkdir(exist_ok=True)
    for old in request_cpu.glob("request-cpu-*.txt"):
        old.unlink()
    # The production settings, plus each request's CPU time written to `request_cpu` (bench/load/gunicorn.conf.py).
    command = [str(VENV / "gunicorn"), "-c", "bench/load/gunicorn.conf.py", "config.wsgi"]
    env = {**env, "LOAD_REQUEST_CPU_DIR": str(request_cpu)}
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2) as response:
                if response.status == 200:
                    time.sleep(3)  # every worker warms its route graph before taking requests
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer on port {port}; see {log}")


def locust_run(args: argparse.Namespace, prefix: Path, server: subprocess.Popen) -> None:
    command = [
        str(VENV / "locust"),
        "-f",
        str(ROOT / "bench" / "load" / "locustfile.py"),
        "--headless",
        "-u",
        str(args.users),
        "-r",
        str(args.spawn_rate),
        "-t",
        f"{args.duration + 180}s",
        "--host",
        f"http://127.0.0.1:{args.port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "10",
        "EagerStudent" if args.capacity else "Student",
    ]
    env = {
        **os.environ,
        "LOAD_STUDENTS": str(args.students),
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_DURATION": str(args.duration),
        "LOAD_SERVER_PID": str(server.pid),
        "LOAD_CPU_FILE": f"{prefix}_cpu.json",
    }
    subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL)


@dataclass
class Window:
    """One measured window: its throughput, latency and the server's CPU per request."""

    requests: int
    per_second: float
    p50: float
    p95: float
    p99: float
    cpu_total_ms: float  # the workers' user + system time over the window, divided by the requests
    cpu_median_ms: float  # the median of each request's own CPU time (its thread's, from pre to post request)
    cpu_p95_ms: float
    cpu_mean_ms: float
    cores: float  # cores the server kept busy


def request_cpu_lines(folder: Path, start: float, end: float) -> list[tuple[float, str]]:
    """(CPU ms, endpoint) of every request the server finished inside the window; ids in paths become <id>."""
    lines = []
    for path in folder.glob("request-cpu-*.txt"):
        for line in path.read_text().splitlines():
            epoch, cpu_ms, method, url = line.split(" ", 3)
            if start <= float(epoch) <= end:
                lines.append((float(cpu_ms), f"{method} {re.sub(r'/[0-9]+/', '/<id>/', url)}"))
    return lines


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def report(prefix: Path, request_cpu: Path) -> Window:
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    if not Path(f"{prefix}_cpu.json").exists():
        raise SystemExit("The measured window never started: a user failed to sign in (see locust's output).")
    cpu = json.loads(Path(f"{prefix}_cpu.json").read_text())
    lines = request_cpu_lines(request_cpu, cpu["epoch_start"], cpu["epoch_end"])
    by_endpoint: dict[str, list[float]] = {}
    for cpu_ms, endpoint in lines:
        by_endpoint.setdefault(endpoint, []).append(cpu_ms)
    print("\n| endpoint | requests | req/s | errors | p50 ms | p95 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    total = {}
    for row in (r for r in rows if r["Request Count"] != "0"):  # the sign-in requests came before the window
        if not row["Type"]:
            total = row
        name = row["Name"] if row["Type"] else "**all**"  # the names carry their method already
        print(
            f"| {name} | {row['Request Count']} | {float(row['Requests/s']):.1f} | "
            f"{row['Failure Count']} | {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    print("\n| endpoint (server) | requests | CPU median ms | CPU p95 ms |")
    print("| --- | ---: | ---: | ---: |")
    for endpoint, values in sorted(by_endpoint.items()):
        print(f"| {endpoint} | {len(values)} | {statistics.median(values):.1f} | {percentile(values, 0.95):.1f} |")
    every = [cpu_ms for cpu_ms, _endpoint in lines]
    window = Window(
        requests=cpu["requests"],
        per_second=float(total.get("Requests/s", 0)),
        p50=float(total.get("50%", 0)),
        p95=float(total.get("95%", 0)),
        p99=float(total.get("99%", 0)),
        cpu_total_ms=cpu["server_cpu_seconds"] * 1000 / max(cpu["requests"], 1),
        cpu_median_ms=statistics.median(every) if every else 0.0,
        cpu_p95_ms=percentile(every, 0.95),
        cpu_mean_ms=statistics.fmean(every) if every else 0.0,
        cores=cpu["server_cpu_seconds"] / cpu["wall_seconds"],
    )
    print(
        f"\nserver CPU: {cpu['server_cpu_seconds']:.1f} s in {cpu['wall_seconds']:.0f} s for {cpu['requests']} "
        f"requests: {window.cpu_total_ms:.1f} ms a request (workers' total), {window.cores:.2f} cores busy; "
        f"each request's own: median {window.cpu_median_ms:.1f} ms, p95 {window.cpu_p95_ms:.1f} ms, "
        f"mean {window.cpu_mean_ms:.1f} ms ({len(every)} requests)"
    )
    failures = Path(f"{prefix}_failures.csv").read_text().strip().splitlines()[1:]
    for line in failures:
        print("failure:", line)
    return window


def medians(windows: list[Window]) -> None:
    """The median of each figure over the runs (each figure on its own)."""
    print(f"\nmedian of {len(windows)} runs:")
    for name in Window.__dataclass_fields__:
        values = [getattr(w, name) for w in windows]
        print(f"  {name}: {statistics.median(values):.2f}  (runs: {', '.join(f'{v:.2f}' for v in values)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds of steady load, after every user signed in")
    parser.add_argument("--spawn-rate", type=int, default=5)
    parser.add_argument("--students", type=int, default=60, help="load students to create (at least --users)")
    parser.add_argument("--port", type=int, default=8031)
    parser.add_argument("--capacity", action="store_true", help="no think time, throttles raised")
    parser.add_argument("--skip-setup", action="store_true", help="the database is already prepared")
    parser.add_argument("--runs", type=int, default=1, help="measured windows against the same server")
    args = parser.parse_args()
    if args.students < args.users:
        parser.error("--students must be at least --users: every user signs in as its own student")
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not args.skip_setup:
        prepare(args.students)
    label = f"{'capacity' if args.capacity else 'students'}-{args.users}u"
    env = prod_env(args.port, args.capacity)
    request_cpu = RESULTS / f"{label}-request-cpu"
    server = gunicorn_start(env, args.port, RESULTS / f"{label}-gunicorn.log", request_cpu)
    windows = []
    try:
        sizes = f"{os.environ.get('GUNICORN_WORKERS', 'default')} x {os.environ.get('GUNICORN_THREADS', 'default')}"
        print(f"gunicorn workers x threads: {sizes}; locust: {args.users} users, {label}")
        for run in range(1, args.runs + 1):
            before = os.getloadavg()[0]
            locust_run(args, RESULTS / label, server)
            # Other work on the machine takes CPU from the server too: say how busy it was.
            after = os.getloadavg()[0]
            cores = os.cpu_count()
            print(f"\nrun {run}: load average (1 min) {before:.1f} before, {after:.1f} after, on {cores} cores")
            windows.append(report(RESULTS / label, request_cpu))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=40)
    if len(windows) > 1:
        medians(windows)


if __name__ == "__main__":
    main()
