"""Who is asking: the client's address, trusting exactly TRUSTED_PROXY_COUNT proxies in front of the app.

With no trusted proxy (the default) the address is the connection's own; X-Forwarded-For is ignored, so a client
cannot choose its identity for the throttles or the sign-in lockout by sending the header. Behind N proxies that
each append to X-Forwarded-For, the client is the N-th address from the right. DRF's throttles and django-axes
both ask this one function."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    return _valid(hops[-proxies]) or remote
