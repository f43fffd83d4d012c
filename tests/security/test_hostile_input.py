"""Hostile input never gives a server error: every URL the project serves, every query parameter its pages and the
schema name, every field of every form its pages show and every field of every JSON body the schema documents,
each with values no field should take (NUL and other control characters, lone surrogates, 5,000 digits, a number
no column holds, text longer than any field, markup, JSON nested 5,000 deep). Each request runs inside a savepoint
that is rolled back, so one hostile request cannot change what the next one sees.

The personas are those of the URL walk (tests/security/test_url_walk.py): each URL is visited as the persona with
the most access to it, so the forms that only the owner or her counselor see are walked too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.contrib import admin
from django.core import signals
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from config.wsgi import application
from tests.security.test_url_walk import ALLOWED, POST_ONLY, concrete, url_patterns

pytestmark = pytest.mark.django_db

TEXT = [
    "\x00",
    "a\x00b",
    "\x1b[31m\x07",
    "9" * 5000,
    "-1",
    "abc",
    "1e999",
    "",
    "<script>x</script>",
    "' OR 1=1--",
    "../../etc/passwd",
    "\u202e\ufeff",
    "x" * 140_000,
]
# A query value that is not rejected at the door renders a whole page, so the query walk takes one of each class.
QUERY = ["\x00", "\x1b[31m\x07", "9" * 5000, "-1", "abc", "\u202e\ufeff", "' OR 1=1--"]
PATH = ["%00", "9" * 5000, "-1", "abc", "%2e%2e%2f", "%E2%80%AE", "%ED%A0%80"]
JSON_VALUES: list[object] = [
    "\x00",
    "\ud800",
    "9" * 5000,
    10**30,
    -(10**30),
    1.5,
    True,
    None,
    [],
    {},
    [[[[]]]],
    {"a": {"b": "\x00"}},
    "x" * 140_000,
]
RAW_BODIES = [
    b"[" * 5000 + b"]" * 5000,
    b'{"a":' * 5000 + b"1" + b"}" * 5000,
    b"\xff\xfe",
    b"1e400",
    b'"\\ud800"',
    b"9" * 5000,
    b'{"form": "quick", "version": 1e400}',
    b"null",
]
PREFERENCE = ("owner", "counselor", "curator", "anonymous", "school_admin")


@dataclass
class Form:
    action: str
    method: str
    multipart: bool
    fields: dict[str, str] = field(default_factory=dict)  # name -> a value the page offers
    files: list[str] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)


class FormParser(HTMLParser):
    """Every <form> of a page with its named fields, files and submit buttons."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.select: str | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                Form(a.get("action", ""), a.get("method", "get").lower(), "multipart" in a.get("enctype", ""))
            )
            return
        if not self.forms or not a.get("name"):
            return
        form, name = self.forms[-1], a["name"]
        if tag == "input" and a.get("type") == "file":
            form.files.append(name)
        elif tag == "button" or (tag == "input" and a.get("type") == "submit"):
            form.buttons.append((name, a.get("value", "")))
        elif tag == "input" and a.get("type") in ("checkbox", "radio"):
            form.fields.setdefault(name, a.get("value", "on"))
        elif tag in ("input", "textarea"):
            form.fields.setdefault(name, a.get("value", ""))
        elif tag == "select":
            form.fields.setdefault(name, "")
            self.select = name

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None


def persona_for(name: str) -> str:
    return next(p for p in PREFERENCE if p in ALLOWED[name])


def client_for(six_personas: dict, persona: str) -> Client:
    client = Client()
    if six_personas["users"][persona] is not None:
        client.force_login(six_personas["users"][persona])
    return client


def no_5xx(client: Client, method: str, path: str, data: object = None, *more: object, **extra: object) -> int:
    """One request, rolled back afterwards; the status must not be a server error."""
    cache.clear()  # throttles count in the cache: each hostile request is judged on its own
    call = getattr(client, method)
    with transaction.atomic():
        response = call(path, data, *more, **extra) if data is not None else call(path)
        transaction.set_rollback(True)
    assert response.status_code < 500, f"{method.upper()} {path}: {response.status_code}"
    return response.status_code


def pages(six_personas: dict) -> Iterator[tuple[str, str, str]]:
    """(name, path, persona) for every URL, with the persona that sees the most of it."""
    for name, route, is_route in url_patterns():
        yield name, concrete(name, route, is_route, six_personas["values"]), persona_for(name)


