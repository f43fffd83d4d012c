"""Classes and who is in them. A student is in a class only by their own act: typing the class join code the
counselor shares, or accepting an invitation that the counselor sent from the roster. Until then the counselor
sees nothing of them. Only student accounts join; a guardian agrees for a student under 14, as at sign-up. The
student sees which classes and counselors can see their data and can leave; invitations, joining, declining and
leaving leave audit rows, and the counselors are told when a student joins or leaves.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pathways.models import (
    Cohort,
    CohortInvitation,
    CohortMembership,
    InvitationStatus,
    Notification,
)
from pathways.models.review import join_code_new
from pathways.students.access import is_student, student_accounts
from pathways.students.audit import audit_record
from pathways.students.consent import consent_state
from programs.web.inputs import line_ok


class ClassRefused(ValueError):
    """The student cannot join (or answer) now; the message says why and what to do."""


@dataclass(frozen=True)
class Guardian:
    """A guardian agreeing, with the student, that the class's counselors may see the student's data."""

    name: str = ""
    relation: str = ""

    @property
    def given(self) -> bool:
        return bool(self.name.strip() and self.relation.strip())


def _notify_counselors(cohort: Cohort, message: str) -> None:
    Notification.objects.bulk_create(Notification(user=c, message=message[:300]) for c in cohort.counselors.all())


def _join(*, student: User, cohort: Cohort, guardian: Guardian, how: str) -> CohortMembership:
    if not is_student(student):
        raise ClassRefused(_("Only student accounts can join a class."))
    state = consent_state(user=student)
    if not state.may_store:
        raise ClassRefused(_("Agree to the privacy notice first (and, under 14, have a guardian agree)."))
    if state.guardian_needed and not guardian.given:
        raise ClassRefused(_("Under 14, a guardian must agree before a class's counselors can see your results."))
    current = CohortMembership.objects.select_related("cohort").filter(student=student).first()
    if current is not None and current.cohort_id == cohort.pk:
        return current
    if current is not None:
        raise ClassRefused(
            _("You are in %(name)s already. Leave it first to join another class.") % {"name": current.cohort.name}
        )
    try:
        with transaction.atomic():
            membership = CohortMembership.objects.create(
                cohort=cohort,
                student=student,
                guardian_name=guardian.name.strip()[:32],
                guardian_relation=guardian.relation.strip()[:16],
            )
    except IntegrityError as exc:  # joined elsewhere at the same moment
        raise ClassRefused(_("You are in a class already. Leave it first to join another class.")) from exc
    CohortInvitation.objects.filter(cohort=cohort, student=student, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.ACCEPTED, answered_at=timezone.now()
    )
    audit_record(
        actor=student, student=student, action="class_join", cohort=cohort.pk, how=how, guardian=guardian.given
    )
    _notify_counselors(cohort, _("%(student)s joined %(name)s.") % {"student": student.username, "name": cohort.name})
    return membership


def join_code_clean(raw: str) -> str:
    """A typed code as stored: capitals, without the spaces or dashes people type between groups."""
    return "".join(ch for ch in raw.upper() if ch not in " -")[:16]


@transaction.atomic
def class_join(*, student: User, code: str, guardian: Guardian = Guardian()) -> CohortMembership:
    """Join the class whose join code the student typed."""
    cleaned = join_code_clean(code)
    cohort = Cohort.objects.filter(join_code=cleaned).first() if cleaned else None
    if cohort is None:
        raise ClassRefused(_("No class has this code. Check it with your counselor."))
    return _join(student=student, cohort=cohort, guardian=guardian, how="code")


@transaction.atomic
def invitation_answer(
    *, student: User, invitation_id: int, accept: bool, guardian: Guardian = Guardian()
) -> CohortInvitation:
    """Accept (join the class) or decline one of the student's own pending invitations."""
    invitation = (
        CohortInvitation.objects.select_for_update()
        .select_related("cohort")
        .filter(pk=invitation_id, student=student, status=InvitationStatus.PENDING)
        .first()
    )
    if invitation is None:
        raise ClassRefused(_("This invitation is not open any more."))
    if accept:
        _join(student=student, cohort=invitation.cohort, guardian=guardian, how="invitation")
        invitation.refresh_from_db()
        return invitation
    invitation.status, invitation.answered_at = InvitationStatus.DECLINED, timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    audit_record(actor=student, student=student, action="class_decline", cohort=invitation.cohort_id)
    return invitation


