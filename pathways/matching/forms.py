"""What the student tells us beyond the quiz, on the recommendations page."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pathways.models import RouteKind, Stage
from pathways.routes.graph import graph_get
from programs.districts import DISTRICT_CHOICES
from programs.web.widgets import KeptCheckboxes, KeptSelect


class RecommendationForm(forms.Form):
    """What the student tells us beyond the quiz: where they stand now, where home is, which routes they like."""

    stage = forms.ChoiceField(label=_("Where I am now"), choices=Stage.choices, initial=Stage.JUNIOR, widget=KeptSelect)
    district = forms.ChoiceField(
        label=_("Home district"), choices=[("", _("Choose…")), *DISTRICT_CHOICES], required=False, widget=KeptSelect
    )
    routes = forms.MultipleChoiceField(label=_("Routes I prefer"), required=False, widget=KeptCheckboxes)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["routes"]).choices = [(r.code, r.display_name) for r in _route_kinds()]


def _route_kinds() -> list[RouteKind]:
    """Every route kind in its order, from the route graph this process keeps (rebuilt when a route kind changes),
    which the page reads anyway; from the database only before any articulation exists."""
    graph = graph_get()
    if graph is None:
        return list(RouteKind.objects.order_by("position", "code"))
    return sorted(graph.routes.values(), key=lambda route: (route.position, route.code))
