"""Program recommendations: the API, the student's page, the stored sets and their recompute, and fairness."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from pathways.matching.recommendations import recommendations_for
from pathways.matching.recompute import recompute_plan
from pathways.models import Articulation, StudentProfile, StudentRecommendation
from programs.models import Program
from programs.services import programs_set_status
from tests.factories import MECHANIC, recompute_everyone, saved_student

pytestmark = pytest.mark.django_db


def test_the_api_returns_specialties_programs_and_industries_with_reasons() -> None:
    response = APIClient().post(
        "/api/v1/recommendations/", {"profile": MECHANIC, "stage": "junior", "district": "万州区"}, format="json"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["flat"] is False and data["model_version"]
    assert len(data["specialties"]) == 10 and len(data["programs"]) == 10
    program = data["programs"][0]
    assert program["level"] == "secondary" and program["fit"] in {"strong", "good", "possible", "weak"}
    assert (
        program["explanation"].startswith("你喜欢用工具和机器动手做事") and program["pathway"] and program["industries"]
    )
    assert "专业的毕业生可以做" in program["explanation"] and program["occupations"]
    assert data["industries"] and all(i["programs"] for i in data["industries"])
    assert len({p["specialty_code"] for p in data["programs"]}) == 10  # never the same specialty twice
    assert (
        max(
            sum(p["specialty_code"][:2] == c for p in data["programs"])
            for c in {p["specialty_code"][:2] for p in data["programs"]}
        )
        <= 3
    )


def test_the_stage_decides_the_level_and_the_route() -> None:
    secondary = recommendations_for(profile=MECHANIC, stage="secondary")  # 3+2, 五年制, 职教高考, and 3+4 to 本科
    assert {p.program.specialty.level for p in secondary.programs} <= {"associate", "bachelor"}
    assert {s.level for s in secondary.specialties} == {"associate"}
    assert all(p.entries and p.entries[0].route != "entry" for p in secondary.programs)
    upgrade = recommendations_for(profile=MECHANIC, stage="associate")
    assert {p.program.specialty.level for p in upgrade.programs} == {"bachelor"}


def test_a_flat_profile_gets_the_exploration_view_and_says_why() -> None:
    result = recommendations_for(profile=dict.fromkeys("RIASEC", 0.6), stage="junior")
    assert result.flat and "方向" in result.exploration_note
    assert len({p.program.specialty.code[:2] for p in result.programs}) >= 8  # spread across 大类
    assert all(p.fit == "explore" for p in result.programs)
    assert all(item.explanation == "" for item in [*result.programs, *result.specialties])  # the note is said once


@pytest.mark.parametrize(
    "bad",
    [
        {"profile": {"R": 0.5}, "stage": "junior"},
        {"profile": MECHANIC, "stage": "phd"},
        {"profile": {**MECHANIC, "R": 1.4}, "stage": "junior"},
        {"profile": MECHANIC, "stage": "junior", "routes": ["7+1"]},
    ],
)
def test_a_bad_request_is_a_400(bad: dict) -> None:
    assert APIClient().post("/api/v1/recommendations/", bad, format="json").status_code == 400


def test_nothing_but_the_profile_and_stated_preferences_moves_a_recommendation() -> None:
    """No gender is collected; other inputs (a name, an age, unknown fields) are refused, naming each field."""
    api = APIClient()
    base = {"profile": MECHANIC, "stage": "junior", "district": "万州区"}
    assert api.post("/api/v1/recommendations/", base, format="json").status_code == 200
    extra = {**base, "gender": "female", "name": "王芳", "birth_year": 2012}
    refused = api.post("/api/v1/recommendations/", extra, format="json")
    assert refused.status_code == 400 and set(refused.json()) == {"gender", "name", "birth_year"}
    older, younger = saved_student("student_a", age=19), saved_student("student_b", age=14)
    for attempt in (older, younger):
        StudentProfile.objects.filter(user_id=attempt.student_id).update(stage="junior", district="万州区")
    assert recompute_everyone() == 2
    sets = {r.student.username: r.programs for r in StudentRecommendation.objects.select_related("student")}
    assert sets["student_a"] == sets["student_b"]
    assert "gender" not in {f.name for f in StudentProfile._meta.get_fields()}


def test_recompute_is_idempotent_one_current_set_per_student() -> None:
    students = [saved_student(f"student_{n}") for n in range(5)]
    assert len(recompute_plan(size=2)) == 3
    assert recompute_everyone(size=2) == 5
    first = {r.student_id: (r.programs, r.model_version) for r in StudentRecommendation.objects.all()}
    assert recompute_everyone(size=100) == 5  # a redelivered task runs everything again
    assert StudentRecommendation.objects.count() == 5
    assert {r.student_id: (r.programs, r.model_version) for r in StudentRecommendation.objects.all()} == first
    assert set(first) == {a.student_id for a in students}


def test_the_recommendation_page_shows_programs_routes_and_industries(client: Client) -> None:
    attempt = saved_student("student_page")
    client.force_login(attempt.student)
    response = client.post(f"/quiz/history/{attempt.pk}/recommendations/", {"stage": "secondary", "district": "万州区"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "适合你的专业点" in body and "怎么升上去" in body and "这些专业通往的产业" in body
    assert "毕业后可以从事" in body and "职业教育专业简介（2022年修订），教育部" in body
    assert StudentProfile.objects.get(user=attempt.student).stage == "secondary"
    assert StudentRecommendation.objects.filter(student=attempt.student, stage="secondary").exists()
    other = Client()
    other.force_login(User.objects.create_user("student_other", password="pw"))
    assert other.get(f"/quiz/history/{attempt.pk}/recommendations/").status_code == 404


def test_a_catalog_change_makes_stored_sets_stale_and_only_those_are_redone() -> None:
    for n in range(3):
        saved_student(f"student_stale_{n}")
    assert recompute_everyone(only_stale=True) == 3  # none stored yet: all stale
    assert recompute_plan(only_stale=True) == []  # nothing changed since
    program = Program.objects.published().filter(specialty__level="secondary").first()
    programs_set_status(programs=Program.objects.filter(pk=program.pk), status="archived", reason="closed")
    assert recompute_everyone(only_stale=True) == 3  # the catalog moved: every set is redone
    assert not any(program.pk in [p["program"] for p in r.programs] for r in StudentRecommendation.objects.all())
    assert StudentRecommendation.objects.values("basis").distinct().count() == 1


def test_a_flat_profiles_page_says_once_that_the_answers_do_not_point_one_way(client: Client) -> None:
    attempt = saved_student("student_flat", by_area=dict.fromkeys("RIASEC", 3))
    client.force_login(attempt.student)
    body = client.post(f"/quiz/history/{attempt.pk}/recommendations/", {"stage": "junior"}).content.decode()
    assert "你的回答还没有指向一个方向" in body and f"（{attempt.code}）" not in body
    assert body.count("所以这里没有按匹配度排序") == 1  # the exploration note, once, not on every card


@pytest.mark.parametrize("route", ["3-2", "five-year"])
def test_a_preferred_route_lifts_the_programs_that_lead_on_by_it(route: str, client: Client) -> None:
    """A 初中 student in 万州区 who ticks 3+2 (or 五年制) sees more 中职 programs with such a partner: API and page."""

    def leading_on(program_ids: list[int]) -> int:
        partners = Articulation.objects.filter(route__code=route, from_program_id__in=program_ids)
        return partners.values("from_program").distinct().count()

    api = APIClient()
    base = {"profile": MECHANIC, "stage": "junior", "district": "万州区"}
    plain = [p["program"] for p in api.post("/api/v1/recommendations/", base, format="json").json()["programs"]]
    liked = api.post("/api/v1/recommendations/", {**base, "routes": [route]}, format="json").json()["programs"]
    assert leading_on([p["program"] for p in liked]) > leading_on(plain)
    attempt = saved_student(f"student_route_{route}")
    client.force_login(attempt.student)
    url, form = f"/quiz/history/{attempt.pk}/recommendations/", {"stage": "junior", "district": "万州区"}
    before = [item.program.pk for item in client.post(url, form).context["result"].programs]
    after = [item.program.pk for item in client.post(url, {**form, "routes": [route]}).context["result"].programs]
    assert leading_on(after) > leading_on(before)
    assert StudentProfile.objects.get(user=attempt.student).preferred_routes == route  # the recompute uses it too
    again = client.get(url)  # and the page remembers it
    assert [item.program.pk for item in again.context["result"].programs] == after
    assert again.context["form"].initial["routes"] == [route]
