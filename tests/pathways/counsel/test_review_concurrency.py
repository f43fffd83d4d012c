"""Two counselors save the same review at the same moment, each from the version they loaded: one wins, one gets
the conflict, and nothing is lost. Real concurrent transactions: PostgreSQL only (SQLite has one writer)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from pathways.counsel.review import ReviewConflict, review_note
from pathways.models import Cohort, Review
from programs.models import Institution
from tests.factories import counselor, joined, student_account

pytestmark = [
    pytest.mark.transactional,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]


def test_two_simultaneous_saves_one_wins_one_conflicts(demo_data: None) -> None:
    li, wu = counselor("counselor_li2"), counselor("counselor_wu")
    cohort = Cohort.objects.create(
        school=Institution.objects.get(name="奉节职业教育中心"), name="三班", academic_year=timezone.localdate().year
    )
    cohort.counselors.add(li, wu)
    student = joined(student_account("student_tang"), cohort)
    Review.objects.create(student=student)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(name: str, who: object) -> None:
        try:
            barrier.wait()
            review_note(counselor=who, student=student, note=f"来自{name}", version=0)
            outcomes[name] = "saved"
        except ReviewConflict:
            outcomes[name] = "conflict"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(n, c)) for n, c in (("li", li), ("wu", wu))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(n for n, o in outcomes.items() if o == "saved")
    review = Review.objects.get(student=student)
    assert review.version == 1 and review.note == f"来自{winner}"
