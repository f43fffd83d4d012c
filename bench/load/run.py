"""Load test (issue 7): students taking the quiz and reading recommendations, against gunicorn on loopback.

1. Prepares the PostgreSQL database `zhitu_load` (created if missing): migrate, `load_demo --no-users`, and the load
   students `load_student_001`… (each with consent on record, a profile and one saved quick-quiz attempt).
2. Starts gunicorn with config/gunicorn.conf.py under the production settings (a generated SECRET_KEY, Redis DB 3 for
   the cache and the Celery broker, plain HTTP on loopback with SECURE_SSL_REDIRECT=0).
3. Runs locust headless (bench/load/locustfile.py), then prints requests, throughput, errors and p50/p95/p99 per
   endpoint, and stops gunicorn.

The clock starts once every user has signed in (the locustfile resets the stats then): `--duration` seconds of steady
load are measured, the sign-ins (0.3 s of password hashing each) are not.

Usage (needs the `bench` extra, PostgreSQL and Redis on 127.0.0.1):
    .venv/bin/python bench/load/run.py                          # 50 thinking students for 60 s
    .venv/bin/python bench/load/run.py --capacity --users 20    # no think time, throttles raised
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import time
import urllib.request
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


def gunicorn_start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    manage("collectstatic", "--noinput", "-v0", env=env)  # the manifest storage needs it
    command = [str(VENV / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"]
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


def report(prefix: Path, duration: int) -> None:
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    print("\n| endpoint | requests | req/s | errors | p50 ms | p95 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in (r for r in rows if r["Request Count"] != "0"):  # the sign-in requests came before the window
        name = row["Name"] if row["Type"] else "**all**"
        print(
            f"| {row['Type']} {name} | {row['Request Count']} | {float(row['Requests/s']):.1f} | "
            f"{row['Failure Count']} | {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    if not Path(f"{prefix}_cpu.json").exists():
        raise SystemExit("The measured window never started: a user failed to sign in (see locust's output).")
    cpu = json.loads(Path(f"{prefix}_cpu.json").read_text())
    per_request = cpu["server_cpu_seconds"] * 1000 / max(cpu["requests"], 1)
    busy = cpu["server_cpu_seconds"] / cpu["wall_seconds"]
    print(
        f"\nserver CPU: {cpu['server_cpu_seconds']:.1f} s in {cpu['wall_seconds']:.0f} s for {cpu['requests']} "
        f"requests: {per_request:.1f} ms a request, {busy:.2f} cores busy"
    )
    failures = Path(f"{prefix}_failures.csv").read_text().strip().splitlines()[1:]
    for line in failures:
        print("failure:", line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds of steady load, after every user signed in")
    parser.add_argument("--spawn-rate", type=int, default=5)
    parser.add_argument("--students", type=int, default=60, help="load students to create (at least --users)")
    parser.add_argument("--port", type=int, default=8031)
    parser.add_argument("--capacity", action="store_true", help="no think time, throttles raised")
    parser.add_argument("--skip-setup", action="store_true", help="the database is already prepared")
    args = parser.parse_args()
    if args.students < args.users:
        parser.error("--students must be at least --users: every user signs in as its own student")
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not args.skip_setup:
        prepare(args.students)
    label = f"{'capacity' if args.capacity else 'students'}-{args.users}u"
    env = prod_env(args.port, args.capacity)
    server = gunicorn_start(env, args.port, RESULTS / f"{label}-gunicorn.log")
    try:
        sizes = f"{os.environ.get('GUNICORN_WORKERS', 'default')} x {os.environ.get('GUNICORN_THREADS', 'default')}"
        print(f"gunicorn workers x threads: {sizes}; locust: {args.users} users, {label}")
        before = os.getloadavg()[0]
        locust_run(args, RESULTS / label, server)
        # Other work on the machine takes CPU from the server too: say how busy it was.
        print(f"load average (1 min): {before:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=40)
    report(RESULTS / label, args.duration)


if __name__ == "__main__":
    main()
