"""The student's plan: the one published program they aim at, kept only with consent on record."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from pathways.models import (
    Plan,
)
from pathways.students.consent import consent_state
from programs.models import Program


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
