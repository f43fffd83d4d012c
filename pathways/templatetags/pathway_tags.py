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


@register.inclusion_tag("pathways/_program_routes_brief.html")
def program_routes_brief(program: Program) -> dict[str, object]:
    """The route kinds into and out of a program, each once with how many links it has: a comparison's one cell."""
    routes = selectors.routes_for_program(program=program)

    def kinds(links: list) -> list[tuple[object, int]]:
        counted: dict[str, list] = {}
        for link in links:
            counted.setdefault(link.route.code, [link.route, 0])[1] += 1
        return [(route, n) for route, n in counted.values()]

    return {"into": kinds(routes.into), "out": kinds(routes.out), "routes": routes, "program": program}