def test_hostile_path_parameters(six_personas: dict) -> None:
    checked = 0
    for name, route, _is_route in url_patterns():
        holes = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
        if not holes:
            continue
        client = client_for(six_personas, persona_for(name))
        for hostile in PATH:
            path = "/" + re.sub(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)", hostile, route).replace("^", "").replace("$", "")
            no_5xx(client, "post" if name in POST_ONLY else "get", path)
            checked += 1
    assert checked > 100


def query_names(client: Client, path: str, schema: dict) -> set[str]:
    """The query parameters a page's GET forms use, or those the schema documents for an API path."""
    names = {"page", "page_size", "q", "format", "sort", "a", "b"}
    if path.startswith("/api/"):
        for template, operations in schema["paths"].items():
            if re.fullmatch(re.sub(r"\{\w+\}", "[^/]+", template), path):
                names |= {
                    p["name"]
                    for op in operations.values()
                    if isinstance(op, dict)
                    for p in op.get("parameters", [])
                    if p["in"] == "query"
                }
        return names
    response = client.get(path)
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        for form in FormParser(response.content.decode()).forms:
            if form.method == "get":
                names |= set(form.fields)
    return names


def test_hostile_query_parameters(six_personas: dict) -> None:
    schema = Client().get("/api/v1/schema/?format=json").json()
    checked = 0
    for name, path, persona in pages(six_personas):
        if name in POST_ONLY:
            continue
        client = client_for(six_personas, persona)
        base = urlsplit(path)
        for param in sorted(query_names(client, base.path, schema)):
            for hostile in QUERY:  # (a 140,000-character query is refused by the server before Django sees it)
                query = urlencode(
                    [
                        *[(k, v) for k, v in [q.split("=", 1) for q in base.query.split("&") if q] if k != param],
                        (param, hostile),
                    ]
                )
                no_5xx(client, "get", f"{base.path}?{query}")
                checked += 1
    assert checked > 700


def html_forms(six_personas: dict) -> Iterator[tuple[str, Client, Form]]:
    """Every POST form on every page, once per (page, action, fields), with the client of the persona who saw it."""
    seen = set()
    for name, path, persona in pages(six_personas):
        if name in POST_ONLY or path.startswith("/api/"):
            continue
        client = client_for(six_personas, persona)
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in FormParser(response.content.decode()).forms:
            action = form.action or urlsplit(path).path
            key = (action, tuple(sorted(form.fields)), tuple(form.buttons))
            if form.method != "post" or key in seen or action.startswith(("/accounts/logout", "/admin")):
                continue
            seen.add(key)
            form.action = action
            yield path, client, form


def test_hostile_form_fields(six_personas: dict) -> None:
    forms = list(html_forms(six_personas))
    assert len(forms) >= 15, [f.action for _p, _c, f in forms]
    for _path, client, form in forms:
        for button in form.buttons or [("", "")]:
            base = {**form.fields, **({button[0]: button[1]} if button[0] else {})}
            for name in [*form.fields, *([button[0]] if button[0] else [])]:
                for hostile in TEXT:
                    no_5xx(client, "post", form.action, {**base, name: hostile})
            for upload in form.files:
                for content in (
                    b"username\n\x00\n",
                    b"username\n" + b"a" * 140_000 + b"\n",
                    b"\xff\xfe\x00",
                    b'username\n"unclosed\n',
                    b"PK\x03\x04binary",
                ):
                    no_5xx(client, "post", form.action, {**base, upload: SimpleUploadedFile("x.csv", content)})


def base_body(schema: dict, ref: dict, six_personas: dict) -> dict:
    """A plausible body for a request schema: real ids from the walk's six_personas, the first choice of each enum."""
    component = schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]
    known = {
        "attempt": six_personas["values"]["attempt_id"],
        "program": six_personas["values"]["program_id"],
        "form": "quick",
        "version": 1,
        "stage": "junior",
        "kind": "save",
        "answer": "accept",
        "action": "note",
    }
    body: dict[str, object] = {}
    for name, spec in component.get("properties", {}).items():
        if name in known:
            body[name] = known[name]
        elif "$ref" in spec or "allOf" in spec or "oneOf" in spec:
            body[name] = ""
        else:
            body[name] = {"integer": 1, "number": 0.5, "boolean": True, "array": [], "object": {}}.get(
                spec.get("type", "string"), "x"
            )
    return body


