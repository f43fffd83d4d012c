"""Every catalog validation rule gives a clear message, in the model and at the database."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programs.models import Institution, Program, ProgramOutcome, Specialty, SpecialtyClass, SpecialtyIndustry
from tests.factories import InstitutionFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def messages_of(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def test_it_rejects_a_specialty_code_of_the_wrong_level() -> None:
    spec = Specialty(
        specialty_class=SpecialtyClass.objects.get(code="6101"),
        level="secondary",
        code="410199",
        name="层次不符",
        years=3,
    )
    with pytest.raises(ValidationError) as error:
        spec.full_clean()
    assert "410199" in messages_of(error.value)
    assert "属于高职专科，而不是中职" in messages_of(error.value)


def test_the_database_itself_refuses_a_code_that_does_not_fit_its_level() -> None:
    cls = SpecialtyClass.objects.get(code="6101")
    with pytest.raises(IntegrityError), transaction.atomic():
        Specialty.objects.create(specialty_class=cls, level="secondary", code="210199", name="x", years=3)


def test_it_rejects_a_specialty_code_outside_its_class() -> None:
    spec = Specialty(
        specialty_class=SpecialtyClass.objects.get(code="6101"),
        level="secondary",
        code="610299",
        name="类不符",
        years=3,
    )
    with pytest.raises(ValidationError) as error:
        spec.full_clean()
    assert "6101" in messages_of(error.value)


def test_it_rejects_a_duplicate_program() -> None:
    program = ProgramFactory()
    duplicate = Program(institution=program.institution, specialty=program.specialty, academic_year=2026)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "专业点重复" in messages_of(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_it_rejects_a_negative_quota() -> None:
    program = ProgramFactory.build(institution=InstitutionFactory(), quota=-5)
    with pytest.raises(ValidationError) as error:
        program.full_clean()
    assert "招生计划不能为负数" in messages_of(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        program.save()


def test_a_secondary_school_cannot_run_a_higher_vocational_specialty() -> None:
    school = InstitutionFactory()
    program = Program(institution=school, specialty=Specialty.objects.get(code="520201"), academic_year=2026)
    with pytest.raises(ValidationError) as error:
        program.full_clean()
    assert school.name in messages_of(error.value)


def test_outcome_rates_stay_between_0_and_100() -> None:
    program = ProgramFactory()
    outcome = ProgramOutcome(program=program, metric="employment_rate", value=120, year=2024, source="test")
    with pytest.raises(ValidationError) as error:
        outcome.full_clean()
    assert "0 至 100" in messages_of(error.value)
    salary = ProgramOutcome(program=program, metric="starting_salary", value=4200, year=2024, source="test")
    salary.full_clean()


def test_an_industry_weight_must_be_above_0_and_at_most_1() -> None:
    link = SpecialtyIndustry.objects.filter(specialty__code="520201").first()
    assert link is not None
    link.weight = 0
    with pytest.raises(ValidationError) as error:
        link.full_clean()
    assert "权重" in messages_of(error.value)


def test_an_moe_code_has_10_digits() -> None:
    inst = Institution(name="某学院", moe_code="12345", kind="associate", ownership="public")
    with pytest.raises(ValidationError) as error:
        inst.full_clean()
    assert "10" in messages_of(error.value)
