"""The pathway query: one form behind the explorer page and the pathways API, so both validate alike."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from pathways.models import RouteKind, Stage
from pathways.routes.graph import PathwayFilters
from pathways.students import consent
from programs.districts import DISTRICT_CHOICES
from programs.models import IndustryCluster, Level, Program

START_CHOICES = [("junior", _("I am finishing 初中")), ("program", _("I am in a 中职 or 高职 program"))]
SCOPE_CHOICES = [
    ("district", _("My district")),
    ("area", _("My part of Chongqing (一区两群)")),
    ("city", _("Anywhere in Chongqing")),
]
MAX_YEARS = 10


class PathwayQueryForm(forms.Form):
    start = forms.ChoiceField(
        label=_("Where I am now"), choices=START_CHOICES, initial="junior", widget=forms.RadioSelect
    )
    district = forms.ChoiceField(label=_("Home district"), required=False)
    program = forms.IntegerField(label=_("My program"), required=False, min_value=1, widget=forms.HiddenInput)
    scope = forms.ChoiceField(label=_("School area"), choices=SCOPE_CHOICES, required=False)
    near_home = forms.BooleanField(label=_("Keep every stage in that area"), required=False)
    routes = forms.MultipleChoiceField(label=_("Routes"), required=False, widget=forms.CheckboxSelectMultiple)
    max_years = forms.IntegerField(label=_("At most this many years"), required=False, min_value=1, max_value=MAX_YEARS)
    cluster = forms.ChoiceField(label=_("Industry I aim at"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_ = [("", _("Any"))]
        self.fields["district"].choices = [("", _("Choose…"))] + DISTRICT_CHOICES
        self.fields["routes"].choices = [(r.code, r.display_name) for r in RouteKind.objects.order_by("position")]
        self.fields["cluster"].choices = any_ + list(
            IndustryCluster.objects.order_by("position").values_list("code", "name")
        )
        self.start_program: Program | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") == "junior" and not data.get("district"):
            self.add_error("district", _("Choose your home district."))
        if data.get("start") == "program":
            self._clean_program(data.get("program"))
        return data

    def _clean_program(self, program_id: int | None) -> None:
        if program_id is None:
            self.add_error("program", _("Choose the program you are in."))
            return
        program = Program.objects.select_related("institution", "specialty").filter(pk=program_id).first()
        if program is None:
            self.add_error("program", _("There is no program %(id)s.") % {"id": program_id})
        elif program.specialty.level == Level.BACHELOR:
            self.add_error("program", _("A 本科 program is the last stage: no route leads on from it."))
        else:
            self.start_program = program

    def filters(self) -> PathwayFilters:
        """The filters of a valid form."""
        data = self.cleaned_data
        district = data.get("district") or (self.start_program.institution.district if self.start_program else "")
        cluster = IndustryCluster.objects.filter(code=data.get("cluster") or "").values_list("pk", flat=True).first()
        return PathwayFilters(
            district=district,
            # A 初中 graduate's first school is near home by default; from a program, "near home" means the area.
            scope=data.get("scope") or ("district" if data.get("start") == "junior" else "area"),
            near_home=bool(data.get("near_home")),
            routes=frozenset(data.get("routes") or ()),
            max_years=data.get("max_years"),
            cluster=cluster,
        )


GUARDIAN_RELATIONS = [
    ("", _("Choose…")),
    ("父亲", _("Father")),
    ("母亲", _("Mother")),
    ("祖父母", _("Grandparent")),
    ("其他监护人", _("Other guardian")),
]


class ConsentForm(forms.Form):
    """The consent a student gives (and a guardian, for a student under 14) before anything is stored."""

    birth_year = forms.IntegerField(label=_("Year of birth"), min_value=1950, max_value=2100)
    birth_month = forms.IntegerField(label=_("Month of birth"), min_value=1, max_value=12)
    agree = forms.BooleanField(label=_("I have read the privacy notice and agree that my quiz results are stored."))
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=32, required=False)
    guardian_relation = forms.ChoiceField(label=_("Relation"), choices=GUARDIAN_RELATIONS, required=False)
    guardian_agree = forms.BooleanField(
        label=_("I am this student's guardian, I have read the privacy notice, and I agree."), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
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


class RecommendationForm(forms.Form):
    """What the student tells us beyond the quiz: where they stand now, where home is, which routes they like."""

    stage = forms.ChoiceField(label=_("Where I am now"), choices=Stage.choices, initial=Stage.JUNIOR)
    district = forms.ChoiceField(label=_("Home district"), required=False)
    routes = forms.MultipleChoiceField(label=_("Routes I prefer"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("Choose…"))] + DISTRICT_CHOICES
        self.fields["routes"].choices = [(r.code, r.display_name) for r in RouteKind.objects.order_by("position")]


class ClassJoinForm(forms.Form):
    """A student joins a class with its join code or by accepting an invitation; under 14, a guardian agrees too."""

    code = forms.CharField(label=_("Class join code"), max_length=32, required=False)
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=32, required=False)
    guardian_relation = forms.ChoiceField(label=_("Relation"), choices=GUARDIAN_RELATIONS, required=False)
    guardian_agree = forms.BooleanField(
        label=_("I am this student's guardian, and I agree that the class's counselors see the student's results."),
        required=False,
    )

    def guardian(self) -> dict[str, str]:
        if not self.is_valid() or not self.cleaned_data.get("guardian_agree"):
            return {"name": "", "relation": ""}
        return {"name": self.cleaned_data["guardian_name"], "relation": self.cleaned_data["guardian_relation"]}
