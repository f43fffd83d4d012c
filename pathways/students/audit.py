"""The audit trail: one row for every read or change of a student's data by someone other than the student, and for
the student's own joining and leaving of classes. The actor's username is kept in the row, so the trail still says
who acted after that account is deleted."""

from __future__ import annotations

from django.contrib.auth.models import User

from pathways.models import AuditEntry


def audit_record(*, actor: User, student: User, action: str, **detail: object) -> AuditEntry:
    username = getattr(actor, "username", "") or ""
    return AuditEntry.objects.create(
        actor=actor, actor_username=username, student=student, action=action, detail=detail
    )