@transaction.atomic
def class_leave(*, student: User) -> Cohort | None:
    """Leave the class: its counselors no longer see the student, and are told."""
    membership = CohortMembership.objects.select_related("cohort").filter(student=student).first()
    if membership is None:
        return None
    cohort = membership.cohort
    membership.delete()
    audit_record(actor=student, student=student, action="class_leave", cohort=cohort.pk)
    _notify_counselors(cohort, _("%(student)s left %(name)s.") % {"student": student.username, "name": cohort.name})
    return cohort


@transaction.atomic
def join_code_renew(*, counselor: User, cohort: Cohort) -> str:
    """A new join code for the class (the old one stops working); who is in the class does not change."""
    cohort.join_code = join_code_new()
    cohort.save(update_fields=["join_code"])
    return cohort.join_code


# The roster: invitations, never placements ---------------------------------------------------------------------

USERNAME_MAX = 150
ROSTER_MAX_ROWS = 500
# One message for every row, whether the account exists or not: the roster must not tell which usernames exist.
INVITED = "invited"


class RosterError(ValueError):
    """A roster that cannot be read: each problem is (line, reason). Nothing was written."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__("; ".join(f"line {line}: {reason}" for line, reason in problems))
        self.problems = problems


def _roster_rows(text: str) -> list[tuple[int, str]]:
    if "\x00" in text:
        raise RosterError([(1, _("The file holds a NUL byte: save it again as CSV (UTF-8)."))])
    try:
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
        header = [h.strip().lower() for h in next(reader, [])]
        if header[:1] != ["username"]:
            raise RosterError([(1, _("The first column must be headed “username”."))])
        return [
            (n, row[0].strip() if row else "") for n, row in enumerate(reader, start=2) if any(c.strip() for c in row)
        ]
    except csv.Error as exc:  # a field over the csv module's limit, a stray quote
        raise RosterError([(1, _("The file is not a CSV file we can read: %(why)s.") % {"why": exc})]) from exc


def _row_problems(rows: list[tuple[int, str]]) -> list[tuple[int, str]]:
    problems, seen = [], set()
    for line, name in rows:
        if not name or len(name) > USERNAME_MAX or not line_ok(name):
            problems.append((line, _("A username has 1 to 150 characters, with no control characters.")))
        elif name in seen:
            problems.append((line, _("This username appears twice in the file.")))
        seen.add(name)
    if len(rows) > ROSTER_MAX_ROWS:
        problems.append((1, _("A roster lists at most %(n)s students.") % {"n": ROSTER_MAX_ROWS}))
    return problems or ([] if rows else [(2, _("The file lists no students."))])


@transaction.atomic
def roster_invite(*, counselor: User, cohort: Cohort, text: str) -> list[tuple[int, str, str]]:
    """Invite the students named in a CSV (column `username`) to a class: all rows or none.

    Every well-formed row gets the same answer (INVITED), whether or not such a student exists; an invitation is
    made only for a student account that is not in the class yet, and the student accepts or declines it.
    """
    rows = _roster_rows(text)
    problems = _row_problems(rows)
    if problems:
        raise RosterError(problems)
    names = [name for _line, name in rows]
    for student in student_accounts().filter(username__in=names).exclude(membership__cohort=cohort):
        _invitation, created = CohortInvitation.objects.get_or_create(
            cohort=cohort, student=student, defaults={"invited_by": counselor}
        )
        if created:
            audit_record(actor=counselor, student=student, action="class_invite", cohort=cohort.pk)
            Notification.objects.create(
                user=student,
                message=(
                    _("You are invited to join %(name)s (%(school)s). Accept or decline it on My classes.")
                    % {"name": cohort.name, "school": cohort.school.name}
                )[:300],
            )
    return [(line, name, INVITED) for line, name in rows]
