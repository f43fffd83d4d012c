"""The explorer, the route pages, and the route sections on specialty and program pages."""

from __future__ import annotations

import pytest
from django.test import Client

from pathways.models import Articulation, RouteKind, StudentProfile
from pathways.routes.graph import ENTRY, PathwayFilters
from pathways.routes.selectors import PathwayGroups, PathwayResults, student_fit
from tests.factories import saved_student
from tests.pathways.conftest import World

pytestmark = pytest.mark.django_db


def test_the_explorer_draws_every_pathway_of_a_junior_graduate(small_city: World, client: Client) -> None:
    query = {"start": "junior", "district": "万州区", "scope": "district", "view": "all"}
    response = client.get("/pathways/", query)
    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["page"].paginator.count == 8 == response.context["total"]
    assert body.count('<svg class="timeline"') == 8
    assert "甲中职" in body and "丙学院" in body and "丁大学" in body
    assert "五年一贯制" in body and "转段考核" in body
    assert 'class="exam-marker"' in body  # the exam between two stages is marked on the timeline


def test_the_explorer_starts_from_a_program_and_applies_filters(small_city: World, client: Client) -> None:
    response = client.get("/pathways/", {"start": "program", "program": small_city.p1.pk, "routes": "3-4"})
    assert response.context["page"].paginator.count == 1
    assert "丁大学" in response.content.decode()
    response = client.get("/pathways/", {"start": "program", "program": small_city.p1.pk, "max_years": 6})
    assert response.context["page"].paginator.count == 2


def test_the_explorer_explains_a_missing_district(client: Client) -> None:
    response = client.get("/pathways/", {"start": "junior"})
    assert response.status_code == 200
    assert response.context["form"].errors["district"]
    assert "page" not in response.context


def test_the_explorer_finds_a_start_program_by_name(small_city: World, client: Client) -> None:
    response = client.get("/pathways/", {"start": "program", "q": "甲中职", "pick": "1"})
    assert f"program={small_city.p1.pk}" in response.content.decode()
    assert not response.context["form"].errors


def test_the_explorer_is_chinese_first_and_switches_to_english(small_city: World, client: Client) -> None:
    params = {"start": "junior", "district": "万州区"}
    assert "条升学路径" in client.get("/pathways/", params).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/pathways/", params).content.decode()
    assert "8 pathways" in body and "Five-year integrated" in body


def test_the_route_list_and_each_route_page_explain_the_rules(client: Client) -> None:
    response = client.get("/routes/")
    assert response.status_code == 200
    for route in RouteKind.objects.all():
        page = client.get(f"/routes/{route.code}/")
        assert page.status_code == 200
        assert route.rule_lines[0] in page.content.decode()
    skills = client.get("/routes/skills-exam/").content.decode()
    assert "计算机类" in skills and "计算机应用" in skills  # the 科类 and their specialties
    assert client.get("/routes/no-such-route/").status_code == 404


def test_specialty_and_program_pages_show_routes_in_and_out(small_city: World, client: Client) -> None:
    body = client.get(f"/programs/{small_city.p1.pk}/").content.decode()
    assert "丙学院" in body and "丁大学" in body  # 3+2 and 3+4 out
    assert f"/pathways/?start=program&amp;program={small_city.p1.pk}" in body
    body = client.get(f"/programs/{small_city.q1.pk}/").content.decode()
    assert "甲中职" in body and "五年一贯制" in body  # routes in
    live_3_4 = Articulation.objects.live().filter(to_program__specialty__code="310201").count()
    assert live_3_4 >= 1
    body = client.get("/specialties/310201/").content.decode()
    assert "中本贯通" in body and "专升本" in body


def test_the_sample_explorer_marks_sample_data(client: Client) -> None:
    body = client.get("/pathways/", {"start": "junior", "district": "奉节县"}).content.decode()
    assert "示例" in body


