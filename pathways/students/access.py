"""Every "may this user see this row" decision about student data. Denial is the default; a row that is not
the user's own answers 404, never 403, so its existence is not revealed."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.http import Http404

from pathways.models import Cohort, QuizAttempt, SchoolStaff, StaffRole
from pathways.students.roles import COUNSELOR_GROUP, SCHOOL_ADMIN_GROUP, STUDENT_GROUP
from programs.models import Institution


def attempts_for_student(*, user: User | AnonymousUser) -> QuerySet[QuizAttempt]:
    """The quiz attempts a signed-in user may list: their own."""
    if not getattr(user, "is_authenticated", False):
        return QuizAttempt.objects.none()
    return QuizAttempt.objects.filter(student_id=user.pk).select_related("version")


def attempt_get_for_student(*, user: User | AnonymousUser, attempt_id: int) -> QuizAttempt:
    attempt = attempts_for_student(user=user).filter(pk=attempt_id).first()
    if attempt is None:
        raise Http404
    return attempt


def is_counselor(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.groups.filter(name=COUNSELOR_GROUP).exists()


def student_accounts() -> QuerySet[User]:
    """Accounts that are students: in the student group, and never staff, a superuser or a counselor."""
    return User.objects.filter(groups__name=STUDENT_GROUP, is_staff=False, is_superuser=False, is_active=True).exclude(
        groups__name=COUNSELOR_GROUP
    )


def is_student(user: User | AnonymousUser) -> bool:
    """Only a student account may join a class, be invited to one, or delete itself with its data."""
    if not getattr(user, "is_authenticated", False):
        return False
    return student_accounts().filter(pk=user.pk or 0).exists()


def students_for_counselor(*, counselor: User | AnonymousUser) -> QuerySet[User]:
    """The students who joined the cohorts a counselor is assigned: nobody else's, nobody at all for a
    non-counselor, and never an account that is not a student's."""
    if not is_counselor(counselor):
        return User.objects.none()
    return student_accounts().filter(membership__cohort__counselors__pk=counselor.pk or 0).distinct()


def student_get_for_counselor(*, counselor: User | AnonymousUser, student_id: int) -> User:
    """One of the counselor's students; any other student (or a non-counselor asking) answers 404."""
    student = students_for_counselor(counselor=counselor).filter(pk=student_id).first()
    if student is None:
        raise Http404
    return student


def cohorts_for_counselor(*, counselor: User | AnonymousUser) -> QuerySet[Cohort]:
    """The classes a counselor is assigned; nobody else's."""
    if not is_counselor(counselor):
        return Cohort.objects.none()
    return Cohort.objects.filter(counselors__pk=counselor.pk or 0).select_related("school")


def school_admin_school(user: User | AnonymousUser) -> Institution | None:
    """The school a school administrator manages, or None for anyone else."""
    if not getattr(user, "is_authenticated", False) or not user.groups.filter(name=SCHOOL_ADMIN_GROUP).exists():
        return None
    staff = (
        SchoolStaff.objects.filter(user_id=user.pk or 0, role=StaffRole.SCHOOL_ADMIN).select_related("school").first()
    )
    return staff.school if staff is not None else None


def counselors_for_school_admin(*, admin: User | AnonymousUser) -> QuerySet[User]:
    """The counselor accounts of the administrator's school; nobody at all for anyone else."""
    school = school_admin_school(admin)
    if school is None:
        return User.objects.none()
    return User.objects.filter(
        school_staff__school=school, school_staff__role=StaffRole.COUNSELOR, groups__name=COUNSELOR_GROUP
    )


def cohorts_for_school_admin(*, admin: User | AnonymousUser) -> QuerySet[Cohort]:
    school = school_admin_school(admin)
    if school is None:
        return Cohort.objects.none()
    return Cohort.objects.filter(school=school)
