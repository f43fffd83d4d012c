"""Production gunicorn settings: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Sized for the 2-core production box and overridable by the environment:

    GUNICORN_BIND      where to listen (default 127.0.0.1:8000, behind the TLS-terminating proxy)
    GUNICORN_WORKERS   processes (default: 2 per core; a request is mostly Python on the CPU)
    GUNICORN_THREADS   threads per process (default 2: one can run while another waits on PostgreSQL or Redis)
    GUNICORN_TIMEOUT   seconds before a silent worker is killed and replaced (default 30)
    GUNICORN_MAX_REQUESTS  recycle a worker after this many requests (default 0: never; see below)

The sizes were chosen with the load test (bench/load/, results in docs/benchmarks.md).
"""

from __future__ import annotations

import logging
import multiprocessing
import os

from config.env import env_int, env_str

# config/wsgi.py falls back to the development settings; this file is for production only.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

bind = env_str("GUNICORN_BIND", "127.0.0.1:8000")
workers = env_int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count())
threads = env_int("GUNICORN_THREADS", 2)
worker_class = "gthread"
# Each thread holds its own PostgreSQL connection (CONN_MAX_AGE 60): workers x threads connections at most.

timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = env_int("GUNICORN_KEEPALIVE", 5)
# A recycled worker has to rebuild the route graph (about 0.6 s) before its next pathway or recommendation,
# so recycling is off unless memory growth is ever seen.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max(max_requests // 10, 0)

# No preload: every worker imports the app itself after the fork. Nothing (a PostgreSQL or Redis connection, the
# Celery producer) is ever shared across a fork, and `kill -HUP` reloads new code on deploy without dropping
# connections. Preloading would save little: the big objects (route graph, ranker) are built lazily per process.
preload_app = False

accesslog = "-"
errorlog = "-"
loglevel = env_str("GUNICORN_LOG_LEVEL", "info")
# Response time in ms (%(M)s) at the end, for the slow-request grep.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s "%(a)s" %(M)sms'

# The proxy on the same host sets X-Forwarded-Proto; only trust it from there (FORWARDED_ALLOW_IPS overrides).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn 27's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl), which a second server on the
# same host would take over; set GUNICORN_CONTROL_SOCKET to a path of this server's own to use `gunicornc`.
control_socket = env_str("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket


def post_worker_init(worker: object) -> None:
    """Build the route graph and load the ranker before the worker takes requests, so no student waits for it."""
    try:
        from django.db import connections

        from pathways.routes.graph import graph_get
        from recommender.artifacts import ranker_get

        graph_get()
        ranker_get()
        connections.close_all()
    except Exception:  # a cold worker is still a working worker: it builds them on its first request instead
        logging.getLogger("gunicorn.error").exception("Warm-up failed; the first request will build the graph.")
