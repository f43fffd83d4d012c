"""A private Redis and a real Celery worker for the fault tests.

`private_redis` is a redis-server of our own on a free port (the shared one on 6379 is never touched), which a test
may stop and start. `broker` points this process's Celery app and settings at it; `worker` runs
`celery -A config worker` as a subprocess on the same PostgreSQL test database and artifact folder, with short
timeouts so the faults play out in seconds.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu import pools as kombu_pools

from config.celery import app as celery_app
from pathways.models import FormVersion, QuizAttempt
from pathways.queueing import _redis
from pathways.quiz.services import answers_check, quiz_attempt_save
from tests.factories import student_account

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], object], timeout: float, what: str, every: float = 0.1) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class PrivateRedis:
    def __init__(self, folder: Path) -> None:
        self.port = _free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, 10, "the private redis-server")

    def stop(self) -> None:
        """Stop it as an outage would: the queue's contents are lost with it (no persistence)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def ping(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, db=db, socket_timeout=2, socket_connect_timeout=1)


@pytest.fixture(scope="session")
def private_redis() -> Iterator[PrivateRedis]:
    folder = Path(tempfile.mkdtemp(prefix="zhitu-redis-"))
    server = PrivateRedis(folder)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def _reset_producers() -> None:
    """Forget every broker connection: kombu keeps its pools in global registries keyed by URL, so a pool closed here
    would otherwise be handed out again to the next test on the same private Redis."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu_pools.reset()


@pytest.fixture
def broker(private_redis: PrivateRedis, settings) -> Iterator[PrivateRedis]:
    """This process publishes to the private Redis (emptied first) instead of running tasks in-process."""
    if not private_redis.ping():
        private_redis.start()
    private_redis.client().flushall()
    settings.CELERY_BROKER_URL = private_redis.url
    saved = {"broker_url": celery_app.conf.broker_url, "task_always_eager": celery_app.conf.task_always_eager}
    celery_app.conf.update(broker_url=private_redis.url, task_always_eager=False)
    _reset_producers()
    yield private_redis
    celery_app.conf.update(**saved)
    _reset_producers()
    _redis.cache_clear()


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgresql://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """`celery -A config worker` on all three queues, in its own process group so it can be killed whole."""

    def __init__(self, broker_url: str, folder: Path, beat: bool, env: dict[str, str]) -> None:
        self.broker_url, self.folder, self.beat, self.extra = broker_url, folder, beat, env
        self.log = folder / "worker.log"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DEBUG": "0",
            "SECRET_KEY": settings.SECRET_KEY,
            "DATABASE_URL": _database_url(),
            "RECOMMENDER_ARTIFACT_DIR": settings.RECOMMENDER_ARTIFACT_DIR,
            "CELERY_BROKER_URL": self.broker_url,
            "REDIS_URL": self.broker_url.replace("/0", "/1"),
            "TASK_VISIBILITY_TIMEOUT": "10",
            "TASK_RESTORE_INTERVAL": "1",
            "TASK_MAX_DELIVERIES": "3",
            "TASK_DB_RETRIES": "8",
            "TASK_RETRY_BACKOFF": "1",
            "TASK_RETRY_BACKOFF_MAX": "4",
            "RECOMPUTE_CHUNK_SIZE": "10",
            "RECOMPUTE_STALE_EVERY": "3",
            "RECOMMENDER_POINTER_TTL": "2",
            **self.extra,
        }

    def start(self) -> None:
        self.starts += 1
        command = [
            CELERY,
            "-A",
            "config",
            "worker",
            "-Q",
            "interactive,recompute,train",
            "-c",
            "2",
            "-l",
            "info",
            "-n",
            f"reliability-{uuid.uuid4().hex[:8]}@%h",
            "--without-mingle",
            "--without-gossip",
            "-I",
            "tests.reliability.poison",
        ]
        if self.beat:
            command += ["-B", "-s", str(self.folder / f"beat-{self.starts}")]
        with self.log.open("a") as log:
            log.write(f"\n===== start {self.starts} at {timezone.now():%H:%M:%S.%f} =====\n")
        offset = len(self.output())
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.environment(),
            start_new_session=True,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: " ready." in self.output()[offset:] or self.dead(), 60, "the worker to be ready")
        assert not self.dead(), self.log.read_text()[-3000:]

    def dead(self) -> bool:
        return self.process is None or self.process.poll() is not None

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool): nothing is acknowledged or put back on the way out."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if not self.dead():  # at teardown: quick, and the private Redis is emptied before the next test anyway
            self.kill()

    def output(self) -> str:
        return self.log.read_text()


@pytest.fixture
def start_worker(
    broker: PrivateRedis, demo_data: None, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Worker]]:
    """Start a worker on the private broker (with the beat schedule when asked); stopped before the tables empty.

    When the test fails, the end of the workers' log is printed, so CI shows what the worker did."""
    folder = Path(tempfile.mkdtemp(prefix="zhitu-worker-"))
    workers: list[Worker] = []

    def start(*, beat: bool = False, **env: str) -> Worker:
        worker = Worker(broker.url, folder, beat, env)
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    if getattr(request.node, "failed_call", False) and workers:
        print(f"----- worker log ({workers[0].log}) -----\n{workers[0].output()[-12000:]}")
    shutil.rmtree(folder, ignore_errors=True)


BY_AREA = (
    {"R": 5, "I": 4, "A": 1, "S": 2, "E": 2, "C": 3},
    {"R": 1, "I": 2, "A": 5, "S": 4, "E": 3, "C": 1},
    {"R": 2, "I": 5, "A": 3, "S": 1, "E": 2, "C": 4},
)


def students(count: int, prefix: str) -> list[QuizAttempt]:
    """`count` consenting 16-year-olds who each saved one quick quiz (three interest shapes, in turn)."""
    form = FormVersion.objects.get(kind="quick", is_current=True)
    items = list(form.items.all())
    attempts = []
    for n in range(count):
        student = student_account(f"{prefix}{n}")
        answers = [(i.item_id, BY_AREA[n % 3][i.area]) for i in items]
        sheet = answers_check(kind="quick", version_number=form.number, answers=answers)
        attempts.append(quiz_attempt_save(student=student, sheet=sheet))
    return attempts
