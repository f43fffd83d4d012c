"""A student's (or their guardian's) rights over the student's data (PIPL): see and export it all, delete it all, and
opt out of profiling; and the retention purge.

Deleting removes the account and, through the database's cascades, the profile, consents, answers, attempts,
recommendations, feedback, plan, review, class membership and invitations, notifications and the audit rows about
the student; then the sign-in records that name the student (django-axes) and the student's sessions. The next
retraining reads feedback from the database, so deleted feedback is gone from it too. Only a student's account is
deleted here: counselors', curators' and staff accounts are refused, on the page and in the API alike.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pathways.models import (
    CohortInvitation,
    CohortMembership,
    Consent,
    Notification,
    Plan,
    QuizAttempt,
    RecommendationFeedback,
    Review,
    StudentProfile,
    StudentRecommendation,
)
from pathways.students.access import is_student


def _attempt(attempt: QuizAttempt) -> dict:
    return {
        "completed_at": attempt.completed_at.isoformat(),
        "form": attempt.version.kind,
        "version": attempt.version.number,
        "duration_seconds": attempt.duration_seconds,
        "too_fast": attempt.too_fast,
        "scores": attempt.scores,
        "code": attempt.code,
        "flat": attempt.flat,
        "answers": [
            {"item": a.item.item.code, "text": a.item.text, "value": a.value}
            for a in attempt.answers.select_related("item__item")
        ],
    }


def personal_data_export(*, user: User) -> dict:
    """Everything the product keeps about a student, as plain data."""
    profile = StudentProfile.objects.filter(user=user).first()
    review = Review.objects.filter(student=user).first()
    recommendation = StudentRecommendation.objects.filter(student=user).first()
    plan = Plan.objects.filter(student=user).select_related("program").first()
    return {
        "account": {"username": user.username, "date_joined": user.date_joined.isoformat()},
        "profile": {
            "birth_year": profile.birth_year,
            "birth_month": profile.birth_month,
            "stage": profile.stage,
            "district": profile.district,
            "profiling_opt_out": profile.profiling_opt_out,
        }
        if profile
        else None,
        "consents": [
            {
                "kind": c.kind,
                "notice_version": c.notice_version,
                "guardian_name": c.guardian_name,
                "guardian_relation": c.guardian_relation,
                "given_at": c.given_at.isoformat(),
            }
            for c in Consent.objects.filter(user=user)
        ],
        "quiz_attempts": [_attempt(a) for a in QuizAttempt.objects.filter(student=user).select_related("version")],
        "recommendations": {
            "programs": recommendation.programs,
            "specialties": recommendation.specialties,
            "computed_at": recommendation.computed_at.isoformat(),
        }
        if recommendation
        else None,
        "feedback": [
            {"program": f.program_id, "kind": f.kind, "reason": f.reason, "given_at": f.created_at.isoformat()}
            for f in RecommendationFeedback.objects.filter(student=user)
        ],
        "plan": {"program": str(plan.program), "chosen_at": plan.chosen_at.isoformat()} if plan else None,
        "counselor_review": {
            "status": review.status,
            "note": review.note,
            "items": [
                {"program": i.program_id, "decision": i.decision, "reason": i.reason} for i in review.items.all()
            ],
        }
        if review
        else None,
        "notifications": [
            {"message": n.message, "at": n.created_at.isoformat()} for n in Notification.objects.filter(user=user)
        ],
        "classes": [
            {
                "class": str(m.cohort),
                "counselors": sorted(c.username for c in m.cohort.counselors.all()),
                "joined_at": m.joined_at.isoformat(),
                "guardian_name": m.guardian_name,
                "guardian_relation": m.guardian_relation,
            }
            for m in CohortMembership.objects.filter(student=user).select_related("cohort__school")
        ],
        "class_invitations": [
            {"class": str(i.cohort), "status": i.status, "invited_at": i.created_at.isoformat()}
            for i in CohortInvitation.objects.filter(student=user).select_related("cohort__school")
        ],
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
