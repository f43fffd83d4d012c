"""Both brokers, a private Redis and a real Celery worker for the fault tests.

`private_redis` is a redis-server of our own on a free port (the shared one on 6379 is never touched), which a test
may stop and start: the cache (db 1) on both brokers. `broker` runs each test twice, `[redis]` with the private Redis
as the broker too (db 0), and `[rabbitmq]` on a vhost of its own on the machine's RabbitMQ, made for the test and
deleted after it; it points this process's Celery app and settings at that broker. `start_worker` runs
`celery -A config worker` as a subprocess on the same broker, PostgreSQL test database and artifact folder, with short
timeouts so the faults play out in seconds.
"""

from __future__ import annotations

import functools
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.utils import timezone
from kombu import Connection, Queue
from kombu import pools as kombu_pools

from config.celery import app as celery_app
from pathways.models import FormVersion, QuizAttempt
from pathways.queueing import _redis
from pathways.quiz.services import answers_check, quiz_attempt_save
from tests.factories import student_account

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
RABBITMQ = ("127.0.0.1", 5672)  # the machine's RabbitMQ (guest may sign in from this machine only)


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


class CuttableLink:
    """A TCP proxy from a port of its own to `target`. `cut` closes its listener and every connection through it, as an
    outage looks to the clients (refused, and cut off); `restore` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = _free_port()
        self.thread: threading.Thread | None = None
        self.cutting = False

    def restore(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port))  # SO_REUSEADDR: the same port again at once
        listener.setblocking(False)
        self.cutting = False
        self.thread = threading.Thread(target=self._serve, args=(listener,), daemon=True)
        self.thread.start()

    def cut(self) -> None:
        if self.thread is not None:
            self.cutting = True
            self.thread.join(10)
            self.thread = None

    def _serve(self, listener: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(listener, selectors.EVENT_READ)
        peers: dict[socket.socket, socket.socket] = {}
        try:
            while not self.cutting:
                for key, _events in selector.select(0.05):
                    if key.fileobj is listener:
                        self._accept(listener, selector, peers)
                    elif key.fileobj in peers:
                        self._forward(key.fileobj, selector, peers)  # type: ignore[arg-type]
        finally:
            for sock in [listener, *peers]:
                sock.close()
            selector.close()

    def _accept(self, listener: socket.socket, selector: selectors.BaseSelector, peers: dict) -> None:
        try:
            client, _address = listener.accept()
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            return
        for sock in (client, upstream):
            sock.setblocking(True)
            selector.register(sock, selectors.EVENT_READ)
        peers[client], peers[upstream] = upstream, client

    def _forward(self, sock: socket.socket, selector: selectors.BaseSelector, peers: dict) -> None:
        other = peers[sock]
        try:
            data = sock.recv(65536)
            if data:
                other.sendall(data)
                return
        except OSError:
            pass
        for end in (sock, other):  # one side closed: close the other, as a direct connection would be
            selector.unregister(end)
            peers.pop(end)
            end.close()


class Broker:
    """The broker a test runs on, and what the test needs of it: to look at its queues and to take it away.

    The private Redis is the cache (db 1) whatever the broker, as REDIS_URL is in production."""

    name = ""

    def __init__(self, redis_server: PrivateRedis) -> None:
        self.redis = redis_server
        self.cache_url = f"redis://127.0.0.1:{redis_server.port}/1"
        self.url = ""

    def caches(self) -> dict:
        """A CACHES setting for the cache the worker uses, failing soft within half a second."""
        options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        backend = "config.cache.FailSoftRedisCache"
        return {"default": {"BACKEND": backend, "LOCATION": self.cache_url, "OPTIONS": options}}

    def deliveries(self, task_id: str) -> int:
        """How often the worker counted a delivery of the task (pathways.queueing: in the cache, unless Redis)."""
        return int(RedisCache(self.cache_url, {}).get(f"zhitu:task-deliveries:{task_id}:0") or 0)

    def counts(self, queue: str) -> tuple[int, int]:
        """(messages waiting in `queue`, messages delivered and not yet acknowledged)."""
        raise NotImplementedError

    def idle(self, queue: str) -> bool:
        return self.counts(queue) == (0, 0)

    def next_task(self, queue: str) -> str:
        """The task name of the message `queue` delivers next (left in the queue)."""
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class RedisBroker(Broker):
    """The private Redis as the broker too (db 0): an outage stops the server, and takes the cache with it."""

    name = "redis"

    def __init__(self, redis_server: PrivateRedis) -> None:
        super().__init__(redis_server)
        self.url = redis_server.url
        self.client = redis_server.client

    def deliveries(self, task_id: str) -> int:
        return int(self.client().get(f"zhitu:task-deliveries:{task_id}:0") or 0)

    def counts(self, queue: str) -> tuple[int, int]:
        """Kombu keeps every queue's unacknowledged messages in one `unacked` hash."""
        return self.client().llen(queue), self.client().hlen("unacked")

    def next_task(self, queue: str) -> str:
        return json.loads(self.client().lindex(queue, -1))["headers"]["task"]  # LPUSH in, BRPOP out

    def stop(self) -> None:
        self.redis.stop()

    def start(self) -> None:
        self.redis.start()


