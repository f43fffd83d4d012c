"""Template context for every page: how many notifications a signed-in user has not read (one count query)."""

from __future__ import annotations

from django.http import HttpRequest

from pathways.models import Notification


def unread_notifications(request: HttpRequest) -> dict[str, int]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_count": Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()}
