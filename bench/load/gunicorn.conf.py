"""The production gunicorn settings (config/gunicorn.conf.py), plus each request's CPU time, for the load test.

gthread runs a request from `pre_request` to `post_request` on one thread of the worker's pool, so the difference of
`time.thread_time()` between the two is the CPU that request took on the server: parsing it into a WSGI environ,
the whole Django handling (middleware, view, template, the database and Redis clients' own work), writing the
response and the access log line. Not in it: reading the request line and headers, keep-alive and the worker's main
thread (accepting connections, heartbeats); bench/load/run.py reports the workers' total CPU as well.

Each worker appends `<epoch seconds> <CPU ms> <method> <path>` lines to its own file in LOAD_REQUEST_CPU_DIR.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from runpy import run_path
from typing import Any

_production = run_path(str(Path(__file__).resolve().parent.parent.parent / "config" / "gunicorn.conf.py"))
globals().update({name: value for name, value in _production.items() if not name.startswith("__")})

_started = threading.local()
_files: dict[int, int] = {}


def _file() -> int:
    """This worker's file, opened for appending: one write per line, which the kernel appends whole."""
    pid = os.getpid()
    if pid not in _files:
        folder = Path(os.environ.get("LOAD_REQUEST_CPU_DIR", "/tmp"))
        _files[pid] = os.open(folder / f"request-cpu-{pid}.txt", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    return _files[pid]


def pre_request(worker: object, req: Any) -> None:
    _started.cpu = time.thread_time()


def post_request(worker: object, req: Any, environ: dict, resp: object) -> None:
    cpu_ms = (time.thread_time() - _started.cpu) * 1000
    os.write(_file(), f"{time.time():.3f} {cpu_ms:.3f} {req.method} {req.path}\n".encode())