def test_stay_near_home_from_a_program_keeps_to_its_area(small_city: World, client: Client) -> None:
    """From a program, "near home" defaults to the program's area: 丁大学 in 沙坪坝区 is not in 渝东北."""
    response = client.get("/pathways/", {"start": "program", "program": small_city.p1.pk, "near_home": "on"})
    assert response.context["page"].paginator.count == 2  # P1 → Q1 (3+2) and P1 → Q2 (职教高考), both in 万州区


def test_the_explorer_sums_up_by_route_kind_before_listing(client: Client) -> None:
    """The summary's numbers are those of the pathways themselves: every program a route kind enters on a listed
    pathway, and no other."""
    query = {"start": "junior", "district": "奉节县", "scope": "district"}
    response = client.get("/pathways/", query)
    summary = {line.code: line for line in response.context["summary"]}
    results = PathwayResults(start=None, filters=PathwayFilters(district="奉节县", scope="district"))
    entered: dict[str, set[int]] = {}
    for pathway in results[0 : len(results)]:
        for step in pathway.steps:
            if not step.is_start:
                entered.setdefault(step.route.code if step.route else ENTRY, set()).add(step.program.pk)
    assert {code: line.programs for code, line in summary.items()} == {c: len(p) for c, p in entered.items()}
    body = response.content.decode()
    assert "从奉节县出发" in body and "中考后入读" in body and 'class="group"' in body
    narrowed = next(line for line in summary.values() if line.route is not None)
    assert f"routes={narrowed.code}" in narrowed.link and "district=" in narrowed.link


def test_a_signed_in_student_sees_the_pathways_that_fit_first(client: Client) -> None:
    attempt = saved_student("student_explorer")
    client.force_login(attempt.student)
    query = {"start": "junior", "district": "奉节县", "scope": "district"}
    page = client.get("/pathways/", query)
    assert page.context["by_fit"] and "按你最近一次测评结果排序" in page.content.decode()
    fit = student_fit(user=attempt.student)
    plain = PathwayResults(start=None, filters=PathwayFilters(district="奉节县", scope="district"))
    fitted = PathwayResults(start=None, filters=PathwayFilters(district="奉节县", scope="district"), fit=fit)
    assert len(plain) == len(fitted)  # the same pathways, in another order
    everything = fitted[0 : len(fitted)]
    assert sorted(str(p.steps) for p in everything) == sorted(str(p.steps) for p in plain[0 : len(plain)])
    best = [max(fit.get(s.program.specialty.code, -1.0) for s in p.steps) for p in everything]
    first_group = [
        b for p, b in zip(everything, best, strict=True) if p.first_move.program == everything[0].first_move.program
    ]
    assert max(first_group) == max(best)  # the first school listed leads to the best fit on offer
    paged = [str(p.steps) for n in range(0, len(fitted), 7) for p in fitted[n : n + 7]]
    assert paged == [str(p.steps) for p in everything]  # pages follow the same order, none lost or repeated
    StudentProfile.objects.update_or_create(user=attempt.student, defaults={"profiling_opt_out": True})
    assert student_fit(user=attempt.student) is None  # profiling off: the catalog's order


def test_the_explorer_groups_pathways_by_their_first_move(client: Client) -> None:
    """Grouped (the default): each first move once, its count, and its first pathways, which are the flat list's
    pathways at the same places; the counts add up to the total."""
    query = {"start": "junior", "district": "奉节县", "scope": "district"}
    response = client.get("/pathways/", query)
    groups = response.context["page"].object_list
    total = response.context["total"]
    results = PathwayResults(start=None, filters=PathwayFilters(district="奉节县", scope="district"))
    flat = [str(p.steps) for p in results[0 : len(results)]]
    every = PathwayGroups(results)[0 : len(PathwayGroups(results))]
    assert sum(g.count for g in every) == total == len(flat) and len(every) > 1
    at = 0
    for group in every:
        assert [str(p.steps) for p in group.pathways] == flat[at : at + len(group.pathways)]
        assert all(p.first_move.program == group.pathways[0].first_move.program for p in group.pathways)
        at += group.count
    assert [g.count for g in groups] == [g.count for g in every[: len(groups)]]
    body = response.content.decode()
    assert "条路径从这里开始" in body and "逐条查看全部路径" in body and "view=all" in body
