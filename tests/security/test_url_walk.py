"""Deny by default: every URL the project serves, as every role and as an anonymous visitor.

Each named URL must appear in ALLOWED with the personas it is open to. Everyone else must be refused: sent to sign
in, 403, or 404 (a row that is not yours does not exist). A URL added without an entry here fails the walk, so
nothing new is open by accident. The admin is walked separately: every page of every registered model refuses
anyone who is not staff.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from pathways.matching.progress import run_plan
from pathways.models import Articulation, RouteKind, SkillCategory
from pathways.plans.services import report_share_create
from programs.models import IndustryCluster, Institution, Program, Specialty

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "owner", "other_student", "counselor", "other_counselor", "curator", "school_admin")
EVERYONE = set(PERSONAS)
SIGNED_IN = EVERYONE - {"anonymous"}
COUNSELORS = {"counselor", "other_counselor"}

ALLOWED: dict[str, set[str]] = {
    # The public catalog, routes and pathways, the quiz itself, and the sign-in/up pages.
    **dict.fromkeys(
        [
            "home",
            "login",
            "logout",
            "set_language",
            "programs:specialty_list",
            "programs:specialty_detail",
            "programs:program_list",
            "programs:program_detail",
            "programs:institution_list",
            "programs:institution_detail",
            "programs:cluster_list",
            "programs:cluster_detail",
            "pathways:explorer",
            "pathways:route_list",
            "pathways:route_detail",
            "pathways:quiz_home",
            "pathways:quiz_take",
            "pathways:privacy",
            "pathways:signup",
            "pathways:quiz_save",
            "pathways:account_code",
            "pathways:result_suggestions",
            "pathways:shared_report",
            "pathways:email_reset",
            "pathways:email_reset_sent",
            "pathways:email_reset_confirm",
            "pathways:email_reset_done",
        ],
        EVERYONE,
    ),  # saving a result is where a visitor is asked to sign up
    **dict.fromkeys(
        [
            "api:api-root",
            "api:schema",
            "api:docs",
            "api:pathways",
            "api:quiz-forms",
            "api:quiz-score",
            "api:recommendations",
            "api:route-list",
            "api:route-detail",
            "api:skill-category-list",
            "api:skill-category-detail",
            "api:articulation-list",
            "api:articulation-detail",
            "api:specialty-list",
            "api:specialty-detail",
            "api:institution-list",
            "api:institution-detail",
            "api:program-list",
            "api:program-detail",
            "api:industry-list",
            "api:industry-detail",
            "programs:program_compare",
        ],
        EVERYONE,
    ),
    # A signed-in user's own things: each shows only the user's own rows.
    **dict.fromkeys(
        [
            "pathways:my_plan",
            "pathways:parent_report",
            "pathways:quiz_history",
            "pathways:my_data",
            "api:me",
            "api:me-notifications",
            "api:me-data",
            "api:quiz-attempts",
            "api:recommendation-feedback",
            "pathways:my_classes",
            "api:me-classes",
            "pathways:password_change",
            "pathways:password_changed",
            "pathways:account_home",
            "pathways:saved_programs",
        ],
        SIGNED_IN,
    ),
    # One attempt, its recommendations and feedback: the student who made it, no one else.
    **dict.fromkeys(
        [
            "pathways:quiz_attempt",
            "pathways:recommendations",
            "pathways:recommendation_feedback",
            "pathways:quiz_compare",
            "api:quiz-attempt",
            "api:me-recommendations",
            "api:me-plan",
            "api:me-invitation",
        ],
        {"owner"},
    ),
    # The progress of recomputes: whoever sees model versions in the admin (curators), nobody else.
    **dict.fromkeys(["api:recompute-runs", "api:recompute-run"], {"curator"}),
    # Counselors: their own dashboard; one student, class or roster: only the counselor of that class.
    **dict.fromkeys(["pathways:counsel_dashboard", "api:counsel-students", "api:counsel-cohorts"], COUNSELORS),
    **dict.fromkeys(
        [
            "pathways:counsel_review",
            "pathways:cohort_analytics",
            "pathways:roster_upload",
            "pathways:join_code_renew",
            "pathways:student_code_issue",
            "api:counsel-review",
            "api:counsel-analytics",
        ],
        {"counselor"},
    ),
    # The school administrator's page: their school's classes and counselors, counts only.
    **dict.fromkeys(
        ["pathways:school_home", "pathways:school_programs", "pathways:school_programs_template"], {"school_admin"}
    ),
}
# Endpoints that only take POST: the walk posts an empty body to them, so the check is on who, not on the method.
POST_ONLY = {
    "logout",
    "set_language",
    "pathways:quiz_save",
    "pathways:recommendation_feedback",
    "api:quiz-score",
    "api:recommendations",
    "api:recommendation-feedback",
    "pathways:roster_upload",
    "pathways:join_code_renew",
    "pathways:student_code_issue",
    "pathways:result_suggestions",
    "api:me-invitation",
}


def url_patterns(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> Iterator:
    """(name, route) for every named URL outside the admin, the route still holding its parameters."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            space = entry.namespace or namespace
            if space == "admin":
                continue
            yield from url_patterns(entry, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern) and entry.name:
            route = prefix + str(entry.pattern)
            if "format" in route:  # DRF's ".json" suffix twins of the same views
                continue
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, route, isinstance(entry.pattern, RoutePattern)


