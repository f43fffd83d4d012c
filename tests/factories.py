from __future__ import annotations

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from pathways.counsel.classes import Guardian, class_join
from pathways.models import Cohort
from pathways.students.access import STUDENT_GROUP
from pathways.students.consent import consent_record, consent_state
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


def student_account(username: str, *, age: int = 16, password: str = "pw", guardian: bool = False) -> User:
    """A student as sign-up makes one: in the student group, with consent on record (and a guardian's if asked)."""
    user = User.objects.create_user(username, password=password)
    user.groups.add(Group.objects.get_or_create(name=STUDENT_GROUP)[0])
    names = {"guardian_name": "王妈妈", "guardian_relation": "母亲"} if guardian else {}
    consent_record(user=user, birth_year=timezone.localdate().year - age, birth_month=1, **names)
    return user


def joined(student: User, cohort: Cohort) -> User:
    """The student typed the class's join code themselves (the only way in, with an accepted invitation)."""
    guardian = Guardian("王妈妈", "母亲") if consent_state(user=student).guardian_needed else Guardian()
    class_join(student=student, code=cohort.join_code or "", guardian=guardian)
    return student
