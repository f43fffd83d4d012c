"""Choice widgets that keep what they drew: the same select or checkbox, with the same name, value, attributes, choices
and language, is the same HTML, so it is rendered once per process.

Django draws each option of a select (and each checkbox of a list) through its own template include: the
recommendations page's 42-district select and seven route boxes cost about 2.5 ms of a page's CPU on every view,
for a handful of different values.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.safestring import SafeString
from django.utils.translation import get_language

_drawn: dict[tuple, SafeString] = {}
KEPT = 1024  # distinct widgets kept; more start the collection again


def _frozen(value: Any) -> Any:
    """A widget's template context as a key: nested dicts and lists as tuples, a lazy text as its words now."""
    if isinstance(value, dict):
        return tuple((key, _frozen(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, bool) or value is None:
        return ("const", value)
    if isinstance(value, str | int | float):
        return value
    return (type(value).__name__, str(value))


class KeptDrawing:
    """Keeps the HTML a widget's template (or one of its options' templates) made for a context it saw before."""

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> SafeString:
        key = (type(self), template_name, _frozen(context), get_language())
        html = _drawn.get(key)
        if html is None:
            html = super()._render(template_name, context, renderer)  # type: ignore[misc]
            if len(_drawn) >= KEPT:
                _drawn.clear()
            _drawn[key] = html
        return html


class KeptSelect(KeptDrawing, forms.Select):
    pass


class KeptCheckboxes(KeptDrawing, forms.CheckboxSelectMultiple):
    pass
