"""A small hand-built Chongqing, in academic year 2030, so graph answers can be worked out by hand.

The session's sample data lives in 2025, so it never mixes with this small_city.

    甲中职 (万州区)  P1 计算机应用 ──3+2──▶ 丙学院 (万州区) Q1 计算机应用技术 ──专升本(5102)──▶ 丁大学 (沙坪坝区) R1
                      │  ╰──────────────────3+4─────────────────────────────────────────────────▶ R1
                      ╰──职教高考(计算机类)──▶ 丙学院 Q2 计算机网络技术 ──专升本(5102)──▶ R1
    初中 ──五年一贯制──▶ Q1
    乙中职 (渝中区)  P3 护理 (no route out)
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pathways.models import Articulation, Cohort, RouteKind, SkillCategory
from pathways.routes.graph import graph_cache_clear
from programs.models import Institution, InstitutionKind, Program, Specialty, SpecialtyClass
from tests.factories import InstitutionFactory, ProgramFactory, counselor, student_in

YEAR = 2030


@pytest.fixture(autouse=True)
def fresh_graph() -> None:
    """Test transactions roll back, so a graph cached by one test must not serve the next."""
    graph_cache_clear()


@dataclass
class World:
    p1: Program
    p3: Program
    q1: Program
    q2: Program
    r1: Program
    three_two: Articulation
    three_four: Articulation
    skills: Articulation
    upgrade_q: Articulation
    direct: Articulation


def route(code: str) -> RouteKind:
    return RouteKind.objects.get(code=code)


def program(school: object, code: str) -> Program:
    return ProgramFactory(institution=school, specialty=Specialty.objects.get(code=code), academic_year=YEAR, quota=60)


def link(code: str, to: Program, first: int, second: int, quota: int, **source: object) -> Articulation:
    articulation = Articulation(
        route=route(code),
        academic_year=YEAR,
        to_program=to,
        first_years=first,
        second_years=second,
        quota=quota,
        **source,
    )
    articulation.full_clean()
    articulation.save()
    return articulation


@pytest.fixture
def small_city(db: None) -> World:
    jia = InstitutionFactory(name="甲中职", district="万州区")
    yi = InstitutionFactory(name="乙中职", district="渝中区")
    bing = InstitutionFactory(name="丙学院", kind=InstitutionKind.ASSOCIATE, district="万州区")
    ding = InstitutionFactory(name="丁大学", kind=InstitutionKind.VOCATIONAL_BACHELOR, district="沙坪坝区")
    p1, p3 = program(jia, "710201"), program(yi, "720201")
    q1, q2 = program(bing, "510201"), program(bing, "510202")
    r1 = program(ding, "310201")
    computing = SkillCategory.objects.get(code="computing")
    return World(
        p1=p1,
        p3=p3,
        q1=q1,
        q2=q2,
        r1=r1,
        three_two=link("3-2", q1, 3, 2, 40, from_program=p1),
        three_four=link("3-4", r1, 3, 4, 10, from_program=p1),
        skills=link("skills-exam", q2, 3, 3, 30, from_skill_category=computing),
        upgrade_q=link("upgrade", r1, 3, 2, 20, from_class=SpecialtyClass.objects.get(code="5102")),
        direct=link("five-year-integrated", q1, 3, 2, 25),
    )


@pytest.fixture
def school() -> Institution:
    return Institution.objects.get(name="奉节职业教育中心")


@pytest.fixture
def li_and_zhao(school: Institution) -> dict:
    """`counselor_li` looks after `student_wang` (一班); `counselor_zhao` after `student_zhang` (二班), never wang."""
    li, zhao = counselor("counselor_li"), counselor("counselor_zhao")
    one = Cohort.objects.create(school=school, name="一班", academic_year=2026)
    two = Cohort.objects.create(school=school, name="二班", academic_year=2026)
    one.counselors.add(li)
    two.counselors.add(zhao)
    return {"li": li, "zhao": zhao, "wang": student_in(one, "student_wang"), "zhang": student_in(two, "student_zhang")}