DETAIL_VALUES = {
    "programs:specialty_detail": lambda: Specialty.objects.first().code,
    "programs:cluster_detail": lambda: IndustryCluster.objects.first().code,
    "pathways:route_detail": lambda: RouteKind.objects.first().code,
    "pathways:school_programs_template": lambda: "xlsx",
    # A live link to walk_wang's report, made as she would make it: open to anyone who has it.
    "pathways:shared_report": lambda: report_share_create(
        student=User.objects.get(username="walk_wang"), shown_name="", days=7
    ),
    "api:route-detail": lambda: RouteKind.objects.first().code,
    "api:recompute-run": lambda: run_plan(ranges=[(1, 2)], students=2, only_stale=False).pk,
    "api:skill-category-detail": lambda: SkillCategory.objects.first().code,
    "api:articulation-detail": lambda: Articulation.objects.first().pk,
    "api:specialty-detail": lambda: Specialty.objects.first().code,
    "api:institution-detail": lambda: Institution.objects.first().pk,
    "api:program-detail": lambda: Program.objects.published().first().pk,
    "api:industry-detail": lambda: IndustryCluster.objects.first().code,
}


def concrete(name: str, route: str, is_route: bool, values: dict) -> str:
    if is_route:
        path = re.sub(
            r"<(?:\w+:)?(\w+)>",
            lambda m: str(DETAIL_VALUES[name]() if name in DETAIL_VALUES else values[m.group(1)]),
            route,
        )
    else:  # a DRF router regex: ^routes/(?P<code>[^/.]+)/$
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(DETAIL_VALUES[name]()), route)
        path = path.replace("^", "").replace("$", "")
    path = "/" + path
    if name == "pathways:quiz_compare":
        path += f"?a={values['attempt_id']}&b={values['attempt_id']}"
    if name == "programs:program_compare":
        path += "?" + "&".join(f"p={pk}" for pk in Program.objects.published().values_list("pk", flat=True)[:3])
    return path


def body(name: str, values: dict) -> dict:
    if name == "pathways:recommendation_feedback":
        return {"program": values["program_id"], "kind": "save"}
    return {}


def refused(response: object, persona: str) -> bool:
    status = response.status_code  # type: ignore[attr-defined]
    if status == 302:
        return "/accounts/login/" in response["Location"]  # type: ignore[index]
    return status in (401, 403, 404)


def test_every_url_is_classified() -> None:
    names = {name for name, _route, _is_route in url_patterns()}
    assert names - set(ALLOWED) == set(), "new URLs must be added to ALLOWED with the personas they are open to"
    assert set(ALLOWED) - names == set(), "ALLOWED names a URL that no longer exists"


@pytest.mark.parametrize("persona", PERSONAS)
def test_walk_every_url_as_each_role(six_personas: dict, persona: str) -> None:
    client = Client()
    if six_personas["users"][persona] is not None:
        client.force_login(six_personas["users"][persona])
    wrong = []
    for name, route, is_route in url_patterns():
        path = concrete(name, route, is_route, six_personas["values"])
        post = name in POST_ONLY
        response = client.post(path, body(name, six_personas["values"])) if post else client.get(path)
        if response.status_code >= 500:
            wrong.append(f"{name} {path}: {response.status_code}")
        elif persona in ALLOWED[name]:
            if refused(response, persona):
                wrong.append(f"{name} {path}: refused {persona} with {response.status_code}")
        elif not refused(response, persona):
            wrong.append(f"{name} {path}: let {persona} in with {response.status_code}")
        if name == "logout" and persona != "anonymous":
            client.force_login(six_personas["users"][persona])
    assert wrong == []


def admin_paths() -> Iterator[str]:
    yield reverse("admin:index")
    labels = set()
    for model in admin.site._registry:
        meta = model._meta
        labels.add(meta.app_label)
        for view in ("changelist", "add"):
            yield reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}")
        for view in ("change", "delete", "history"):
            yield reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[1])
    for label in sorted(labels):
        yield reverse("admin:app_list", args=[label])


@pytest.mark.parametrize("persona", ["anonymous", "owner", "counselor"])
def test_the_admin_refuses_everyone_but_staff(six_personas: dict, persona: str) -> None:
    client = Client()
    if six_personas["users"][persona] is not None:
        client.force_login(six_personas["users"][persona])
    paths = list(admin_paths())
    assert len(paths) > 50
    let_in = [p for p in paths if client.get(p).status_code != 302]
    assert let_in == []
    assert "/admin/login/" in client.get(paths[0])["Location"]
