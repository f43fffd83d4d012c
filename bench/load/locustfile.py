"""Students taking the quiz and reading their recommendations, against gunicorn on loopback.

Each locust user signs in as its own student (`load_student_NNN`, made by bench/load/run.py) and then, like a student
on a phone, either takes the quick quiz again (score it, then save it) or reads their recommendations (their saved
attempt and a recommendation request through the API, and the HTML recommendations page).

`Student` thinks between actions (2-8 s), which keeps a student inside the API throttles; `EagerStudent` does not
think at all, for the capacity run. Run through bench/load/run.py, which prepares the database and the server.

The server runs the production settings over plain HTTP: its session and CSRF cookies are marked Secure, which an
HTTP client will not send back, so each user sends them itself in a Cookie header.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import random
import time
from pathlib import Path

import gevent
from locust import HttpUser, between, constant, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "zhitu-load-2026")
STUDENTS = int(os.environ.get("LOAD_STUDENTS", "60"))
# Seconds measured after the last user has signed in; 0 leaves the stopping to locust's own --run-time.
DURATION = int(os.environ.get("LOAD_DURATION", "0"))
# The gunicorn master: its workers' CPU time over the measured window is written to LOAD_CPU_FILE.
SERVER_PID = int(os.environ.get("LOAD_SERVER_PID", "0"))
CPU_FILE = os.environ.get("LOAD_CPU_FILE", "")
_numbers = itertools.count(1)
_signed_in = itertools.count(1)


def _next_username() -> str:
    number = next(_numbers)  # locust users are greenlets in one thread: no lock needed
    if number > STUDENTS:
        raise RuntimeError(f"more locust users than the {STUDENTS} load students: raise --students in run.py")
    return f"load_student_{number:03d}"


def _server_cpu_seconds() -> float:
    """User + system CPU of the gunicorn workers so far (they live for the whole run: no recycling)."""
    if not SERVER_PID:
        return 0.0
    children = Path(f"/proc/{SERVER_PID}/task/{SERVER_PID}/children").read_text().split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _stop(runner: object, cpu_start: float, wall_start: float, epoch_start: float) -> None:
    if CPU_FILE:
        requests = runner.stats.total.num_requests  # type: ignore[attr-defined]
        cpu = _server_cpu_seconds() - cpu_start
        window = {
            "server_cpu_seconds": cpu,
            "wall_seconds": time.monotonic() - wall_start,
            "requests": requests,
            # The window in wall-clock time, to pick the server's per-request CPU lines (bench/load/gunicorn.conf.py).
            "epoch_start": epoch_start,
            "epoch_end": time.time(),
        }
        Path(CPU_FILE).write_text(json.dumps(window))
    runner.quit()  # type: ignore[attr-defined]


class Student(HttpUser):
    wait_time = between(2, 8)

    def on_start(self) -> None:
        self.username = _next_username()
        self.rng = random.Random(self.username)
        self._sign_in()
        forms = self.client.get("/api/v1/quiz/forms/", name="GET /api/v1/quiz/forms/").json()
        self.quick = next(f for f in forms["results"] if f["form"] == "quick")
        # The server times the quiz from this signed start (valid 6 hours); a client's own duration is refused.
        self.started = forms["started"]
        attempts = self.client.get("/api/v1/quiz/attempts/", name="GET /api/v1/quiz/attempts/").json()
        self.attempt_id = attempts["results"][0]["id"]
        self._measure_from_here_when_all_signed_in()

    def _measure_from_here_when_all_signed_in(self) -> None:
        """Sign-ins (0.3 s of password hashing each) are not part of the steady load: reset the stats after the last."""
        runner = self.environment.runner
        if DURATION and next(_signed_in) == runner.target_user_count:
            logging.info("all %s users signed in: measuring for %s s", runner.target_user_count, DURATION)
            runner.stats.reset_all()
            gevent.spawn_later(DURATION, _stop, runner, _server_cpu_seconds(), time.monotonic(), time.time())

    def _sign_in(self) -> None:
        self.client.get("/accounts/login/", name="GET /accounts/login/")
        csrf = self.client.cookies.get("csrftoken")
        self.client.headers["Cookie"] = f"csrftoken={csrf}"
        form = {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf}
        with self.client.post(
            "/accounts/login/", data=form, name="POST /accounts/login/", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"{self.username} could not sign in: {response.status_code}")
                return
        # Signing in rotates the CSRF token; keep the new one for the API's session authentication.
        session, csrf = self.client.cookies.get("sessionid"), self.client.cookies.get("csrftoken")
        self.client.headers["Cookie"] = f"sessionid={session}; csrftoken={csrf}"
        self.client.headers["X-CSRFToken"] = csrf
        self.client.cookies.clear()

    def _answers(self) -> dict:
        # A student with a leaning: two liked areas, the rest spread out, so profiles are not flat.
        liked = set(self.rng.sample("RIASEC", 2))
        answers = [
            {"item": i["id"], "value": self.rng.randint(4, 5) if i["area"] in liked else self.rng.randint(1, 4)}
            for i in self.quick["items"]
        ]
        return {
            "form": "quick",
            "version": self.quick["version"],
            "answers": answers,
            "started": self.started,
        }

    @task(1)
    def take_quiz(self) -> None:
        body = self._answers()
        self.client.post("/api/v1/quiz/score/", json=body, name="POST /api/v1/quiz/score/")
        with self.client.post(
            "/api/v1/quiz/attempts/", json=body, name="POST /api/v1/quiz/attempts/", catch_response=True
        ) as response:
            if response.status_code == 201:
                self.attempt_id = response.json()["id"]
            else:
                response.failure(f"saving answered {response.status_code}: {response.text[:200]}")

    @task(3)
    def read_recommendations(self) -> None:
        attempt = self.client.get(f"/api/v1/quiz/attempts/{self.attempt_id}/", name="GET /api/v1/quiz/attempts/<id>/")
        if attempt.status_code != 200:
            return
        ask = {"profile": attempt.json()["profile"], "stage": "junior", "district": "万州区", "k": 10}
        self.client.post("/api/v1/recommendations/", json=ask, name="POST /api/v1/recommendations/")
        page = f"/quiz/history/{self.attempt_id}/recommendations/"
        self.client.get(page, name="GET /quiz/history/<id>/recommendations/")


class EagerStudent(Student):
    """The same student with no think time: for finding the server's capacity, not for realism."""

    wait_time = constant(0)
