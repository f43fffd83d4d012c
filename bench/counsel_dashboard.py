"""Benchmark: a counselor's dashboard with 500 students in one class, as full requests through the Django stack.

The students, their quiz attempts and half of their reviews are created inside a transaction that is rolled back
at the end, so the database is left as it was.
Usage (after `python manage.py load_demo`): .venv/bin/python bench/counsel_dashboard.py [--students 500 --runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from pathways.models import Cohort, CohortMembership, FormVersion, QuizAttempt, Review  # noqa: E402
from pathways.students.roles import COUNSELOR_GROUP  # noqa: E402
from programs.models import Institution  # noqa: E402

QUERIES = {
    "page 1, by name": {},
    "search 'bench_4'": {"q": "bench_4"},
    "quiz taken, latest first": {"quiz": "yes", "sort": "recent"},
    "not reviewed, last page": {"review": "pending", "page": "99"},
}


def populate(students: int) -> User:
    counselor = User.objects.create_user("bench_counselor", password="x")
    counselor.groups.add(Group.objects.get_or_create(name=COUNSELOR_GROUP)[0])
    cohort = Cohort.objects.create(school=Institution.objects.first(), name="基准测试班", academic_year=2026)
    cohort.counselors.add(counselor)
    users = User.objects.bulk_create(User(username=f"bench_{n:04d}") for n in range(students))
    CohortMembership.objects.bulk_create(CohortMembership(cohort=cohort, student=u) for u in users)
    version = FormVersion.objects.get(kind="quick", is_current=True)
    now = timezone.now()
    QuizAttempt.objects.bulk_create(
        QuizAttempt(
            student=u,
            version=version,
            completed_at=now,
            score_r=20,
            score_i=10,
            score_a=30,
            score_s=25,
            score_e=15,
            score_c=5,
            code="ASR",
        )
        for u in users[: students * 4 // 5]
    )
    Review.objects.bulk_create(Review(student=u, status="done") for u in users[::2])
    return counselor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    with transaction.atomic():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(populate(args.students))
        print(f"{args.students} students in one class, database {engine}")
        for label, params in QUERIES.items():
            assert client.get("/counsel/", params).status_code == 200
            samples = []
            for _ in range(args.runs):
                start = time.perf_counter()
                client.get("/counsel/", params)
                samples.append((time.perf_counter() - start) * 1000)
            samples.sort()
            p95 = samples[int(len(samples) * 0.95) - 1]
            print(f"{label:28} median {statistics.median(samples):6.1f} ms  p95 {p95:6.1f} ms")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
