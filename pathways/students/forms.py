"""The forms a student fills in to be stored at all: consent (and a guardian's, under 14) and sign-up."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from pathways.students import consent

GUARDIAN_RELATIONS = [
    ("", _("Choose…")),
    ("父亲", _("Father")),
    ("母亲", _("Mother")),
    ("祖父母", _("Grandparent")),
    ("其他监护人", _("Other guardian")),
]


class GuardianFields(forms.Form):
    """A guardian's name and relation; each form that asks for them says what the guardian agrees to."""

    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=32, required=False)
    guardian_relation = forms.ChoiceField(label=_("Relation"), choices=GUARDIAN_RELATIONS, required=False)


class ConsentForm(GuardianFields):
    """The consent a student gives (and a guardian, for a student under 14) before anything is stored."""

    birth_year = forms.IntegerField(label=_("Year of birth"), min_value=1950, max_value=2100)
    birth_month = forms.IntegerField(label=_("Month of birth"), min_value=1, max_value=12)
    agree = forms.BooleanField(label=_("I have read the privacy notice and agree that my quiz results are stored."))
    guardian_agree = forms.BooleanField(
        label=_("I am this student's guardian, I have read the privacy notice, and I agree."), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.check_guardian(data)
        return data

    def check_guardian(self, data: dict[str, Any]) -> None:
        year, month = data.get("birth_year"), data.get("birth_month")
        problem = consent.birth_problem(birth_year=year, birth_month=month) if year and month else None
        if problem:
            self.add_error("birth_year", problem)
        elif year and month and consent.is_under_guardian_age(birth_year=year, birth_month=month):
            message = _("Under 14, a guardian must agree before anything is stored.")
            if not data.get("guardian_name", "").strip():
                self.add_error("guardian_name", message)
            if not data.get("guardian_relation"):
                self.add_error("guardian_relation", message)
            if not data.get("guardian_agree"):
                self.add_error("guardian_agree", message)

    def guardian(self) -> dict[str, str]:
        """The guardian's name and relation, only when the guardian ticked their box."""
        if not self.cleaned_data.get("guardian_agree"):
            return {"guardian_name": "", "guardian_relation": ""}
        return {k: self.cleaned_data.get(k, "") for k in ("guardian_name", "guardian_relation")}


class StudentSignupForm(UserCreationForm, ConsentForm):
    """A student account: a nickname, a password and the consent. No real name, phone or school is asked."""

    class Meta(UserCreationForm.Meta):
        fields = ("username",)
        help_texts = {"username": _("A nickname is enough. Do not use your real name.")}

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # ModelForm.clean does not chain to ConsentForm.clean
        self.check_guardian(data)
        return data
