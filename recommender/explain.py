"""Why a specialty fits a profile, in words a 15-year-old understands: the liked areas behind the match, what its
graduates do and what they learn."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from programs.profiles import SpecialtyFacts
from recommender.models import AREAS
from recommender.ranking import Ranker

AREA_WORK = {
    "R": gettext_lazy("hands-on work with tools and machines"),
    "I": gettext_lazy("finding out how things work"),
    "A": gettext_lazy("creating and designing"),
    "S": gettext_lazy("helping and caring for people"),
    "E": gettext_lazy("persuading, selling and leading"),
    "C": gettext_lazy("careful work with records and numbers"),
}
FIT_WORDS = {
    "strong": gettext_lazy("Strong fit"),
    "good": gettext_lazy("Good fit"),
    "possible": gettext_lazy("Worth a look"),
    "weak": gettext_lazy("Weak fit"),
}


def fit_label(ranker: Ranker, score: float) -> tuple[str, str]:
    """A label for a score, by the ranker's thresholds (calibrated on held-out respondents): (key, words)."""
    key = ranker.fit_label_key(score)
    return key, str(FIT_WORDS[key])


LIKED = 0.5  # an area is liked only above the middle of the scale: on average more than "说不准" on its items


def driving_areas(student: np.ndarray, specialty: np.ndarray, most: int = 2) -> list[str]:
    """The areas that push the match up: high for the student and high for the specialty, each against its mean.

    Six numbers each, in plain Python: four times quicker than numpy's calls for so few (twenty reasons a request),
    and the same to the bit, as numpy too adds fewer than eight numbers one after another."""
    student_values, specialty_values = np.asarray(student, float).tolist(), np.asarray(specialty, float).tolist()
    student_mean, specialty_mean = sum(student_values) / len(AREAS), sum(specialty_values) / len(AREAS)
    s = [value - student_mean for value in student_values]
    q = [value - specialty_mean for value in specialty_values]
    contribution = [a * b for a, b in zip(s, q, strict=True)]
    order = sorted(range(len(AREAS)), key=lambda n: -contribution[n])  # stable, like argsort(kind="stable")
    driving = [AREAS[n] for n in order if contribution[n] > 0 and s[n] > 0][:most]
    return driving or [AREAS[max(range(len(AREAS)), key=q.__getitem__)]]  # the first highest, like argmax


def liked_areas(student: np.ndarray, specialty: np.ndarray) -> list[str]:
    """The driving areas the student's own answers say they like (above the middle of the scale), none otherwise."""
    return [a for a in driving_areas(student, specialty) if student[AREAS.index(a)] > LIKED]


@dataclass(frozen=True)
class Explanation:
    areas: list[str]
    text: str


def explain(
    student: np.ndarray,
    specialty: np.ndarray,
    name: str,
    liked: dict[str, list[str]] | None = None,
    facts: SpecialtyFacts | None = None,
) -> Explanation:
    """Two or three short sentences for a 15-year-old: what the student likes that matches (never an area their
    answers reject), what graduates of this specialty do, and what they learn (from the Ministry's profile)."""
    student, specialty = np.asarray(student, float), np.asarray(specialty, float)
    areas = liked_areas(student, specialty)
    activities = tuple([item for a in areas for item in (liked or {}).get(a, [])][:2])
    work = () if facts is not None and facts.jobs else tuple(driving_areas(student, specialty)[:1])
    return Explanation(areas, _worded(tuple(areas), activities, work, name, facts, get_language()))


@functools.lru_cache(maxsize=4096)
def _worded(
    areas: tuple[str, ...],
    activities: tuple[str, ...],
    work: tuple[str, ...],
    name: str,
    facts: SpecialtyFacts | None,
    language: str | None,
) -> str:
    """The sentences, in the active language, which `language` names so that it keys the cache: the reasons are
    worded on every recommendation request (twenty of them, a dozen translations each), and the same few come back."""
    parts = [_interest_sentence(areas, activities)]
    if facts is not None and facts.jobs:
        parts.append(_("%(name)s graduates work as %(jobs)s.") % {"name": name, "jobs": _(", ").join(facts.jobs)})
    else:
        work_words = _(", ").join(str(AREA_WORK[a]) for a in work)
        parts.append(_("%(name)s graduates do a lot of %(work)s.") % {"name": name, "work": work_words})
    if facts is not None and facts.courses:
        parts.append(_("You would learn %(courses)s.") % {"courses": _(", ").join(facts.courses)})
    return _sentences(parts)


def _sentences(parts: list[str]) -> str:
    """Chinese sentences follow each other with no space between them; English ones with one."""
    return ("" if (get_language() or "").startswith("zh") else " ").join(parts)


def _interest_sentence(areas: tuple[str, ...], activities: tuple[str, ...]) -> str:
    if not areas:
        return _("None of your interests stands out strongly, but this is among the closest to your answers.")
    work = _(" and ").join(str(AREA_WORK[a]) for a in areas)
    if activities:
        return _("You like %(work)s: you said you would like to %(activities)s.") % {
            "work": work,
            "activities": _("; ").join(activities),
        }
    return _("You like %(work)s.") % {"work": work}


def explain_exploration() -> str:
    return _(
        "Your answers do not show one clear direction yet, so these are not ranked by fit: they are a spread across "
        "different fields, to help you find out what you like."
    )
