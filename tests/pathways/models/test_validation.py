"""Every articulation rule, with the message an admin sees, in the model and in the admin."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from pathways.models import Articulation, SkillCategory
from programs.models import InstitutionKind, ProgramStatus, Specialty
from tests.factories import InstitutionFactory, ProgramFactory
from tests.pathways.conftest import YEAR, World, route

pytestmark = pytest.mark.django_db


def errors_of(articulation: Articulation) -> str:
    with pytest.raises(ValidationError) as caught:
        articulation.full_clean()
    return " ".join(message for messages in caught.value.message_dict.values() for message in messages)


def draft(code: str, to: object, first: int = 3, second: int = 2, **source: object) -> Articulation:
    return Articulation(
        route=route(code), academic_year=YEAR, to_program=to, first_years=first, second_years=second, quota=10, **source
    )


def test_a_valid_articulation_passes(small_city: World) -> None:
    draft("3-2", small_city.q2, from_program=small_city.p1).full_clean()


def test_stage_levels_must_rise(small_city: World) -> None:
    message = errors_of(draft("3-2", small_city.p3, from_program=small_city.p1))
    assert "阶段层次必须逐级上升（中职 → 高职专科 → 本科）：中职 → 中职 不符合。" in message


def test_the_route_kind_fixes_the_levels(small_city: World) -> None:
    message = errors_of(draft("3-2", small_city.r1, 3, 4, from_program=small_city.p1))
    assert f"中高职三二分段（3+2）的后段是高职专科，但 {small_city.r1} 是职业本科。" in message


def test_each_stage_institution_kind_fits_its_level(small_city: World) -> None:
    secondary_school = InstitutionFactory(name="戊中职", kind=InstitutionKind.SECONDARY)
    wrong = ProgramFactory(
        institution=secondary_school, specialty=Specialty.objects.get(code="510203"), academic_year=YEAR
    )  # saved without clean(), as a bad bulk load would
    message = errors_of(draft("3-2", wrong, from_program=small_city.p1))
    assert "戊中职（中职学校）不能承担高职专科阶段。" in message


def test_route_years_add_up(small_city: World) -> None:
    message = errors_of(draft("3-2", small_city.q2, 3, 3, from_program=small_city.p1))
    assert "中高职三二分段（3+2）的后段为 2 年，而不是 3 年。" in message
    assert "中高职三二分段（3+2）共 5 年；这一条加起来是 6 年（3 + 3）。" in message
    message = errors_of(draft("3-4", small_city.r1, 2, 4, from_program=small_city.p1))
    assert "中本贯通（3+4）共 7 年；这一条加起来是 6 年（2 + 4）。" in message


def test_the_five_year_integrated_route_adds_up_to_five(small_city: World) -> None:
    message = errors_of(draft("five-year-integrated", small_city.q2, 3, 3))
    assert "五年一贯制共 5 年；这一条加起来是 6 年（3 + 3）。" in message


def test_a_route_never_links_a_program_to_itself(small_city: World) -> None:
    message = errors_of(draft("3-2", small_city.p1, from_program=small_city.p1))
    assert "升学途径不能把一个专业点衔接到它自身。" in message


def test_a_route_never_loops(small_city: World) -> None:
    # A corrupt link back down (Q1 → P1), written past validation as a raw bulk load would.
    Articulation.objects.bulk_create([draft("3-2", small_city.p1, from_program=small_city.q1)])
    message = errors_of(Articulation(**{**_fields(small_city.three_two), "pk": None}))
    assert f"这条衔接会形成循环：{small_city.q1} → {small_city.p1} → {small_city.q1}。" in message


def _fields(a: Articulation) -> dict:
    return {f.attname: getattr(a, f.attname) for f in a._meta.concrete_fields if f.attname != "id"}


def test_a_new_link_to_an_archived_program_is_refused(small_city: World) -> None:
    small_city.q2.status = ProgramStatus.ARCHIVED
    small_city.q2.save()
    message = errors_of(draft("3-2", small_city.q2, from_program=small_city.p1))
    assert f"{small_city.q2} 已归档：请衔接一个在招的专业点。" in message


def test_an_existing_link_whose_program_is_archived_is_flagged_not_kept_silently(small_city: World) -> None:
    small_city.q1.status = ProgramStatus.ARCHIVED
    small_city.q1.save()
    flagged = set(Articulation.objects.flagged().values_list("pk", flat=True))
    assert flagged == {small_city.three_two.pk, small_city.direct.pk}
    assert Articulation.objects.get(pk=small_city.three_two.pk).flag_reasons


def test_the_open_exams_name_their_category_or_class_not_a_program(small_city: World) -> None:
    message = errors_of(draft("skills-exam", small_city.q1, 3, 3, from_program=small_city.p1))
    assert "职教高考（高职分类考试·中职类）按科类招生：请选择科类。" in message
    assert "职教高考（高职分类考试·中职类）不使用这一项，请留空。" in message
    computing = SkillCategory.objects.get(code="computing")
    message = errors_of(draft("3-2", small_city.q2, from_skill_category=computing))
    assert "中高职三二分段（3+2）衔接两个指定的专业点：请选择前段专业点。" in message


def test_both_programs_belong_to_the_articulation_year(small_city: World) -> None:
    other_year = ProgramFactory(
        institution=small_city.q1.institution, specialty=small_city.q1.specialty, academic_year=2031
    )
    message = errors_of(draft("3-2", other_year, from_program=small_city.p1))
    assert f"{other_year} 属于 2031 学年，而不是这条衔接关系的 {YEAR} 学年。" in message


def test_the_admin_form_shows_the_rule_that_failed(small_city: World, curator_client: Client) -> None:
    response = curator_client.post(
        "/admin/pathways/articulation/add/",
        {
            "route": route("3-2").pk,
            "academic_year": YEAR,
            "from_program": small_city.p1.pk,
            "to_program": small_city.q2.pk,
            "quota": 40,
            "first_years": 3,
            "second_years": 3,
            "same_specialty_required": "on",
            "source": "test",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "errornote" in body and "这一条加起来是 6 年（3 + 3）" in body
    assert not Articulation.objects.filter(to_program=small_city.q2, from_program=small_city.p1).exists()


def test_the_admin_warns_about_flagged_articulations(small_city: World, curator_client: Client) -> None:
    small_city.r1.status = ProgramStatus.ARCHIVED
    small_city.r1.save()
    response = curator_client.get("/admin/pathways/articulation/", {"flagged": "yes"}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 条衔接需要复核（有专业点已归档，或合作专业不在接续专业之列）" in body
    assert response.context["cl"].result_count == 2
