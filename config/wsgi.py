import os
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django_application = get_wsgi_application()

_CONTROL = re.compile("[\x00-\x1f\x7f]")


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Django's WSGI app, with control characters taken out of the request's headers before Django parses them: a
    NUL in Content-Type would otherwise break the request object itself, before any middleware runs (gunicorn already
    refuses such a header; this holds behind any server). config.middleware.InputGuardMiddleware does the rest."""
    for key in [k for k, v in environ.items() if k.startswith("HTTP_") or k == "CONTENT_TYPE"]:
        if isinstance(environ[key], str) and _CONTROL.search(environ[key]):
            environ[key] = _CONTROL.sub("", environ[key])
    return django_application(environ, start_response)
