"""The student's plan: the one published program they aim at, kept only with consent on record; and the read-only
links to the parents' report that the student makes and revokes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from pathways.models import Plan, ReportShare
from pathways.students.consent import consent_state
from programs.models import Program
from programs.web.inputs import line_ok


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


SHARE_DAYS = (7, 30)  # how long a parents' report link may last, as the student picks


def _share_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def report_share_create(*, student: User, shown_name: str, days: int) -> str:
    """A new read-only link to the student's parents' report; returns its secret (shown once, kept as a digest)."""
    if days not in SHARE_DAYS:
        raise PlanRefused(_("A link lasts 7 or 30 days."))
    shown_name = shown_name.strip()
    if len(shown_name) > 32 or not line_ok(shown_name):
        raise PlanRefused(_("The name shown has at most 32 characters on one line."))
    if not consent_state(user=student).may_store:
        raise PlanRefused(_("Agree to the privacy notice first."))
    secret = secrets.token_urlsafe(24)
    ReportShare.objects.create(
        student=student,
        digest=_share_digest(secret),
        shown_name=shown_name,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return secret


def report_share_revoke(*, student: User, share_id: int) -> None:
    """End one of the student's own links at once; another's link is not found."""
    updated = ReportShare.objects.filter(student=student, pk=share_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise PlanRefused(_("No such link."))


def report_share_open(*, secret: str) -> ReportShare | None:
    """The live link with this secret, or None (unknown, expired or revoked all look the same)."""
    if not 20 <= len(secret) <= 64:
        return None
    return (
        ReportShare.objects.filter(digest=_share_digest(secret), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("student")
        .first()
    )
