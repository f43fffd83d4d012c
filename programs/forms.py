from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.districts import DISTRICT_CHOICES
from programs.models import Category, IndustryCluster, InstitutionKind, Level
from programs.selectors import CatalogFilters


class CatalogFilterForm(forms.Form):
    """The public catalog's search and filters. A bad value is reported and ignored, never a 500."""

    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    level = forms.ChoiceField(label=_("Level"), required=False)
    category = forms.ChoiceField(label=_("Category (大类)"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    cluster = forms.ChoiceField(label=_("Industry"), required=False)
    kind = forms.ChoiceField(label=_("School type"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        any_ = [("", _("Any"))]
        cast(forms.ChoiceField, self.fields["level"]).choices = any_ + list(Level.choices)
        cast(forms.ChoiceField, self.fields["category"]).choices = any_ + [
            (code, f"{code} {name} · {Level(level).label}")
            for code, name, level in Category.objects.order_by("code").values_list("code", "name", "level")
        ]
        cast(forms.ChoiceField, self.fields["district"]).choices = [*any_, *DISTRICT_CHOICES]
        cast(forms.ChoiceField, self.fields["cluster"]).choices = [*any_, *IndustryCluster.choices()]
        cast(forms.ChoiceField, self.fields["kind"]).choices = any_ + list(InstitutionKind.choices)

    def filters(self) -> CatalogFilters:
        self.is_valid()
        valid = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return CatalogFilters(**{k: v or "" for k, v in valid.items()})
