from __future__ import annotations

import re

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone
from rest_framework.test import APIClient

from pathways.counsel.classes import Guardian, class_join
from pathways.matching.recompute import recompute_plan, recompute_range
from pathways.models import Cohort, FormVersion, QuizAttempt, StaffRole
from pathways.quiz.services import answers_check, quiz_attempt_save
from pathways.schools.services import staff_account_create
from pathways.students.consent import consent_record, consent_state
from pathways.students.roles import COUNSELOR_GROUP, STUDENT_GROUP
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


BY_AREA = {"R": 2, "I": 3, "A": 5, "S": 4, "E": 3, "C": 1}


def counselor(name: str) -> User:
    user = User.objects.create_user(name, password="pw")
    user.groups.add(Group.objects.get_or_create(name=COUNSELOR_GROUP)[0])
    return user


def student_in(cohort: Cohort, name: str) -> QuizAttempt:
    user = joined(student_account(name), cohort)
    form = FormVersion.objects.get(kind="quick", is_current=True)
    answers = [(i.item_id, BY_AREA[i.area]) for i in form.items.all()]
    return quiz_attempt_save(
        student=user, sheet=answers_check(kind="quick", version_number=form.number, answers=answers)
    )


def two_classes(curator: User, prefix: str) -> dict:
    """The personas of the access tests: two classes of one school, each with its counselor and one student
    (`{prefix}_li` looks after `{prefix}_wang` in 一班, `{prefix}_zhao` after `{prefix}_zhang` in 二班), a curator,
    the school's administrator and an anonymous visitor. Returns the personas, the owner's attempt and her class."""
    school = Institution.objects.get(name="奉节职业教育中心")
    li, zhao = counselor(f"{prefix}_li"), counselor(f"{prefix}_zhao")
    one = Cohort.objects.create(school=school, name="一班", academic_year=2026)
    two = Cohort.objects.create(school=school, name="二班", academic_year=2026)
    one.counselors.add(li)
    two.counselors.add(zhao)
    attempt, other = student_in(one, f"{prefix}_wang"), student_in(two, f"{prefix}_zhang")
    users = {
        "anonymous": None,
        "owner": attempt.student,
        "other_student": other.student,
        "counselor": li,
        "other_counselor": zhao,
        "curator": curator,
        # The school's administrator: its classes and counselors, never a student's answers or results.
        "school_admin": staff_account_create(
            school=school, username=f"{prefix}_admin", role=StaffRole.SCHOOL_ADMIN, display_name="", created_by=curator
        ).user,
    }
    return {"users": users, "attempt": attempt, "cohort": one, "other_cohort": two}


def as_user(user: User) -> APIClient:
    """A client signed in as `user`, for pages and the API alike (an APIClient is a Django test client)."""
    client = APIClient()
    client.force_login(user)
    return client


MECHANIC = {"R": 0.95, "I": 0.5, "A": 0.15, "S": 0.2, "E": 0.3, "C": 0.45}
MECHANIC_ANSWERS = {"R": 5, "I": 4, "A": 1, "S": 2, "E": 2, "C": 3}


def saved_student(username: str, by_area: dict[str, int] = MECHANIC_ANSWERS, age: int = 16) -> QuizAttempt:
    """A consenting student of `age`, in no class, who saved one quick quiz (a mechanic's interests by default)."""
    student = User.objects.create_user(username, password="pw")
    consent_record(user=student, birth_year=timezone.localdate().year - age, birth_month=1)
    form = FormVersion.objects.get(kind="quick", is_current=True)
    answers = [(i.item_id, by_area[i.area]) for i in form.items.all()]
    return quiz_attempt_save(
        student=student, sheet=answers_check(kind="quick", version_number=form.number, answers=answers)
    )


def recompute_everyone(*, only_stale: bool = False, size: int = 0) -> int:
    """A whole recompute in this process, range by range as the chunk tasks run it; return the rows written."""
    ranges = recompute_plan(only_stale=only_stale, size=size)
    return sum(recompute_range(first_user_id=f, last_user_id=t, only_stale=only_stale).students for f, t in ranges)


HANDS_ON = {"R": 5, "I": 4, "A": 3, "S": 2, "E": 1, "C": 3}  # a realistic, investigative profile, as raw answers


def quick_form() -> FormVersion:
    return FormVersion.objects.get(kind="quick", is_current=True)


def form_answers(form: FormVersion, by_area: dict[str, int] = HANDS_ON) -> dict[str, object]:
    """The quiz page's POST for `form`, every item answered with its area's value."""
    posted: dict[str, object] = {"version": form.number}
    posted.update({f"item_{i.item_id}": by_area[i.area] for i in form.items.all()})
    return posted


def token_of(html: str) -> str:
    """The signed result token a result page carries for saving it."""
    found = re.search(r'name="token" value="([^"]+)"', html)
    assert found, "no result token on the page"
    return found.group(1)
