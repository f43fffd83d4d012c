"""Signing in, with a limit per address on top of django-axes' per-username-and-address lockout: one address that
fails SIGNIN_ADDRESS_FAILURES times within SIGNIN_ADDRESS_WINDOW minutes, whatever usernames it tries, is refused
until the window ends. A whole school may share one address, so the limit is far above one class's typing mistakes.
The sign-in page and the "sign in and save" step of the quiz both use SignInForm."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from pathways.students import consent
from pathways.students.forms import StudentSignupForm
from programs.web.addresses import client_address

ADDRESS_LOCKED = "address_locked"


def _key(request: Any) -> str:
    return f"signin-failures:{client_address(request)}"


class SignInForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        key = _key(self.request)
        if (cache.get(key) or 0) >= settings.SIGNIN_ADDRESS_FAILURES:
            raise ValidationError(
                _("Too many failed sign-ins from this network. Please wait %(n)s minutes and try again.")
                % {"n": settings.SIGNIN_ADDRESS_WINDOW_MINUTES},
                code=ADDRESS_LOCKED,
            )
        try:
            return super().clean()
        except ValidationError:
            if cache.add(key, 1, settings.SIGNIN_ADDRESS_WINDOW_MINUTES * 60) is False:
                try:
                    cache.incr(key)
                except ValueError:  # expired in between
                    cache.add(key, 1, settings.SIGNIN_ADDRESS_WINDOW_MINUTES * 60)
            raise

    def address_locked(self) -> bool:
        return any(e.code == ADDRESS_LOCKED for e in self.errors.as_data().get("__all__", []))


class SignInView(auth_views.LoginView):
    authentication_form = SignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "email_reset": settings.PASSWORD_RESET_BY_EMAIL}

    def form_invalid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.address_locked():
            response.status_code = 429
        return response


def register_and_sign_in(request: HttpRequest, form: StudentSignupForm) -> None:
    """Make the student's account with its consents (one transaction) and sign them in."""
    data = form.cleaned_data
    user = consent.student_register(
        username=data["username"],
        password=data["password1"],
        birth_year=data["birth_year"],
        birth_month=data["birth_month"],
        **form.guardian(),
    )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
