"""Counselor review: reading a student's suggestions and deciding on them, with an audit row for every read and
write, a notification to the student for every change, and optimistic locking so no update is lost.

Every write names the version the counselor saw. The review's version is bumped with a conditional UPDATE; when
another counselor saved first, nothing is written and ReviewConflict is raised (HTTP 409 in the API).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pathways.matching.feedback import REASON_MAX, feedback_allowed, feedback_record
from pathways.models import (
    Decision,
    FeedbackKind,
    Notification,
    QuizAttempt,
    Review,
    ReviewItem,
    ReviewStatus,
)
from pathways.students.audit import audit_record
from programs.models import Program


class ReviewConflict(RuntimeError):
    """Someone saved this review after the version the counselor was looking at."""

    def __init__(self, current: int, *, by_self: bool = False) -> None:
        if by_self:  # the same counselor, from another tab or device
            message = _(
                "You changed this review in another tab or window after this page was opened. "
                "Reload it to see the latest version, then make your change again."
            )
        else:
            message = _("Another counselor changed this review first. Reload it to see their changes.")
        super().__init__(message)
        self.current = current
        self.by_self = by_self


class ReviewInputError(ValueError):
    pass


def review_for(*, counselor: User, student: User) -> Review:
    """The review of a student (made on first look), with the read audited."""
    review, _created = Review.objects.get_or_create(student=student)
    audit_record(actor=counselor, student=student, action="review_view", version=review.version)
    return review


def _bump(review_id: int, expected: int, counselor: User, status: str | None = None) -> Review:
    # A queryset update skips auto_now, so the time of the change is set here.
    changes: dict[str, object] = {"version": F("version") + 1, "updated_by": counselor, "updated_at": timezone.now()}
    if status:
        changes["status"] = status
    if not Review.objects.filter(pk=review_id, version=expected).update(**changes):
        current, last_by = Review.objects.values_list("version", "updated_by_id").get(pk=review_id)
        raise ReviewConflict(current, by_self=last_by == counselor.pk)
    return Review.objects.get(pk=review_id)


def _latest_attempt(student: User) -> QuizAttempt | None:
    return QuizAttempt.objects.filter(student=student).order_by("-completed_at", "-pk").first()


@transaction.atomic
def review_decide(
    *, counselor: User, student: User, program: Program, decision: str, version: int, reason: str = ""
) -> Review:
    """Endorse, reject (a reason is required) or add a program; feeds the re-ranker; tells the student."""
    reason = reason.strip()
    if decision not in Decision.values:
        raise ReviewInputError(_("Unknown decision: %(d)s.") % {"d": decision})
    if decision == Decision.REJECTED and not reason:
        raise ReviewInputError(_("A rejection needs a reason the student can read."))
    if len(reason) > REASON_MAX:
        raise ReviewInputError(
            _("The reason has %(n)s characters; at most %(max)s fit. Shorten it and send it again.")
            % {"n": len(reason), "max": REASON_MAX}
        )
    review = Review.objects.get_or_create(student=student)[0]
    review = _bump(
        review.pk, version, counselor, ReviewStatus.IN_PROGRESS if review.status != ReviewStatus.DONE else None
    )
    last = review.items.aggregate(m=Max("position"))["m"] or 0
    defaults = {"decision": decision, "reason": reason, "position": last + 1}
    ReviewItem.objects.update_or_create(review=review, program=program, defaults=defaults)
    attempt = _latest_attempt(student)
    # A decision on a program the student was not recommended is kept in the review, but is no re-ranker feedback.
    if attempt is not None and decision != Decision.ADDED and feedback_allowed(attempt=attempt, program_id=program.pk):
        kind = FeedbackKind.ENDORSE if decision == Decision.ENDORSED else FeedbackKind.REJECT
        feedback_record(actor=counselor, attempt=attempt, program=program, kind=kind, reason=reason)
    audit_record(actor=counselor, student=student, action=f"review_{decision}", program=program.pk, reason=reason)
    sentences: dict[str, str] = {
        Decision.ENDORSED: _("Your counselor endorsed %(p)s."),
        Decision.REJECTED: _("Your counselor advised against %(p)s: %(r)s"),
        Decision.ADDED: _("Your counselor suggested %(p)s."),
    }
    words = sentences[decision]
    Notification.objects.create(user=student, message=(words % {"p": program, "r": reason})[:300])
    return review


@transaction.atomic
def review_note(*, counselor: User, student: User, note: str, version: int, done: bool = False) -> Review:
    """Write the counselor's note, and mark the review done when asked."""
    review = Review.objects.get_or_create(student=student)[0]
    review = _bump(review.pk, version, counselor, ReviewStatus.DONE if done else None)
    Review.objects.filter(pk=review.pk).update(note=note.strip()[:2000])
    review.refresh_from_db()
    audit_record(actor=counselor, student=student, action="review_note", done=done)
    message = (
        _("Your counselor finished reviewing your suggestions.") if done else _("Your counselor wrote you a note.")
    )
    Notification.objects.create(user=student, message=message)
    return review


@transaction.atomic
def review_move(*, counselor: User, student: User, program: Program, direction: str, version: int) -> Review:
    """Move a decided program one place up or down in the counselor's order."""
    review = Review.objects.get(student=student)
    items = list(review.items.order_by("position", "pk"))
    index = next((n for n, item in enumerate(items) if item.program_id == program.pk), None)
    if index is None or direction not in ("up", "down"):
        raise ReviewInputError(_("Choose a program in the list and a direction."))
    other = index - 1 if direction == "up" else index + 1
    review = _bump(review.pk, version, counselor)
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        for position, item in enumerate(items, start=1):
            ReviewItem.objects.filter(pk=item.pk).update(position=position)
    audit_record(actor=counselor, student=student, action="review_move", program=program.pk, direction=direction)
    return review


ACTIONS = (*Decision.values, "up", "down", "note", "done")


class ReviewProgramMissing(ReviewInputError):
    """The action names a program that does not exist."""


def review_act(
    *,
    counselor: User,
    student: User,
    action: str,
    version: int,
    program_id: int | None = None,
    reason: str = "",
    note: str = "",
) -> Review:
    """One counselor action on a review, for the page and the API alike: endorse, reject (with a reason) or add a
    program, move one up or down, write the note, or mark the review done."""
    if action not in ACTIONS:
        raise ReviewInputError(_("Unknown action."))
    if action in ("note", "done"):
        return review_note(counselor=counselor, student=student, note=note, version=version, done=action == "done")
    program = Program.objects.filter(pk=program_id or 0).first()
    if program is None:
        raise ReviewProgramMissing(_("Choose a program."))
    if action in ("up", "down"):
        return review_move(counselor=counselor, student=student, program=program, direction=action, version=version)
    return review_decide(
        counselor=counselor, student=student, program=program, decision=action, version=version, reason=reason
    )
