"""Public catalog pages. Each parses the request, calls one selector and renders."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from programs import selectors
from programs.forms import CatalogFilterForm
from programs.models import IndustryCluster, Level
from programs.paging import page_of, query_without_page
from programs.web.inputs import parse_id


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    per_level = selectors.specialty_counts_per_level()
    added = selectors.specialty_counts_per_level(additions=True)
    context = {
        "levels": [(value, label, per_level.get(value, 0), added.get(value, 0)) for value, label in Level.choices],
        "tiers": selectors.clusters_by_tier(),
    }
    return render(request, "programs/home.html", context)


@require_GET
def specialty_list(request: HttpRequest) -> HttpResponse:
    form = CatalogFilterForm(request.GET)
    page = page_of(request, selectors.specialties_search(filters=form.filters()))
    context = {"form": form, "page": page, "query": query_without_page(request)}
    return render(request, "programs/specialty_list.html", context)


@require_GET
def specialty_detail(request: HttpRequest, code: str) -> HttpResponse:
    specialty = selectors.specialty_detail(code=code)
    if specialty is None:
        raise Http404
    linked = [s.pk for s in specialty.follow_on.all()] + [s.pk for s in specialty.preceded_by.all()]
    related = selectors.specialty_related_at_other_levels(specialty=specialty).exclude(pk__in=linked)
    return render(request, "programs/specialty_detail.html", {"specialty": specialty, "related": related})


@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    form = CatalogFilterForm(request.GET)
    page = page_of(request, selectors.programs_search(filters=form.filters()))
    context = {"form": form, "page": page, "query": query_without_page(request)}
    return render(request, "programs/program_list.html", context)


@require_GET
def program_detail(request: HttpRequest, program_id: int) -> HttpResponse:
    program = selectors.program_detail(program_id=program_id)
    if program is None:
        raise Http404
    return render(request, "programs/program_detail.html", {"program": program})


@require_GET
def program_compare(request: HttpRequest) -> HttpResponse:
    """Two to four programs side by side (`?p=1&p=2…`): specialty, school, district, years, routes, places, tuition,
    outcomes, industries and what graduates do. Catalog data only, so anyone may compare."""
    ids = [parse_id(value) for value in request.GET.getlist("p")]
    try:
        if None in ids:
            raise selectors.CompareRefused(_("A program number must be a whole number."))
        programs = selectors.programs_compare(ids=[pk for pk in ids if pk is not None])
    except selectors.CompareRefused as exc:
        return render(request, "programs/program_compare.html", {"error": str(exc)}, status=400)
    context = {"programs": programs, "outcomes": selectors.comparison_outcomes(programs)}
    return render(request, "programs/program_compare.html", context)


@require_GET
def institution_list(request: HttpRequest) -> HttpResponse:
    form = CatalogFilterForm(request.GET)
    page = page_of(request, selectors.institutions_search(filters=form.filters()))
    context = {"form": form, "page": page, "query": query_without_page(request)}
    return render(request, "programs/institution_list.html", context)


@require_GET
def institution_detail(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = selectors.institution_detail(institution_id=institution_id)
    if institution is None:
        raise Http404
    return render(request, "programs/institution_detail.html", {"institution": institution})


@require_GET
def cluster_list(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/cluster_list.html", {"tiers": selectors.clusters_by_tier()})


@require_GET
def cluster_detail(request: HttpRequest, code: str) -> HttpResponse:
    cluster: IndustryCluster | None = selectors.cluster_detail(code=code)
    if cluster is None:
        raise Http404
    return render(request, "programs/cluster_detail.html", {"cluster": cluster})
