"""`{% link %}`: Django's `{% url %}` for the links a page repeats, worked out once per process.

Reversing a URL name costs some 30 µs; the recommendations page links each program card to its school, its routes and
its industries, and every page's header to the same ten places: some ninety reversals a view, over a tenth of its
CPU. The same name and arguments under the same URL configuration and script prefix give the same address, so each is
kept (an LRU of 8,192). `{% link 'programs:program_detail' program.pk %}` is `{% url 'programs:program_detail'
program.pk %}`, escaped the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@register.simple_tag
def link(viewname: str, *args: Hashable) -> str:
    return _address(viewname, args, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=8192)
def _address(viewname: str, args: tuple[Hashable, ...], urlconf: str, prefix: str) -> str:
    return reverse(viewname, urlconf=urlconf, args=args)  # `prefix` keys the cache: reverse() reads it itself
