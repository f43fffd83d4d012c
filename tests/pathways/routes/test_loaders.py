"""Route data loaders and the sample articulations: idempotent, all-or-nothing, published orders of size."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pathways.models import Articulation, RouteKind, SkillCategory, SpecialtySkillCategory
from pathways.routes.sample_data import sample_size_report
from pathways.routes.services import ROUTES_FILE, SPECIALTY_CATEGORIES_FILE, routes_load
from programs.models import Level, Specialty

pytestmark = pytest.mark.django_db


def test_every_secondary_specialty_has_one_skills_category() -> None:
    secondary = Specialty.objects.filter(level=Level.SECONDARY).count()
    assert secondary == 358
    assert SpecialtySkillCategory.objects.filter(specialty__level=Level.SECONDARY).count() == secondary
    assert SkillCategory.objects.count() == 17
    assert SpecialtySkillCategory.objects.get(specialty__code="720201").category.code == "nursing"


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
    assert all(c.created == 0 and c.updated == 0 for c in counts.values())
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
    assert "999999" in str(caught.value) and "line 360" in str(caught.value)


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
    for articulation in Articulation.objects.filter(route__admission="partnership").select_related(
        "from_program__specialty", "to_program__specialty"
    ):
        # The national follow-on logic: the same 专业类 at the next level.
        assert articulation.from_program.specialty.code[2:4] == articulation.to_program.specialty.code[2:4]
