"""The explorer's query: one form validates both the page and the API."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pathways.models import RouteKind
from pathways.routes.graph import PathwayFilters
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
        cast(forms.ChoiceField, self.fields["district"]).choices = [("", _("Choose…")), *DISTRICT_CHOICES]
        cast(forms.ChoiceField, self.fields["routes"]).choices = [
            (r.code, r.display_name) for r in RouteKind.objects.order_by("position")
        ]
        cast(forms.ChoiceField, self.fields["cluster"]).choices = [*any_, *IndustryCluster.choices()]
        self.start_program: Program | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
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
