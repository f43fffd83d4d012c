"""A student's (or their guardian's) rights over the student's data (PIPL): see and export it all, delete it all, and
opt out of profiling; and the retention purge.

Deleting removes the account and, through the database's cascades, the profile, consents, answers, attempts,
recommendations, feedback, plan, review, class membership and invitations, notifications and the audit rows about
the student; then the sign-in records that name the student (django-axes) and the student's sessions. The next
retraining reads feedback from the database, so deleted feedback is gone from it too. Only a student's account is
deleted here: counselors', curators' and staff accounts are refused, on the page and in the API alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from importlib import import_module
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pathways.models import (
    CohortInvitation,
    CohortMembership,
    Consent,
    Notification,
    Plan,
    QuizAnswer,
    QuizAttempt,
    RecommendationFeedback,
    ReportShare,
    Review,
    StudentProfile,
    StudentRecommendation,
)
from pathways.students.access import is_student

Picks = dict[str, "str | Callable[[Any], object]"]  # key in the export -> attribute name, or a function of the row


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _rows(rows: Iterable[Any], picks: Picks) -> list[dict]:
    """Rows as plain dicts: each key from an attribute (dates as ISO text) or a function of the row."""
    return [
        {key: _plain(getattr(row, pick) if isinstance(pick, str) else pick(row)) for key, pick in picks.items()}
        for row in rows
    ]


def _one(row: Any, picks: Picks) -> dict | None:
    return _rows([row], picks)[0] if row is not None else None


def _answers(attempt: QuizAttempt) -> list[dict]:
    answers = attempt.answers.all()  # prefetched with their items for all attempts at once (personal_data_export)
    return _rows(answers, {"item": lambda a: a.item.item.code, "text": lambda a: a.item.text, "value": "value"})


ATTEMPT: Picks = {
    "completed_at": "completed_at",
    "form": lambda a: a.version.kind,
    "version": lambda a: a.version.number,
    "duration_seconds": "duration_seconds",
    "too_fast": "too_fast",
    "scores": "scores",
    "code": "code",
    "flat": "flat",
    "answers": _answers,
}
PROFILE: Picks = dict.fromkeys(
    ["birth_year", "birth_month", "stage", "district", "preferred_routes", "profiling_opt_out"], ""
)
CONSENT: Picks = dict.fromkeys(["kind", "notice_version", "guardian_name", "guardian_relation", "given_at"], "")
CLASS: Picks = {
    "class": lambda m: str(m.cohort),
    "counselors": lambda m: sorted(c.username for c in m.cohort.counselors.all()),
    "joined_at": "joined_at",
    "guardian_name": "guardian_name",
    "guardian_relation": "guardian_relation",
}
REVIEW: Picks = {
    "status": "status",
    "note": "note",
    "items": lambda r: _rows(r.items.all(), {"program": "program_id", "decision": "decision", "reason": "reason"}),
}


def _named(picks: Picks) -> Picks:
    return {key: pick or key for key, pick in picks.items()}


def personal_data_export(*, user: User) -> dict:
    """Everything the product keeps about a student, as plain data."""
    recommendation = StudentRecommendation.objects.filter(student=user).first()
    return {
        "account": {"username": user.username, "date_joined": user.date_joined.isoformat()},
        "profile": _one(StudentProfile.objects.filter(user=user).first(), _named(PROFILE)),
        "consents": _rows(Consent.objects.filter(user=user), _named(CONSENT)),
        "quiz_attempts": _rows(
            QuizAttempt.objects.filter(student=user)
            .select_related("version")
            .prefetch_related(Prefetch("answers", QuizAnswer.objects.select_related("item__item"))),
            ATTEMPT,
        ),
        "recommendations": _one(
            recommendation, {"programs": "programs", "specialties": "specialties", "computed_at": "computed_at"}
        ),
        "feedback": _rows(
            RecommendationFeedback.objects.filter(student=user),
            {"program": "program_id", "kind": "kind", "reason": "reason", "given_at": "created_at"},
        ),
        "plan": _one(
            Plan.objects.filter(student=user).select_related("program").first(),
            {"program": lambda p: str(p.program), "chosen_at": "chosen_at"},
        ),
        "counselor_review": _one(Review.objects.filter(student=user).first(), REVIEW),
        "notifications": _rows(Notification.objects.filter(user=user), {"message": "message", "at": "created_at"}),
        "classes": _rows(CohortMembership.objects.filter(student=user).select_related("cohort__school"), CLASS),
        "class_invitations": _rows(
            CohortInvitation.objects.filter(student=user).select_related("cohort__school"),
            {"class": lambda i: str(i.cohort), "status": "status", "invited_at": "created_at"},
        ),
        "report_links": _rows(
            ReportShare.objects.filter(student=user),
            {
                "name_shown": "shown_name",
                "created_at": "created_at",
                "expires_at": "expires_at",
                "revoked_at": "revoked_at",
            },
        ),
    }


class DeletionRefused(PermissionError):
    """Only a student's own account is deleted with its data here."""


def _traces_delete(users: list[User]) -> None:
    """What names the students outside the cascades: django-axes' sign-in records and their sessions."""
    names = [u.username for u in users]
    ids = {str(u.pk) for u in users}
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__in=names).delete()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    doomed = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000)
        if s.get_decoded().get(SESSION_KEY) in ids
    ]
    for key in doomed:
        store(session_key=key).delete()
    Session.objects.filter(session_key__in=doomed).delete()


@transaction.atomic
def personal_data_delete(*, user: User) -> None:
    """Delete the student and everything about them; any other account is refused (DeletionRefused)."""
    if not is_student(user) or not StudentProfile.objects.filter(user=user).exists():
        raise DeletionRefused(_("Only a student's own account can be deleted here."))
    _traces_delete([user])
    user.delete()


@transaction.atomic
def profiling_set(*, user: User, opt_out: bool) -> None:
    """Opting out drops the stored recommendations; no recompute or page computes new ones while it lasts."""
    StudentProfile.objects.filter(user=user).update(profiling_opt_out=opt_out)
    if opt_out:
        StudentRecommendation.objects.filter(student=user).delete()


def retention_purge(*, now: datetime) -> int:
    """Delete students who have not signed in for PERSONAL_DATA_RETENTION_DAYS (counting from sign-up if never).

    `now` is passed in, so the purge can be run for a given moment (and tested with a fixed clock).
    """
    cutoff = now - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    stale = User.objects.filter(student_profile__isnull=False, is_staff=False).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    users = list(stale)
    with transaction.atomic():
        _traces_delete(users)
        for user in users:
            user.delete()
    return len(users)
