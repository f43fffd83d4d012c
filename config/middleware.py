"""Chinese first: every visitor gets zh-hans until they choose English with the language switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, which puts a school computer with
an English system locale into English. Here only the visitor's own choice (the language cookie set by
/i18n/setlang/) counts.
"""

from __future__ import annotations

from collections.abc import Callable

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


# Content-Security-Policy ---------------------------------------------------------------------------------------------
# The one exception to our policy: Django's admin (and django-import-export's pages in it) set style attributes in
# their own templates, so under /admin/ style attributes are allowed. Scripts stay 'self' only, everywhere.
class ZhituCSPMiddleware(CSPMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if request.path.startswith("/admin/") and not hasattr(response, "_csp_update"):
            response._csp_update = {"style-src-attr": ["'unsafe-inline'"]}  # type: ignore[attr-defined]
        return super().process_response(request, response)
