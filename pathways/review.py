"""Counselor review: reading a student's suggestions and deciding on them, with an audit row for every read and
write, a notification to the student for every change, and optimistic locking so no update is lost.

Every write names the version the counselor saw. The review's version is bumped with a conditional UPDATE; when
another counselor saved first, nothing is written and ReviewConflict is raised (HTTP 409 in the API).
"""

from __future__ import annotations

import csv
import io

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from pathways.consent import consent_state
from pathways.models import (
    AuditEntry,
    Cohort,
    CohortMembership,
    Decision,
    FeedbackKind,
    Notification,
    Plan,
    QuizAttempt,
    Review,
    ReviewItem,
    ReviewStatus,
)
from pathways.recommendations import feedback_record
from programs.models import Program


class ReviewConflict(RuntimeError):
    """Someone saved this review after the version the counselor was looking at."""

    def __init__(self, current: int) -> None:
        super().__init__(_("Another counselor changed this review first. Reload it to see their changes."))
        self.current = current


class ReviewInputError(ValueError):
    pass


def audit_record(*, actor: object, student: object, action: str, **detail: object) -> None:
    AuditEntry.objects.create(actor=actor, student=student, action=action, detail=detail)


def review_for(*, counselor: object, student: object) -> Review:
    """The review of a student (made on first look), with the read audited."""
    review, _created = Review.objects.get_or_create(student=student)
    audit_record(actor=counselor, student=student, action="review_view", version=review.version)
    return review


def _bump(review_id: int, expected: int, counselor: object, status: str | None = None) -> Review:
    changes: dict[str, object] = {"version": F("version") + 1, "updated_by": counselor}
    if status:
        changes["status"] = status
    if not Review.objects.filter(pk=review_id, version=expected).update(**changes):
        raise ReviewConflict(Review.objects.values_list("version", flat=True).get(pk=review_id))
    return Review.objects.get(pk=review_id)


def _latest_attempt(student: object) -> QuizAttempt | None:
    return QuizAttempt.objects.filter(student=student).order_by("-completed_at", "-pk").first()


@transaction.atomic
def review_decide(
    *, counselor: object, student: object, program: Program, decision: str, version: int, reason: str = ""
) -> Review:
    """Endorse, reject (a reason is required) or add a program; feeds the re-ranker; tells the student."""
    reason = reason.strip()
    if decision not in Decision.values:
        raise ReviewInputError(_("Unknown decision: %(d)s.") % {"d": decision})
    if decision == Decision.REJECTED and not reason:
        raise ReviewInputError(_("A rejection needs a reason the student can read."))
    review = Review.objects.get_or_create(student=student)[0]
    review = _bump(
        review.pk, version, counselor, ReviewStatus.IN_PROGRESS if review.status != ReviewStatus.DONE else None
    )
    last = review.items.aggregate(m=Max("position"))["m"] or 0
    defaults = {"decision": decision, "reason": reason[:200], "position": last + 1}
    ReviewItem.objects.update_or_create(review=review, program=program, defaults=defaults)
    attempt = _latest_attempt(student)
    if attempt is not None and decision != Decision.ADDED:
        kind = FeedbackKind.ENDORSE if decision == Decision.ENDORSED else FeedbackKind.REJECT
        feedback_record(actor=counselor, attempt=attempt, program=program, kind=kind, reason=reason)
    audit_record(actor=counselor, student=student, action=f"review_{decision}", program=program.pk, reason=reason)
    words = {
        Decision.ENDORSED: _("Your counselor endorsed %(p)s."),
        Decision.REJECTED: _("Your counselor advised against %(p)s: %(r)s"),
        Decision.ADDED: _("Your counselor suggested %(p)s."),
    }[decision]
    Notification.objects.create(user=student, message=(words % {"p": program, "r": reason})[:300])
    return review


@transaction.atomic
def review_note(*, counselor: object, student: object, note: str, version: int, done: bool = False) -> Review:
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


class RosterError(ValueError):
    """A roster with bad rows: each is (line, reason). Nothing was written."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__("; ".join(f"line {line}: {reason}" for line, reason in problems))
        self.problems = problems


def _roster_rows(text: str) -> list[tuple[int, str]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in next(reader, [])]
    if header[:1] != ["username"]:
        raise RosterError([(1, _("The first column must be headed “username”."))])
    return [(n, row[0].strip() if row else "") for n, row in enumerate(reader, start=2) if any(c.strip() for c in row)]


@transaction.atomic
def roster_import(*, counselor: object, cohort: Cohort, text: str) -> int:
    """Put the students named in a CSV (column `username`) into a class. All rows or none; every bad row is named.

    Students make their own accounts (with consent); a roster only says which class each one is in.
    """
    rows = _roster_rows(text)
    users = {u.username: u for u in User.objects.filter(username__in=[name for _line, name in rows])}
    memberships = CohortMembership.objects.filter(student__in=users.values())
    placed = dict(memberships.values_list("student__username", "cohort_id"))
    problems, seen = [], set()
    for line, name in rows:
        if name in seen:
            problems.append((line, _("%(name)s appears twice in the file.") % {"name": name}))
        elif name not in users:
            problems.append((line, _("No student account is called %(name)s.") % {"name": name}))
        elif placed.get(name) not in (None, cohort.pk):
            problems.append((line, _("%(name)s is already in another class.") % {"name": name}))
        seen.add(name)
    if problems or not rows:
        raise RosterError(problems or [(2, _("The file lists no students."))])
    for _line, name in rows:
        CohortMembership.objects.update_or_create(student=users[name], defaults={"cohort": cohort})
        audit_record(actor=counselor, student=users[name], action="roster_add", cohort=cohort.pk)
    return len(rows)


@transaction.atomic
def review_move(*, counselor: object, student: object, program: Program, direction: str, version: int) -> Review:
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


# The student's plan ---------------------------------------------------------------------------------------------------


class PlanRefused(ValueError):
    pass


def plan_choose(*, student: User, program_id: int | None) -> Plan:
    """The student aims at one published program; only with consent on record, as for anything else stored."""
    program = Program.objects.published().filter(pk=program_id or 0).first()
    if program is None:
        raise PlanRefused(_("There is no published program %(id)s.") % {"id": program_id})
    if not consent_state(user=student).may_store:
        raise PlanRefused(_("A plan is kept only with consent on record."))
    plan, _created = Plan.objects.update_or_create(student=student, defaults={"program": program})
    return plan
