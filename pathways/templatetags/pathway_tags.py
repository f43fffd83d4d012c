"""Route sections for the catalog's specialty and program pages.

`programs` knows nothing of routes; its templates ask this library for the section instead.
"""

from __future__ import annotations

from django import template

from pathways.routes import selectors
from programs.models import Program, Specialty

register = template.Library()


@register.inclusion_tag("pathways/_program_routes.html")
def program_routes(program: Program) -> dict[str, object]:
    return {"program": program, "routes": selectors.routes_for_program(program=program)}


@register.inclusion_tag("pathways/_specialty_routes.html")
def specialty_routes(specialty: Specialty) -> dict[str, object]:
    return {"specialty": specialty, "routes": selectors.routes_for_specialty(specialty=specialty)}
