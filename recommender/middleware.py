"""When no recommender model can be loaded (none trained yet, or every file refused), pages and the API that need one
answer 503 with a plain explanation instead of a server error; everything else keeps working."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from recommender.artifacts import ArtifactError

log = logging.getLogger(__name__)


class RecommenderUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ArtifactError):
            return None
        log.error("Recommendations unavailable: %s", exception)
        message = _("Recommendations are not available at the moment. Please try again later.")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message}, status=503)
        else:
            response = render(request, "recommender/unavailable.html", {"message": message}, status=503)
        response["Retry-After"] = "300"
        return response
