"""Recommendations for a student: specialties and programs ranked for an interest profile and what the student told
us (stage, district, preferred routes), each with the route that reaches it, the industries it feeds, a fit label
and an explanation; and the 33618 clusters those programs lead into.

The ranking is the recommender's shape similarity (see recommender/ranking.py). Cold-start program scores add small,
bounded nudges to it, so interests always come first:

    score = similarity + 0.08 near home + 0.05 preferred route + 0.05 cluster demand + 0.03 employment + 0.02 places

Diversity: at most one program per specialty and three per 专业大类 in the list. A flat profile is never ranked by
similarity: it gets the exploration spread across 大类, and says why.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone

from pathways.matching.core import (
    Entry,
    ProgramTable,
    exploration_scores,
    program_table,
    ranked_rows,
    recommendation_basis,
    table_scores,
    top_specialties,
)
from pathways.models import (
    FormVersionItem,
    QuizAttempt,
    RouteKind,
    StudentRecommendation,
)
from pathways.models.quiz import TARGET_LEVEL
from pathways.routes.graph import RouteGraph, graph_get
from programs.models import IndustryCluster, Program
from programs.profiles import SpecialtyFacts
from recommender.artifacts import ranker_get
from recommender.explain import explain, explain_exploration, fit_label
from recommender.models import AREAS
from recommender.ranking import Ranker, profiles_are_flat

log = logging.getLogger(__name__)


@dataclass
class RecommendedSpecialty:
    code: str
    name: str
    level: str
    score: float
    fit: str
    fit_label: str
    explanation: str
    occupations: tuple[str, ...] = ()  # 毕业后可以从事: occupations of 职业分类大典 (2022)


@dataclass
class RecommendedProgram:
    program: Program
    score: float
    fit: str
    fit_label: str
    explanation: str
    entries: list[Entry]
    routes: list[RouteKind]
    clusters: list[IndustryCluster]
    occupations: tuple[str, ...] = ()


@dataclass
class RecommendedIndustry:
    cluster: IndustryCluster
    programs: list[Program] = field(default_factory=list)


@dataclass
class RecommendationSet:
    model_version: int | None
    flat: bool
    exploration_note: str
    specialties: list[RecommendedSpecialty]
    programs: list[RecommendedProgram]
    industries: list[RecommendedIndustry]


def recommendations_for(
    *,
    profile: dict[str, float],
    stage: str,
    district: str = "",
    routes: frozenset[str] = frozenset(),
    k: int = 10,
    liked: dict[str, list[str]] | None = None,
) -> RecommendationSet:
    """The whole recommendation for one profile. Reads cached tables: no per-program query."""
    version, ranker = ranker_get()
    graph = graph_get()
    vector = np.array([profile[a] for a in AREAS], dtype=float)
    flat = bool(profiles_are_flat(vector)[0])
    level = TARGET_LEVEL[stage]
    top, top_scores = top_specialties(ranker, vector[None, :], level, k)
    specialties = [
        _specialty(
            ranker=ranker,
            vector=vector,
            column=int(col),
            score=float(score),
            flat=flat,
            liked=liked,
            facts=graph.facts if graph is not None else {},
        )
        for col, score in zip(top[0], top_scores[0], strict=True)
    ]
    programs: list[RecommendedProgram] = []
    if graph is not None:
        table = program_table(graph, version, ranker, stage)
        explore = exploration_scores(ranker, table, level, k) if flat else None
        similarity = table_scores(ranker, table, vector[None, :])[0][table.score_slot]  # per program row
        rows = ranked_rows(
            ranker=ranker,
            table=table,
            similarity=similarity,
            district=district,
            routes=routes,
            explore=explore,
            k=k,
        )
        programs = [
            _program(
                graph=graph,
                ranker=ranker,
                table=table,
                vector=vector,
                row=row,
                score=float(similarity[row]),
                flat=flat,
                liked=liked,
            )
            for row in rows
        ]
    return RecommendationSet(
        version.number if version else None,
        flat,
        explain_exploration() if flat else "",
        specialties,
        programs,
        _industries(programs),
    )


def _specialty(
    *,
    ranker: Ranker,
    vector: np.ndarray,
    column: int,
    score: float,
    flat: bool,
    liked: dict | None,
    facts: dict[str, SpecialtyFacts],
) -> RecommendedSpecialty:
    index = ranker.index
    key, words = fit_label(ranker, score) if not flat else ("explore", "")
    name, code = str(index.names[column]), str(index.codes[column])
    text = "" if flat else explain(vector, index.profiles[column], name, liked, facts.get(code)).text  # said once
    known = facts.get(code)
    return RecommendedSpecialty(
        code, name, str(index.levels[column]), round(score, 4), key, words, text, known.occupations if known else ()
    )


def _program(
    *,
    graph: RouteGraph,
    ranker: Ranker,
    table: ProgramTable,
    vector: np.ndarray,
    row: int,
    score: float,
    flat: bool,
    liked: dict | None,
) -> RecommendedProgram:
    pk = int(table.ids[row])
    program = graph.program_rows[pk]
    key, words = fit_label(ranker, score) if not flat else ("explore", "")
    profile = ranker.index.profiles[table.columns[row]]
    facts = graph.facts.get(program.specialty.code)
    text = "" if flat else explain(vector, profile, program.specialty.name, liked, facts).text  # the set says why, once
    entries = table.entries[pk]
    routes = [graph.routes[e.route] for e in entries if e.route in graph.routes]
    clusters = graph.clusters_by_specialty.get(program.specialty_id, [])[:3]
    return RecommendedProgram(
        program,
        round(score, 4),
        key,
        words,
        text,
        entries[:3],
        list(dict.fromkeys(routes)),
        clusters,
        facts.occupations if facts else (),
    )


def _industries(programs: list[RecommendedProgram]) -> list[RecommendedIndustry]:
    by_cluster: dict[int, RecommendedIndustry] = {}
    for item in programs:
        for cluster in item.clusters:
            by_cluster.setdefault(cluster.pk, RecommendedIndustry(cluster)).programs.append(item.program)
    return sorted(by_cluster.values(), key=lambda i: (-len(i.programs), i.cluster.position))


# A student's stored recommendations ---------------------------------------------------------------------------------


def liked_activities(*, attempt: QuizAttempt) -> dict[str, list[str]]:
    """The activities a student marked 4 or 5, by area, as worded when they answered: the 'why' behind a match."""
    liked: dict[str, list[str]] = defaultdict(list)
    answers = attempt.answers.filter(value__gte=4).order_by("-value", "item__position")
    for area, text, text_en in answers.values_list("item__area", "item__text", "item__text_en"):
        liked[area].append(FormVersionItem(text=text, text_en=text_en).display_text)  # its wording in this language
    return dict(liked)


def attempt_profile(attempt: QuizAttempt) -> dict[str, float]:
    return {area: attempt.scores[area] / 40 for area in AREAS}


def recommendations_for_attempt(
    *, attempt: QuizAttempt, stage: str, district: str = "", routes: frozenset[str] = frozenset()
) -> RecommendationSet:
    return recommendations_for(
        profile=attempt_profile(attempt),
        stage=stage,
        district=district,
        routes=routes,
        liked=liked_activities(attempt=attempt),
    )


def _stored(result: RecommendationSet) -> tuple[list[dict], list[dict]]:
    specialties = [{"code": s.code, "score": s.score, "fit": s.fit} for s in result.specialties]
    programs = [
        {"program": p.program.pk, "specialty": p.program.specialty.code, "score": p.score, "fit": p.fit}
        for p in result.programs
    ]
    return specialties, programs


def recommendation_store(
    *, attempt: QuizAttempt, stage: str, district: str, basis: str | None = None, routes: frozenset[str] = frozenset()
) -> StudentRecommendation:
    """Compute and keep one student's current set (with the routes they prefer, when they asked on the page).
    Running it twice leaves the same single row."""
    result = recommendations_for_attempt(attempt=attempt, stage=stage, district=district, routes=routes)
    specialties, programs = _stored(result)
    stored, _created = StudentRecommendation.objects.update_or_create(
        student_id=attempt.student_id,
        defaults={
            "attempt": attempt,
            "model_version": result.model_version,
            "stage": stage,
            "flat": result.flat,
            "specialties": specialties,
            "programs": programs,
            "computed_at": timezone.now(),
            "basis": basis or recommendation_basis(),
        },
    )
    return stored
