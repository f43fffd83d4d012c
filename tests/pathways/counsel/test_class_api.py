"""The counselor's classes in the API: the list and each class's analytics, only for the class's own counselors."""

from __future__ import annotations

import pytest

from pathways.matching.recommendations import recommendation_store
from pathways.models import Cohort
from programs.models import Institution
from tests.factories import as_user, counselor, student_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def klass() -> dict:
    school = Institution.objects.get(name="奉节职业教育中心")
    mine = Cohort.objects.create(school=school, name="一班", academic_year=2026)
    theirs = Cohort.objects.create(school=school, name="二班", academic_year=2026)
    li, zhao = counselor("api_li"), counselor("api_zhao")
    mine.counselors.add(li)
    theirs.counselors.add(zhao)
    attempt = student_in(mine, "api_wang")
    recommendation_store(attempt=attempt, stage="junior", district="")
    return {"cohort": mine, "li": li, "zhao": zhao, "student": attempt.student}


def test_a_counselor_lists_their_classes_and_reads_analytics_only_for_them(klass: dict) -> None:
    li, zhao = as_user(klass["li"]), as_user(klass["zhao"])
    listed = li.get("/api/v1/counsel/cohorts/").json()
    assert [c["name"] for c in listed["results"]] == ["一班"] and listed["results"][0]["students"] == 1
    figures = li.get(f"/api/v1/counsel/cohorts/{klass['cohort'].pk}/analytics/").json()
    assert figures["students"] == 1 and figures["with_quiz"] == 1 and len(figures["programs"]) == 10
    assert 0 < figures["coverage"] <= 1 and set(figures["leading_area"]) == set("RIASEC")
    assert zhao.get(f"/api/v1/counsel/cohorts/{klass['cohort'].pk}/analytics/").status_code == 404
    assert as_user(klass["student"]).get("/api/v1/counsel/cohorts/").status_code == 404
