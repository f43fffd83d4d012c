"""The student's plan, on the page and in the API, and the parents' report that follows from it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from pathways.matching.recommendations import recommendations_for_attempt
from pathways.models import Plan, StudentProfile
from pathways.routes.graph import PathwayFilters
from pathways.routes.selectors import LEVEL_RANK, PathwayResults
from programs.models import Program, ProgramStatus
from tests.factories import as_user

pytestmark = pytest.mark.django_db


def test_a_student_chooses_a_plan_and_prints_a_report_for_parents(li_and_zhao: dict) -> None:
    attempt = li_and_zhao["wang"]
    wang = attempt.student
    StudentProfile.objects.filter(user=wang).update(stage="junior", district="奉节县")
    target = recommendations_for_attempt(attempt=attempt, stage="junior", district="奉节县").programs[0].program
    client = as_user(wang)
    assert client.post("/quiz/plan/", {"program": target.pk}).status_code == 302
    page = client.get("/quiz/plan/")
    whole = page.context["pathway"]
    # The whole route: from the 中考 to the plan, then on from it to the highest stage it leads to.
    programs = [step.program.pk for step in whole.steps]
    assert programs[0] == target.pk or whole.steps[0].route is None  # it starts at the 中考
    at = programs.index(target.pk)
    onward = PathwayResults(start=target, filters=PathwayFilters(scope="city"))
    highest = max((LEVEL_RANK[p.end.specialty.level] for p in onward[0 : len(onward)]), default=0)
    assert LEVEL_RANK[whole.end.specialty.level] == max(highest, LEVEL_RANK[target.specialty.level])
    assert len(whole.steps) > at + 1 or highest == LEVEL_RANK[target.specialty.level]
    for before, after in zip(whole.steps, whole.steps[1:], strict=False):
        assert after.first_year == before.last_year + 1  # the years run on, with no gap or overlap
    assert whole.total_years == whole.steps[-1].last_year
    html = page.content.decode()
    assert '<svg class="timeline"' in html and "完整路线" in html and 'class="badge plan-mark"' in html
    counsel = APIClient()
    counsel.force_authenticate(li_and_zhao["li"])
    counsel.post(
        f"/api/v1/counsel/students/{wang.pk}/review/", {"version": 0, "action": "endorsed", "program": target.pk}
    )
    counsel.post(f"/api/v1/counsel/students/{wang.pk}/review/", {"version": 1, "action": "done", "note": "加油！"})
    report = client.get("/quiz/report/").content.decode()
    assert "升学与职业规划报告" in report and '<svg class="radar"' in report
    assert target.specialty.name in report and "加油！" in report and "@media print" not in report
    assert "这些专业通往的产业" in report and "中考后入读" in report  # the industries, and the route (via the 中考)
    assert as_user(li_and_zhao["zhang"].student).get("/quiz/report/").context["endorsed"] == []  # her own, not wang's


def test_a_student_chooses_a_plan_and_reads_it_back(li_and_zhao: dict) -> None:
    student = li_and_zhao["wang"].student
    client = as_user(student)
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
    assert Plan.objects.get(student=student).program_id == program.pk  # nothing refused was applied


def test_no_plan_is_kept_without_consent() -> None:
    client = as_user(User.objects.create_user("api_no_consent", password="pw"))
    program = Program.objects.published().first()
    response = client.put("/api/v1/me/plan/", {"program": program.pk}, format="json")
    assert response.status_code == 400 and not Plan.objects.exists()
