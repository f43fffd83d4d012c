"""Refusals the apps' pages share: a request holding characters no field takes (before any view runs), and a page
past its throttle. JSON under /api/, HTML elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def is_api(request: HttpRequest) -> bool:
    """Under /api/ every answer is JSON, errors included."""
    return request.path.startswith("/api/")


def input_refused(request: HttpRequest) -> HttpResponse:
    """A request holding characters no field takes (NUL, other control characters): refused before any view runs."""
    message = _("The request holds characters that are not allowed (such as a NUL byte). Nothing was saved.")
    if is_api(request):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """A page's answer past its throttle (the API's is DRF's 429): the same status, a message and Retry-After."""
    message = _("Too many requests in a short time. Please wait a minute and try again.")
    if is_api(request):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "400.html", {"message": message, "title": _("Please wait")}, status=429)
    response["Retry-After"] = "60"
    return response