def json_operations(six_personas: dict) -> Iterator[tuple[str, str, str, dict]]:
    """(method, path, persona, base body) for every operation with a JSON request body."""
    schema = Client().get("/api/v1/schema/?format=json").json()
    values = {
        "attempt_id": six_personas["values"]["attempt_id"],
        "student_id": six_personas["values"]["student_id"],
        "cohort_id": six_personas["values"]["cohort_id"],
        "invitation_id": six_personas["values"]["invitation_id"],
    }
    names = {route.replace("^", "").replace("$", ""): name for name, route, _r in url_patterns()}
    for template, operations in schema["paths"].items():
        path = re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), 1)), template)
        route = re.sub(r"\{(\w+)\}", "<\\1>", template.removeprefix("/"))
        name = next((n for r, n in names.items() if re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", r) == route), None)
        persona = persona_for(name) if name else "owner"
        for method, operation in operations.items():
            content = (operation.get("requestBody") or {}).get("content", {}).get("application/json")
            if isinstance(operation, dict) and content:
                yield method, path, persona, base_body(schema, content["schema"], six_personas)


def test_hostile_json_fields_and_bodies(six_personas: dict) -> None:
    operations = list(json_operations(six_personas))
    assert len(operations) >= 9
    for method, path, persona, body in operations:
        api = APIClient()
        if six_personas["users"][persona] is not None:
            api.force_login(six_personas["users"][persona])
        for name in body:
            for hostile in JSON_VALUES:
                raw = json.dumps({**body, name: hostile})
                no_5xx(api, method, path, raw, content_type="application/json")
        for raw_body in RAW_BODIES:
            no_5xx(api, method, path, raw_body, content_type="application/json")
        form = urlencode({k: "\x00" for k in body})
        no_5xx(api, method, path, form, content_type="application/x-www-form-urlencoded")


def test_hostile_headers_and_cookies_on_sign_in(six_personas: dict) -> None:
    hostile = [
        {"HTTP_USER_AGENT": "\x00evil"},
        {"HTTP_X_FORWARDED_FOR": "\x00, not-an-address, 999.1.1.1"},
        {"HTTP_COOKIE": 'sessionid="abcdefgh\\000ij"; csrftoken=\x00'},
        {"HTTP_ACCEPT_LANGUAGE": "\x00"},
    ]
    for headers in hostile:
        client = Client(**headers)
        no_5xx(client, "post", "/accounts/login/", {"username": "walk_wang", "password": "wrong"})
        no_5xx(client, "get", "/quiz/history/")


def test_the_admin_search_and_filters_take_hostile_values(six_personas: dict, curator_chen: object) -> None:
    client = Client()
    client.force_login(curator_chen)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for hostile in ("\x00", "9" * 5000, "abc", "-1"):
            for param in ("q", "p", "o", "id__exact"):
                no_5xx(client, "get", f"{url}?{param}={quote(hostile)}")


EXOTIC_TYPES = [
    "application/json; charset=bogus",
    "application/json; charset=utf-16",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "text/plain",
    "application/xml",
    "",
    "application/x-www-form-urlencoded; charset=bogus",
    "application/x-www-form-urlencoded; charset=utf-7",
]


@pytest.mark.parametrize("path", ["/api/v1/quiz/score/", "/quiz/quick/", "/accounts/login/", "/accounts/signup/"])
def test_odd_content_types_are_not_server_errors(path: str) -> None:
    for content_type in EXOTIC_TYPES:
        no_5xx(Client(), "generic", "POST", path, b'{"a": 1}', content_type=content_type)


def test_the_wsgi_app_takes_control_characters_out_of_headers() -> None:
    """A NUL in Content-Type breaks Django's request object before any middleware runs; config/wsgi.py strips it."""
    environ = RequestFactory().post("/quiz/quick/", b"x=1", content_type="application/x-www-form-urlencoded").environ
    environ.update(CONTENT_TYPE="application/x-www-form-urlencoded; charset=\x00", HTTP_USER_AGENT="a\x00b")
    statuses: list[str] = []
    # The real handler closes the database connection when a request ends; inside a test's transaction it must not.
    signals.request_finished.disconnect(close_old_connections)
    signals.request_started.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, lambda status, headers, *exc: statuses.append(status)))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert statuses and not statuses[0].startswith("5") and body


def test_the_refusal_speaks_the_visitors_language() -> None:
    assert "NUL 字节" in Client().get("/specialties/%00/").content.decode()
    english = Client()
    english.cookies["django_language"] = "en"
    assert "such as a NUL byte" in english.get("/specialties/%00/").content.decode()
