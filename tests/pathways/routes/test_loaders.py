"""Route data loaders and the sample articulations: idempotent, all-or-nothing, published orders of size."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pathways.models import Articulation, RouteKind, SkillCategory, SpecialtySkillCategory
from pathways.routes.sample_data import CLASS_FALLBACK_SOURCE, sample_size_report
from pathways.routes.services import ROUTES_FILE, SPECIALTY_CATEGORIES_FILE, routes_load
from programs.models import Level, Specialty
from programs.sample_data import SAMPLE_SOURCE

pytestmark = pytest.mark.django_db


def test_every_secondary_specialty_has_one_of_the_17_real_skills_categories() -> None:
    secondary = Specialty.objects.filter(level=Level.SECONDARY).count()
    assert secondary == 368  # the 358 of 2021 and the 10 later additions
    assert SpecialtySkillCategory.objects.filter(specialty__level=Level.SECONDARY).count() == secondary
    real = "园林 机械加工 电气技术 汽车 计算机 电子技术 土建 护理 药剂 电子商务 旅游 会计 服装设计与工艺 教育 畜牧兽医"
    real += " 艺术 其他"
    assert list(SkillCategory.objects.values_list("name", flat=True)) == [f"{name}类" for name in real.split()]
    category_of = dict(SpecialtySkillCategory.objects.values_list("specialty__code", "category__name"))
    assert category_of["720201"] == "护理类" and category_of["720301"] == "药剂类"
    assert category_of["640301"] == "土建类" and category_of["610301"] == "畜牧兽医类"
    assert category_of["680402"] == "服装设计与工艺类" and category_of["700107"] == "其他类"


def test_the_seven_route_kinds_are_loaded_with_their_years() -> None:
    years = dict(RouteKind.objects.values_list("code", "total_years"))
    assert years == {
        "3-2": 5,
        "3-4": 7,
        "five-year-integrated": 5,
        "five-year": 5,
        "skills-exam": None,
        "upgrade": None,
        "associate-bachelor": 5,
    }


def test_loading_twice_writes_nothing_the_second_time() -> None:
    counts = routes_load()
    assert "exam_cutoffs" in counts and all(c.created == c.updated == c.deleted == 0 for c in counts.values())
    before = Articulation.history.count()
    call_command("load_sample_articulations", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Articulation.history.count() == before


def test_a_bad_route_row_writes_nothing_and_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "routes.csv"
    text = ROUTES_FILE.read_text(encoding="utf-8").replace(",3-2,1,", ",3-2,1,", 1)
    lines = text.splitlines()
    lines[1] = lines[1].replace(",3,2,5,", ",3,2,6,", 1)  # 3 + 2 is not 6
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    RouteKind.objects.filter(code="3-2").update(summary="unchanged")
    with pytest.raises(Exception) as caught:
        routes_load(routes_path=bad)
    assert "line 2" in str(caught.value)
    assert RouteKind.objects.get(code="3-2").summary == "unchanged"


def test_an_unknown_specialty_in_the_category_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "map.csv"
    bad.write_text(SPECIALTY_CATEGORIES_FILE.read_text(encoding="utf-8") + "999999,不存在,computing,class\n")
    with pytest.raises(Exception) as caught:
        routes_load(specialty_categories_path=bad)
    assert "999999" in str(caught.value) and "line 370" in str(caught.value)


def test_the_command_reports_a_missing_prerequisite() -> None:
    Articulation.objects.all().delete()
    RouteKind.objects.all().delete()
    with pytest.raises(CommandError, match="load_routes"):
        call_command("load_sample_articulations")


def test_sample_articulations_keep_the_published_orders_of_size() -> None:
    report = sample_size_report()
    assert (report["3-4"]["articulations"], report["3-4"]["places"]) == (16, 800)
    five_year = report["five-year"]
    assert (five_year["articulations"], five_year["places"]) == (34, 2000)
    assert (five_year["earlier_schools"], five_year["later_institutions"]) == (15, 8)
    assert not Articulation.objects.filter(is_sample=False).exists()
    by_class = 0
    for articulation in Articulation.objects.filter(route__admission="partnership").select_related(
        "from_program__specialty", "to_program__specialty"
    ):
        earlier, later = articulation.from_program.specialty, articulation.to_program.specialty
        listed = set(earlier.follow_on.filter(level=later.level))
        if listed:  # the Ministry's 接续专业
            assert later in listed and articulation.source == SAMPLE_SOURCE
        else:  # no list at that level: the same 专业类, and the row says so
            assert earlier.code[2:4] == later.code[2:4] and articulation.source == CLASS_FALLBACK_SOURCE
            by_class += 1
    assert 0 < by_class < Articulation.objects.filter(route__admission="partnership").count() / 5
