"""The API's personal and counselor endpoints added for a complete v1: my plan, my classes and their analytics."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from pathways.matching.recommendations import recommendation_store
from pathways.models import Cohort, Plan
from programs.models import Institution, Program, ProgramStatus
from tests.factories import counselor, student_in

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


def as_user(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_a_student_chooses_a_plan_and_reads_it_back(klass: dict) -> None:
    client = as_user(klass["student"])
    assert client.get("/api/v1/me/plan/").status_code == 404
    program = Program.objects.published().select_related("specialty").first()
    response = client.put("/api/v1/me/plan/", {"program": program.pk}, format="json")
    assert response.status_code == 200 and response.json()["program"]["specialty_code"] == program.specialty.code
    assert client.get("/api/v1/me/plan/").json()["program"]["id"] == program.pk
    draft = Program.objects.exclude(status=ProgramStatus.PUBLISHED).first() or Program.objects.create(
        institution=program.institution,
        specialty=program.specialty,
        academic_year=program.academic_year + 1,
        status=ProgramStatus.DRAFT,
    )
    refused = client.put("/api/v1/me/plan/", {"program": draft.pk}, format="json")
    assert refused.status_code == 400 and "program" in refused.json()
    assert client.put("/api/v1/me/plan/", {"program": program.pk, "student": 1}, format="json").status_code == 400
    assert Plan.objects.get(student=klass["student"]).program_id == program.pk  # nothing refused was applied


def test_no_plan_is_kept_without_consent() -> None:
    client = as_user(User.objects.create_user("api_no_consent", password="pw"))
    program = Program.objects.published().first()
    response = client.put("/api/v1/me/plan/", {"program": program.pk}, format="json")
    assert response.status_code == 400 and not Plan.objects.exists()


def test_a_counselor_lists_their_classes_and_reads_analytics_only_for_them(klass: dict) -> None:
    li, zhao = as_user(klass["li"]), as_user(klass["zhao"])
    listed = li.get("/api/v1/counsel/cohorts/").json()
    assert [c["name"] for c in listed["results"]] == ["一班"] and listed["results"][0]["students"] == 1
    figures = li.get(f"/api/v1/counsel/cohorts/{klass['cohort'].pk}/analytics/").json()
    assert figures["students"] == 1 and figures["with_quiz"] == 1 and len(figures["programs"]) == 10
    assert 0 < figures["coverage"] <= 1 and set(figures["leading_area"]) == set("RIASEC")
    assert zhao.get(f"/api/v1/counsel/cohorts/{klass['cohort'].pk}/analytics/").status_code == 404
    assert as_user(klass["student"]).get("/api/v1/counsel/cohorts/").status_code == 404
