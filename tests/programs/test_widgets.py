"""Widgets that keep what they drew (programs/web/widgets.py) draw exactly what Django's own widgets draw."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from programs.districts import DISTRICT_CHOICES
from programs.web import widgets

CHOICES = [("", _("Choose…")), *DISTRICT_CHOICES]


def _form(select: type[forms.Widget], boxes: type[forms.Widget]) -> type[forms.Form]:
    class Form(forms.Form):
        district = forms.ChoiceField(choices=CHOICES, required=False, widget=select)
        routes = forms.MultipleChoiceField(
            choices=[("3-2", _("Routes I prefer")), ("upgrade", "专升本")], required=False, widget=boxes
        )

    return Form


def _drawn(form: forms.Form) -> str:
    return str(form["district"]) + "".join(box.tag() + str(box.choice_label) for box in form["routes"])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("data", [None, {"district": "万州区", "routes": ["upgrade"]}, {"district": "nowhere"}])
def test_a_kept_widget_draws_what_django_draws_every_time(language: str, data: dict | None) -> None:
    plain, kept = _form(forms.Select, forms.CheckboxSelectMultiple), _form(widgets.KeptSelect, widgets.KeptCheckboxes)
    with translation.override(language):
        expected = _drawn(plain(data))
        assert _drawn(kept(data)) == expected
        assert _drawn(kept(data)) == expected  # the second time from what was kept


def test_a_kept_widget_draws_once_for_the_same_context(monkeypatch: pytest.MonkeyPatch) -> None:
    widgets._drawn.clear()
    drawn: list[str] = []
    real = forms.Select._render

    def counting(self: forms.Widget, template_name: str, context: dict, renderer: object = None) -> str:
        drawn.append(template_name)
        return real(self, template_name, context, renderer)  # type: ignore[arg-type]

    monkeypatch.setattr(forms.Select, "_render", counting)
    form = _form(widgets.KeptSelect, widgets.KeptCheckboxes)
    str(form({"district": "万州区"})["district"])
    str(form({"district": "万州区"})["district"])
    str(form({"district": "渝中区"})["district"])
    assert drawn == ["django/forms/widgets/select.html"] * 2
