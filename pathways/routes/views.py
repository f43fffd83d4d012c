"""The pathway explorer and the route pages. Each parses the request, calls one selector and renders."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pathways.models import Admission
from pathways.routes import selectors
from pathways.routes.forms import PathwayQueryForm
from programs.paging import page_of, query_without_page

PATHWAYS_PER_PAGE = 10
GROUPS_PER_PAGE = 8


@require_GET
def explorer(request: HttpRequest) -> HttpResponse:
    submitted = bool(request.GET.get("start")) and "pick" not in request.GET
    form = PathwayQueryForm(request.GET if submitted else None, initial={"start": "junior"})
    context: dict[str, object] = {"form": form, "query": query_without_page(request)}
    context["choices"] = selectors.start_program_choices(q=request.GET.get("q", "")[:50])
    context["q"] = request.GET.get("q", "")[:50]
    if submitted and form.is_valid():
        fit = selectors.student_fit(user=request.user)
        results = selectors.PathwayResults(start=form.start_program, filters=form.filters(), fit=fit)
        context["total"] = len(results)
        context["grouped"] = request.GET.get("view") != "all"
        if context["grouped"]:  # by first move, each with its first pathways: a few screens, not a thousand pages
            context["page"] = page_of(request, selectors.PathwayGroups(results), GROUPS_PER_PAGE)
        else:
            context["page"] = page_of(request, results, PATHWAYS_PER_PAGE)
        every = request.GET.copy()
        every.pop("page", None)
        every["view"] = "all"
        context["all_query"] = every.urlencode()
        summary = results.summary()
        context["summary"] = summary
        for line in summary:  # each route kind's line opens the same query narrowed to that kind
            params = request.GET.copy()
            params.pop("page", None)
            params.setlist("routes", [line.code])
            line.link = params.urlencode()
        context["by_fit"] = results.by_fit
        context["start_program"] = form.start_program
        context["academic_year"] = results.academic_year
    return render(request, "pathways/explorer.html", context)


@require_GET
def route_list(request: HttpRequest) -> HttpResponse:
    year = selectors.current_academic_year()
    routes = selectors.routes_with_counts(academic_year=year)
    return render(request, "pathways/route_list.html", {"routes": routes, "academic_year": year})


@require_GET
def route_detail(request: HttpRequest, code: str) -> HttpResponse:
    route = selectors.route_detail(code=code)
    if route is None:
        raise Http404
    year = selectors.current_academic_year()
    links = selectors.articulations_search(route=route, academic_year=year, q=request.GET.get("q", "")[:50])
    links = links.live()  # type: ignore[attr-defined]  # ArticulationQuerySet
    context = {
        "route": route,
        "academic_year": year,
        "timeline": selectors.route_timeline(route=route),
        "page": page_of(request, links),
        "query": query_without_page(request),
        "q": request.GET.get("q", "")[:50],
        "categories": (
            selectors.skill_categories_with_specialties() if route.admission == Admission.SKILLS_EXAM else None
        ),
    }
    return render(request, "pathways/route_detail.html", context)
