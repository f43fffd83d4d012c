"""Admin: specialty interest profiles, which an admin may override (with history)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from recommender.models import ProfileSource, SpecialtyProfile


@admin.register(SpecialtyProfile)
class SpecialtyProfileAdmin(SimpleHistoryAdmin):
    list_display = ["specialty", "holland", "r", "i", "a", "s", "e", "c", "source"]
    list_filter = ["source", "specialty__level", "specialty__specialty_class__category"]
    search_fields = ["specialty__code", "specialty__name"]
    list_select_related = ["specialty"]
    readonly_fields = ["specialty", "source"]
    fields = ["specialty", "r", "i", "a", "s", "e", "c", "source", "provenance"]

    @admin.display(description=_("Holland code"))
    def holland(self, profile: SpecialtyProfile) -> str:
        return profile.code

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # profiles come from the crosswalk; an admin adjusts one

    def save_model(self, request: HttpRequest, obj: SpecialtyProfile, form: Any, change: bool) -> None:
        # An edited profile is the admin's from now on: rebuilding from the crosswalk leaves it alone.
        if form.changed_data:
            obj.source = ProfileSource.ADMIN
            if "provenance" not in form.changed_data:
                obj.provenance = f"Set by {request.user} on {timezone.localdate():%Y-%m-%d}. Before: {obj.provenance}"
        super().save_model(request, obj, form, change)
