from __future__ import annotations

import factory

from programs.models import Institution, InstitutionKind, Ownership, Program, ProgramStatus, Specialty


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"测试职业学校{n}")
    kind = InstitutionKind.SECONDARY
    district = "万州区"
    ownership = Ownership.PUBLIC
    is_sample = True


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    institution = factory.SubFactory(InstitutionFactory)
    specialty = factory.LazyFunction(lambda: Specialty.objects.get(code="700206"))
    academic_year = 2026
    status = ProgramStatus.PUBLISHED
    quota = 50
