"""Every "may this user see this row" decision about student data. Denial is the default; a row that is not
the user's own answers 404, never 403, so its existence is not revealed."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from pathways.models import Cohort, QuizAttempt


def attempts_for_student(*, user: object) -> QuerySet[QuizAttempt]:
    """The quiz attempts a signed-in user may list: their own."""
    if not getattr(user, "is_authenticated", False):
        return QuizAttempt.objects.none()
    return QuizAttempt.objects.filter(student=user).select_related("version")


def attempt_get_for_student(*, user: object, attempt_id: int) -> QuizAttempt:
    attempt = attempts_for_student(user=user).filter(pk=attempt_id).first()
    if attempt is None:
        raise Http404
    return attempt


COUNSELOR_GROUP = "counselor"


def is_counselor(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.groups.filter(name=COUNSELOR_GROUP).exists()  # type: ignore[attr-defined]


def students_for_counselor(*, counselor: object) -> QuerySet[User]:
    """The students in the cohorts a counselor is assigned: nobody else's, and nobody at all for a non-counselor."""
    if not is_counselor(counselor):
        return User.objects.none()
    return User.objects.filter(membership__cohort__counselors=counselor).distinct()


def student_get_for_counselor(*, counselor: object, student_id: int) -> User:
    """One of the counselor's students; any other student (or a non-counselor asking) answers 404."""
    student = students_for_counselor(counselor=counselor).filter(pk=student_id).first()
    if student is None:
        raise Http404
    return student


def cohorts_for_counselor(*, counselor: object) -> QuerySet[Cohort]:
    """The classes a counselor is assigned; nobody else's."""
    if not is_counselor(counselor):
        return Cohort.objects.none()
    return Cohort.objects.filter(counselors=counselor).select_related("school")
