"""Paging for the public pages: one page of any sliceable sequence, and the query string to page with."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def page_of(request: HttpRequest, items: object, per_page: int | None = None) -> Page:
    """The page the request asks for (`?page=`); out-of-range or junk numbers give the nearest page."""
    paginator: Paginator = Paginator(items, per_page or settings.CATALOG_PAGE_SIZE)  # type: ignore[arg-type]
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The current query string minus `page`, for the pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
