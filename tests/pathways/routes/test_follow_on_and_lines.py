"""The 接续专业 in the product (explorer, plan, admin warnings) and the 职教高考 cut-off lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from rest_framework.test import APIClient

from pathways.models import Articulation, ExamBatch, ExamCutoff, Plan, SkillCategory
from pathways.routes.graph import PathwayFilters
from pathways.routes.selectors import pathways_search
from pathways.routes.services import CUTOFFS_FILE
from programs.models import Program, Specialty
from tests.factories import as_user, student_account
from tests.pathways.conftest import World, link, program

pytestmark = pytest.mark.django_db


def test_the_2022_lines_are_loaded_per_category_and_batch() -> None:
    assert ExamCutoff.objects.filter(year=2022).count() == 29
    garden = ExamCutoff.objects.get(year=2022, batch=ExamBatch.BACHELOR, skill_category__name="园林类")
    assert (garden.culture_min, garden.skills_min) == (224, 387) and "重庆" in garden.source
    art = ExamCutoff.objects.get(year=2022, batch=ExamBatch.ASSOCIATE, skill_category__name="艺术类")
    assert art.skills_min is None and "统考" in art.note


def test_the_route_page_and_the_api_show_each_categorys_lines(client: Client) -> None:
    html = client.get("/routes/skills-exam/").content.decode()
    assert "2022 年本科线：文化 224 / 技能 387" in html and "2022 年专科线：文化 60 / 技能 118" in html
    assert "2022 年专科线：文化 60</small>" in html  # 其他类 and 艺术类 publish no single skills line
    body = APIClient().get("/api/v1/skill-categories/landscape/").json()
    assert body["name"] == "园林类"
    assert {(c["batch"], c["culture_min"], c["skills_min"]) for c in body["cutoffs"]} == {
        ("bachelor", 224, 387),
        ("associate", 60, 118),
    }


def test_an_admin_adds_a_later_year_and_a_reload_keeps_it(tmp_path: Path) -> None:
    garden = SkillCategory.objects.get(name="园林类")
    ExamCutoff.objects.create(
        year=2023, batch=ExamBatch.BACHELOR, skill_category=garden, culture_min=230, skills_min=390, source="admin"
    )
    call_command("load_routes", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ExamCutoff.objects.filter(year=2023).count() == 1 and ExamCutoff.objects.filter(year=2022).count() == 29


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2022,提前批,园林类,224,387,", "unknown batch '提前批'"),
        ("2022,应用型本科批,农林牧渔类,224,387,", "unknown 科类 '农林牧渔类'"),
        ("2022,应用型本科批,园林类,324,387,", "分数线不超过 300"),
        ("2022,应用型本科批,园林类,二百,387,", "'二百' is not a whole number"),
    ],
)
def test_a_bad_line_is_refused_with_its_row_and_nothing_changes(tmp_path: Path, row: str, reason: str) -> None:
    path = tmp_path / "lines.csv"
    path.write_text(CUTOFFS_FILE.read_text(encoding="utf-8").splitlines()[0] + "\n" + row + "\n", encoding="utf-8")
    before = list(ExamCutoff.objects.values_list("pk", "culture_min"))
    with pytest.raises(CommandError, match=f"lines.csv, line 2: .*{reason}"):
        call_command("load_routes", "--cutoffs", str(path))
    assert list(ExamCutoff.objects.values_list("pk", "culture_min")) == before


def test_a_secondary_students_pathway_shows_the_line_of_their_category(small_city: World) -> None:
    page = pathways_search(start=small_city.p1, filters=PathwayFilters(scope="city"), limit=50)
    steps = [s for p in page.pathways for s in p.steps if s.route is not None and s.route.code == "skills-exam"]
    assert steps and all(s.line is not None for s in steps)
    line = steps[0].line
    assert (line.skill_category.name, line.batch, line.culture_min, line.skills_min) == (
        "计算机类",
        "associate",
        60,
        100,
    )


def test_a_partner_outside_the_follow_on_list_is_a_warning_not_a_refusal(small_city: World) -> None:
    assert not Articulation.objects.flagged().exists()  # 计算机应用 → 计算机应用技术 is a 接续 pair
    nursing = program(small_city.q1.institution, "520201")
    odd = link("3-2", nursing, 3, 2, 10, from_program=small_city.p1)  # full_clean passes: saved
    assert list(Articulation.objects.flagged()) == [odd]
    assert odd.flag_reasons == ["护理 不在教育部为 计算机应用 列出的接续专业之中。"]


def test_the_admin_form_saves_the_pair_and_says_so(small_city: World, curator_client: Client) -> None:
    nursing = program(small_city.q1.institution, "520201")
    route = Articulation.objects.get(pk=small_city.three_two.pk).route
    form = {
        "route": route.pk,
        "academic_year": small_city.three_two.academic_year,
        "from_program": small_city.p1.pk,
        "to_program": nursing.pk,
        "quota": 10,
        "first_years": 3,
        "second_years": 2,
        "same_specialty_required": "on",
        "source": "test",
    }
    response = curator_client.post("/admin/pathways/articulation/add/", form, follow=True)
    assert response.status_code == 200
    assert Articulation.objects.filter(to_program=nursing).exists()
    assert "不在教育部为 计算机应用 列出的接续专业之中" in response.content.decode()


def test_the_plan_shows_what_comes_after_the_planned_program(client: Client) -> None:
    student = student_account("plan_next")
    target = Program.objects.published().filter(specialty__code="660103").first()
    assert target is not None
    Plan.objects.create(student=student, program=target)
    html = as_user(student).get("/quiz/plan/").content.decode()
    assert "之后还可以读" in html and "教育部列出的接续专业" in html
    numerical = Specialty.objects.get(level="associate", name="数控技术")
    assert f'href="/specialties/{numerical.code}/"' in html
