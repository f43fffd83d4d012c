"""Chinese first: every visitor gets zh-hans until they choose English with the language switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, which puts a school computer with
an English system locale into English. Here only the visitor's own choice (the language cookie set by
/i18n/setlang/) counts.
"""

from __future__ import annotations

from collections.abc import Callable

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from programs.web.inputs import line_clean, line_ok, text_ok
from programs.web.responses import input_refused


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
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if request.path.startswith("/admin/") and not hasattr(response, "_csp_update"):
            response._csp_update = {"style-src-attr": ["'unsafe-inline'"]}  # type: ignore[attr-defined]
        return super().process_response(request, response)


# Hostile input ---------------------------------------------------------------------------------------------------
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _form_ok(request: HttpRequest) -> bool:
    if request.method != "POST" or not (request.content_type or "").startswith(FORM_TYPES):
        return True
    fields = [(key, value) for key, values in request.POST.lists() for value in values]
    names = [upload.name or "" for uploads in request.FILES.lists() for upload in uploads[1]]
    return all(text_ok(key) and text_ok(value) for key, value in fields) and all(map(line_ok, names))


class InputGuardMiddleware:
    """Refuses (400, writing nothing) a request whose path, query or form fields hold a control character such as
    NUL or a lone surrogate, drops such cookies and strips such characters from headers; see programs/web/inputs.py.
    JSON bodies are checked by the API's parser. It runs before the session middleware, so a forged cookie never
    reaches the session store."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name in [k for k, v in request.COOKIES.items() if not (line_ok(k) and line_ok(v))]:
            del request.COOKIES[name]
        headers = [k for k, v in request.META.items() if k.startswith("HTTP_") and isinstance(v, str)]
        for key in [k for k in headers if not line_ok(request.META[k])]:
            request.META[key] = line_clean(request.META[key])
        query = [(key, value) for key, values in request.GET.lists() for value in values]
        if not line_ok(request.path) or not all(line_ok(k) and text_ok(v) for k, v in query) or not _form_ok(request):
            return input_refused(request)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """School computers are shared: nothing shown to a signed-in user (their data, their results, their report), and
    no answer to a POST (an anonymous quiz result), is kept by the browser or a cache (Cache-Control: no-store)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.method == "POST" or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
