"""Types the views share: django-stubs types `request.user` as a user or an anonymous one; behind `login_required`
(pages) or `IsAuthenticated` (the API) it is a signed-in user, and these say so once."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from django.http import HttpRequest
from rest_framework.request import Request


class SignedInRequest(HttpRequest):
    """The request of a `login_required` page."""

    user: User


def api_user(request: Request) -> User:
    """The signed-in user of an API view whose permission is IsAuthenticated."""
    return cast(User, request.user)
