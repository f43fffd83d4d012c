"""Joining a class: its code, and a guardian's agreement under 14."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pathways.students.forms import GuardianFields


class ClassJoinForm(GuardianFields):
    """A student joins a class with its join code or by accepting an invitation; under 14, a guardian agrees too."""

    code = forms.CharField(label=_("Class join code"), max_length=32, required=False)
    guardian_agree = forms.BooleanField(
        label=_("I am this student's guardian, and I agree that the class's counselors see the student's results."),
        required=False,
    )

    def guardian(self) -> dict[str, str]:
        if not self.is_valid() or not self.cleaned_data.get("guardian_agree"):
            return {"name": "", "relation": ""}
        return {"name": self.cleaned_data["guardian_name"], "relation": self.cleaned_data["guardian_relation"]}
