"""Every "may this user see this row" decision about student data. Denial is the default; a row that is not
the user's own answers 404, never 403, so its existence is not revealed."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pathways.models import QuizAttempt


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
