"""Pathway queries over the hand-built small_city (see conftest.py), with answers worked out by hand."""

from __future__ import annotations

import pytest

from pathways.models import Articulation
from pathways.routes.graph import PathwayFilters
from pathways.routes.selectors import PathwayResults, pathways_search
from programs.models import IndustryCluster, ProgramStatus, SpecialtyIndustry
from programs.services import programs_set_status
from tests.pathways.conftest import World

pytestmark = pytest.mark.django_db


def shapes(start: object, **filters: object) -> set[tuple]:
    """Each pathway as (program names, route codes, total years)."""
    results = PathwayResults(start=start, filters=PathwayFilters(**filters))  # type: ignore[arg-type]
    pathways = results[0 : len(results)]
    assert len(pathways) == len(results)
    return {
        (
            tuple(s.program.institution.name + s.program.specialty.code for s in p.steps),
            tuple(r.code for r in p.routes),
            p.total_years,
        )
        for p in pathways
    }


def test_every_pathway_from_a_secondary_program(small_city: World) -> None:
    assert shapes(small_city.p1) == {
        (("甲中职710201", "丙学院510201"), ("3-2",), 5),
        (("甲中职710201", "丙学院510201", "丁大学310201"), ("3-2", "upgrade"), 7),
        (("甲中职710201", "丁大学310201"), ("3-4",), 7),
        (("甲中职710201", "丙学院510202"), ("skills-exam",), 6),
        (("甲中职710201", "丙学院510202", "丁大学310201"), ("skills-exam", "upgrade"), 8),
    }


def test_every_pathway_from_a_higher_vocational_program(small_city: World) -> None:
    assert shapes(small_city.q2) == {(("丙学院510202", "丁大学310201"), ("upgrade",), 5)}


def test_a_program_with_no_route_out_has_no_pathway(small_city: World) -> None:
    assert shapes(small_city.p3) == set()


def test_every_pathway_for_a_junior_graduate_in_a_district(small_city: World) -> None:
    found = shapes(None, district="万州区", scope="district")
    assert len(found) == 8
    assert (("甲中职710201",), (), 3) in found  # finish 中职 and start work
    assert (("丙学院510201",), ("five-year-integrated",), 5) in found
    assert (("丙学院510201", "丁大学310201"), ("five-year-integrated", "upgrade"), 7) in found
    assert not any(steps[0].startswith("乙中职") for steps, _, _ in found)  # 渝中区 is not their district


def test_a_wider_scope_reaches_schools_in_other_districts(small_city: World) -> None:
    found = shapes(None, district="万州区", scope="city")
    assert (("乙中职720201",), (), 3) in found
    assert len(found) == 9


def test_stay_near_home_drops_every_school_outside_the_area(small_city: World) -> None:
    found = shapes(None, district="万州区", scope="area", near_home=True)
    assert found == {
        (("甲中职710201",), (), 3),
        (("甲中职710201", "丙学院510201"), ("3-2",), 5),
        (("甲中职710201", "丙学院510202"), ("skills-exam",), 6),
        (("丙学院510201",), ("five-year-integrated",), 5),
    }


def test_route_kind_filter_keeps_pathways_that_use_only_those_routes(small_city: World) -> None:
    assert shapes(None, district="万州区", scope="district", routes=frozenset({"3-2"})) == {
        (("甲中职710201", "丙学院510201"), ("3-2",), 5),
    }
    assert {p[1] for p in shapes(small_city.p1, routes=frozenset({"skills-exam", "upgrade"}))} == {
        ("skills-exam",),
        ("skills-exam", "upgrade"),
    }


def test_maximum_years_filter(small_city: World) -> None:
    assert {p[2] for p in shapes(None, district="万州区", scope="district", max_years=5)} == {3, 5}
    assert len(shapes(None, district="万州区", scope="district", max_years=5)) == 3


def test_cluster_filter_keeps_pathways_ending_in_that_industry(small_city: World) -> None:
    cluster = IndustryCluster.objects.create(code="test-aim", name="测试产业", name_en="Test", tier="other")
    SpecialtyIndustry.objects.create(specialty=small_city.r1.specialty, cluster=cluster, weight="0.5")
    found = shapes(None, district="万州区", scope="district", cluster=cluster.pk)
    assert {steps[-1] for steps, _, _ in found} == {"丁大学310201"}
    assert len(found) == 4


def test_a_route_whose_later_stage_is_archived_is_no_longer_offered(small_city: World) -> None:
    programs_set_status(
        programs=type(small_city.r1).objects.filter(pk=small_city.r1.pk), status=ProgramStatus.ARCHIVED, reason="closed"
    )
    assert shapes(small_city.p1) == {
        (("甲中职710201", "丙学院510201"), ("3-2",), 5),
        (("甲中职710201", "丙学院510202"), ("skills-exam",), 6),
    }
    flagged = set(type(small_city.three_four).objects.flagged().values_list("pk", flat=True))
    assert flagged == {small_city.three_four.pk, small_city.upgrade_q.pk}


def test_steps_carry_years_exams_quotas_and_end_industries(small_city: World) -> None:
    page = pathways_search(start=small_city.p1, filters=PathwayFilters(routes=frozenset({"3-4"})))
    assert page.count == 1
    (pathway,) = page.pathways
    start, bachelor = pathway.steps
    assert (start.is_start, start.first_year, start.last_year) == (True, 1, 3)
    assert (bachelor.first_year, bachelor.last_year, bachelor.quota) == (4, 7, 10)
    assert "转段考核" in bachelor.exam
    assert pathway.bottleneck_quota == 10
    linked = set(
        SpecialtyIndustry.objects.filter(specialty=small_city.r1.specialty).values_list("cluster_id", flat=True)
    )
    assert pathway.clusters and {c.pk for c in pathway.clusters} <= linked


def test_pages_follow_one_stable_order_without_gaps_or_repeats(small_city: World) -> None:
    results = PathwayResults(start=None, filters=PathwayFilters(district="万州区", scope="city"))
    whole = [tuple(s.program.pk for s in p.steps) for p in results[0:9]]
    paged = [tuple(s.program.pk for s in p.steps) for start in range(0, 9, 2) for p in results[start : start + 2]]
    assert paged == whole
    assert len(set(whole)) == 9


def test_the_full_sample_city_answers_from_every_kind_of_start() -> None:
    """Over the loaded sample data: a 初中 graduate, a 中职 program and a 高职 program all find pathways."""
    junior = pathways_search(start=None, filters=PathwayFilters(district="奉节县", scope="district"))
    assert junior.count > 0 and junior.academic_year == 2025
    partnership = Articulation.objects.live().filter(route__code="3-2").select_related("from_program").first()
    assert pathways_search(start=partnership.from_program, filters=PathwayFilters()).count >= 1
    upgrade = Articulation.objects.live().filter(route__code="associate-bachelor").first()
    assert pathways_search(start=upgrade.from_program, filters=PathwayFilters()).count >= 1
