"""Template context for every page: what the header shows a signed-in user, in one query: how many notifications they
have not read, and which of the role links (my school, my students, my classes) are theirs."""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection
from django.http import HttpRequest

from pathways.models import Cohort, Notification, SchoolStaff, StaffRole


@functools.cache
def _header_sql() -> str:
    # Plain SQL, built once: the ORM spends longer composing these three subqueries than three small queries take.
    notification, staff = Notification._meta, SchoolStaff._meta
    counselors = Cohort.counselors.through._meta
    return (
        f"SELECT (SELECT COUNT(*) FROM {notification.db_table} WHERE {notification.get_field('user').column} = %s"
        f" AND {notification.get_field('read_at').column} IS NULL),"
        f" (SELECT {staff.get_field('role').column} FROM {staff.db_table} WHERE {staff.get_field('user').column} = %s),"
        f" EXISTS (SELECT 1 FROM {counselors.db_table} WHERE {counselors.get_field('user').column} = %s)"
    )


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_header_sql(), [user.pk] * 3)
        unread, role, counsels = cursor.fetchone()
    header = {
        "school_admin": role == StaffRole.SCHOOL_ADMIN,
        "school_staff": role is not None,
        "counselor": bool(counsels),
    }
    return {"unread_count": unread, "header": header}
