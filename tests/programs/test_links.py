"""`{% link %}` (programs/templatetags/links.py) gives what `{% url %}` gives, kept once worked out."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, set_script_prefix

LINKS = [
    ("'home'", {}),
    ("'programs:program_detail' pk", {"pk": 42}),
    ("'programs:specialty_detail' code", {"code": "700206"}),
    ("'pathways:route_detail' code", {"code": "3-2"}),
]


@pytest.mark.parametrize(("arguments", "values"), LINKS)
def test_a_link_is_the_url_django_reverses(arguments: str, values: dict) -> None:
    url = Template("{% url " + arguments + " %}").render(Context(values))
    linked = Template("{% load links %}{% link " + arguments + " %}")
    assert linked.render(Context(values)) == url
    assert linked.render(Context(values)) == url  # the second time from what was kept


def test_a_link_follows_the_script_prefix_and_refuses_what_url_refuses() -> None:
    linked = Template("{% load links %}{% link 'programs:program_detail' 7 %}")
    try:
        set_script_prefix("/zhitu/")
        assert linked.render(Context()) == "/zhitu/programs/7/"
    finally:
        set_script_prefix("/")
    assert linked.render(Context()) == "/programs/7/"
    with pytest.raises(NoReverseMatch):
        Template("{% load links %}{% link 'programs:program_detail' 'x' %}").render(Context())
