"""A person's own password: set it with a one-time code (a new staff account, or a forgotten password), or change
it when signed in. Nobody sets another person's password; they issue a code (`codes`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from pathways.students.codes import CodeRefused, code_redeem
from programs.web.api import page_allowed
from programs.web.responses import too_many_requests


class CodeForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    code = forms.CharField(
        label=gettext_lazy("One-time code"),
        max_length=20,
        help_text=gettext_lazy("The code your counselor or school administrator gave you, e.g. ABCD-EFGH-JKMN."),
    )
    password = forms.CharField(label=gettext_lazy("New password"), max_length=128, widget=forms.PasswordInput)
    password_again = forms.CharField(
        label=gettext_lazy("New password again"), max_length=128, widget=forms.PasswordInput
    )


@require_http_methods(["GET", "POST"])
def code_page(request: HttpRequest) -> HttpResponse:
    """Set a password with a one-time code; then sign in with it."""
    if request.method == "POST" and not page_allowed(request, "account_code"):
        return too_many_requests(request)
    form = CodeForm(request.POST or None, initial={"username": request.GET.get("username", "")[:150]})
    if request.method == "POST" and form.is_valid():
        try:
            code_redeem(**form.cleaned_data)
        except CodeRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your password is set. Sign in with it now."))
            return redirect("login")
    return render(request, "registration/account_code.html", {"form": form})


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("pathways:password_changed")


def password_changed(request: HttpRequest) -> HttpResponse:
    messages.success(request, _("Your password has been changed."))
    return redirect("home")


def _email_on(view: Any) -> Any:
    """The email reset pages exist only where the operator configured a mail server (EMAIL_HOST)."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.PASSWORD_RESET_BY_EMAIL:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


email_reset = _email_on(
    auth_views.PasswordResetView.as_view(
        template_name="registration/email_reset.html",
        email_template_name="registration/email_reset_message.txt",
        subject_template_name="registration/email_reset_subject.txt",
        success_url=reverse_lazy("pathways:email_reset_sent"),
    )
)
email_reset_sent = _email_on(
    auth_views.PasswordResetDoneView.as_view(template_name="registration/email_reset_sent.html")
)
email_reset_confirm = _email_on(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="registration/password_change.html", success_url=reverse_lazy("pathways:email_reset_done")
    )
)


email_reset_done = _email_on(
    auth_views.PasswordResetCompleteView.as_view(template_name="registration/email_reset_done.html")
)