def _rabbitmqctl(*args: str) -> str:
    done = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"rabbitmqctl {' '.join(args)}: {done.stderr or done.stdout}"
    return done.stdout


class RabbitBroker(Broker):
    """A vhost of its own on the machine's RabbitMQ, deleted after the test (no other vhost is touched). The server is
    shared, so an outage is a cut of the link to it: with `cuttable`, this process and the worker reach RabbitMQ through
    a CuttableLink."""

    name = "rabbitmq"

    def __init__(self, redis_server: PrivateRedis, *, cuttable: bool) -> None:
        super().__init__(redis_server)
        self.vhost = f"zhitu-test-{uuid.uuid4().hex[:12]}"
        _rabbitmqctl("add_vhost", self.vhost)
        _rabbitmqctl("set_permissions", "-p", self.vhost, "guest", ".*", ".*", ".*")
        self.link = CuttableLink(RABBITMQ) if cuttable else None
        port = RABBITMQ[1]
        if self.link is not None:
            self.link.restore()
            port = self.link.port
        self.url = f"amqp://guest:guest@127.0.0.1:{port}/{self.vhost}"

    def counts(self, queue: str) -> tuple[int, int]:
        """From the broker itself (a queue not yet declared has no messages)."""
        listing = _rabbitmqctl(
            "list_queues", "-p", self.vhost, "--no-table-headers", "name", "messages_ready", "messages_unacknowledged"
        )
        for line in listing.splitlines():
            name, ready, unacked = line.split("\t")
            if name == queue:
                return int(ready), int(unacked)
        return 0, 0

    def next_task(self, queue: str) -> str:
        with Connection(self.url, connect_timeout=5) as conn:  # unacknowledged: back in the queue when this closes
            message = Queue(queue, no_declare=True)(conn.default_channel).get(no_ack=False)
            return message.headers["task"]

    def stop(self) -> None:
        assert self.link is not None, "mark the test broker_outage: RabbitMQ is shared, so only a link can be cut"
        self.link.cut()

    def start(self) -> None:
        assert self.link is not None
        self.link.restore()

    def close(self) -> None:
        if self.link is not None:
            self.link.cut()
        _rabbitmqctl("delete_vhost", self.vhost)


@functools.cache
def _rabbitmq_missing() -> str:
    """Why RabbitMQ cannot be used here, or "" when it can."""
    if shutil.which("rabbitmqctl") is None:
        return "rabbitmqctl is not installed"
    try:
        socket.create_connection(RABBITMQ, timeout=2).close()
    except OSError:
        return f"RabbitMQ is not listening on {RABBITMQ[0]}:{RABBITMQ[1]}"
    return ""


def _reset_producers() -> None:
    """Forget every broker connection: kombu keeps its pools in global registries keyed by URL, so a pool closed here
    would otherwise be handed out again to the next test on the same private Redis."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu_pools.reset()


@pytest.fixture(params=["redis", "rabbitmq"])
def broker(request: pytest.FixtureRequest, private_redis: PrivateRedis, settings) -> Iterator[Broker]:
    """Each test runs on both brokers: this process publishes to the test's broker (empty at the start) instead of
    running tasks in-process, with the broker options production uses for it. Without RabbitMQ its half is skipped,
    except on CI, where it fails."""
    if request.param == "rabbitmq" and _rabbitmq_missing():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs RabbitMQ: {_rabbitmq_missing()}")
        pytest.skip(_rabbitmq_missing())
    if not private_redis.ping():
        private_redis.start()
    private_redis.client().flushall()
    if request.param == "redis":
        chosen: Broker = RedisBroker(private_redis)
        options = settings.REDIS_BROKER_OPTIONS
    else:
        cuttable = request.node.get_closest_marker("broker_outage") is not None
        chosen = RabbitBroker(private_redis, cuttable=cuttable)
        options = settings.AMQP_BROKER_OPTIONS
    settings.CELERY_BROKER_URL = chosen.url
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager", "broker_transport_options")}
    celery_app.conf.update(broker_url=chosen.url, task_always_eager=False, broker_transport_options=options)
    _reset_producers()
    try:
        yield chosen
    finally:
        celery_app.conf.update(**saved)
        _reset_producers()
        _redis.cache_clear()
        chosen.close()


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgresql://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """`celery -A config worker` on all three queues, in its own process group so it can be killed whole."""

    def __init__(self, broker: Broker, folder: Path, beat: bool, env: dict[str, str]) -> None:
        self.broker, self.folder, self.beat, self.extra = broker, folder, beat, env
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
            "CELERY_BROKER_URL": self.broker.url,
            "REDIS_URL": self.broker.cache_url,
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
        if not self.dead():  # at teardown: quick, and the next test has an empty broker anyway
            self.kill()

    def output(self) -> str:
        return self.log.read_text()


@pytest.fixture
def start_worker(broker: Broker, demo_data: None, request: pytest.FixtureRequest) -> Iterator[Callable[..., Worker]]:
    """Start a worker on the test's broker (with the beat schedule when asked); stopped before the tables empty.

    When the test fails, the end of the workers' log is printed, so CI shows what the worker did."""
    folder = Path(tempfile.mkdtemp(prefix="zhitu-worker-"))
    workers: list[Worker] = []

    def start(*, beat: bool = False, **env: str) -> Worker:
        worker = Worker(broker, folder, beat, env)
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
