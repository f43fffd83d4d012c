"""Why a specialty fits a profile, in words a 15-year-old understands: which interest areas drive the match."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recommender.models import AREAS

AREA_NAMES = {
    "R": gettext_lazy("Realistic"),
    "I": gettext_lazy("Investigative"),
    "A": gettext_lazy("Artistic"),
    "S": gettext_lazy("Social"),
    "E": gettext_lazy("Enterprising"),
    "C": gettext_lazy("Conventional"),
}
AREA_WORK = {
    "R": gettext_lazy("hands-on work with tools and machines"),
    "I": gettext_lazy("finding out how things work"),
    "A": gettext_lazy("creating and designing"),
    "S": gettext_lazy("helping and caring for people"),
    "E": gettext_lazy("persuading, selling and leading"),
    "C": gettext_lazy("careful work with records and numbers"),
}
FIT_LABELS = [
    (0.8, "strong", gettext_lazy("Strong fit")),
    (0.6, "good", gettext_lazy("Good fit")),
    (0.35, "possible", gettext_lazy("Worth a look")),
    (-2.0, "weak", gettext_lazy("Weak fit")),
]


def fit_label(score: float) -> tuple[str, str]:
    """A label for a shape similarity (-1 to 1): (key, words)."""
    return next((key, str(words)) for threshold, key, words in FIT_LABELS if score >= threshold)


def driving_areas(student: np.ndarray, specialty: np.ndarray, most: int = 2) -> list[str]:
    """The areas that push the match up: high for the student and high for the specialty, each against its mean."""
    s, q = student - student.mean(), specialty - specialty.mean()
    contribution = s * q
    order = np.argsort(-contribution, kind="stable")
    return [AREAS[n] for n in order[:most] if contribution[n] > 0 and s[n] > 0] or [AREAS[int(np.argmax(q))]]


@dataclass(frozen=True)
class Explanation:
    areas: list[str]
    text: str


def explain(
    student: np.ndarray, specialty: np.ndarray, name: str, liked: dict[str, list[str]] | None = None
) -> Explanation:
    """One or two sentences: the areas behind the match and, when known, the activities the student liked."""
    areas = driving_areas(np.asarray(student, float), np.asarray(specialty, float))
    area_words = _("and").join(str(AREA_NAMES[a]) for a in areas) if len(areas) > 1 else str(AREA_NAMES[areas[0]])
    work = _(", ").join(str(AREA_WORK[a]) for a in areas)
    text = _("Your %(areas)s interests fit %(name)s: its graduates do a lot of %(work)s.") % {
        "areas": area_words,
        "name": name,
        "work": work,
    }
    activities = [item for a in areas for item in (liked or {}).get(a, [])][:2]
    if activities:
        text += " " + _("You said you would like to %(activities)s.") % {"activities": _("; ").join(activities)}
    return Explanation(areas, text)


def explain_exploration() -> str:
    return _(
        "Your answers do not show one clear direction yet, so these are not ranked by fit: they are a spread across "
        "different fields, to help you find out what you like."
    )
