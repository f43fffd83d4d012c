"""The reason under each recommendation: what the student likes (only what they like), what graduates do, and
what they learn, different for every specialty."""

from __future__ import annotations

import pytest
from django.utils import translation

from pathways.matching.recommendations import recommendations_for
from recommender.explain import AREA_WORK, LIKED

pytestmark = pytest.mark.django_db

PROFILES = [
    {"R": 0.95, "I": 0.5, "A": 0.15, "S": 0.2, "E": 0.3, "C": 0.45},  # hands-on
    {"R": 0.3, "I": 0.45, "A": 0.25, "S": 0.9, "E": 0.4, "C": 0.5},  # a carer
    {"R": 0.2, "I": 0.3, "A": 0.95, "S": 0.4, "E": 0.6, "C": 0.1},  # a maker of things
    {"R": 0.25, "I": 0.25, "A": 0.25, "S": 1.0, "E": 0.5, "C": 0.25},  # dislikes all but people; A ties for third
]


def _reasons(profile: dict[str, float], stage: str) -> list[tuple[str, str]]:
    with translation.override("zh-hans"):
        result = recommendations_for(profile=profile, stage=stage, district="万州区")
        pairs = [(s.name, s.explanation) for s in result.specialties]
        return pairs + [(p.program.specialty.name, p.explanation) for p in result.programs]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("stage", ["junior", "secondary"])
def test_no_area_the_answers_reject_is_called_liked(profile: dict[str, float], stage: str) -> None:
    with translation.override("zh-hans"):
        rejected = [str(AREA_WORK[area]) for area, value in profile.items() if value <= LIKED]
    for _name, reason in _reasons(profile, stage):
        assert not any(f"你喜欢{work}" in reason or f"和{work}" in reason for work in rejected), reason


@pytest.mark.parametrize("profile", PROFILES)
def test_two_specialties_never_get_the_same_reason(profile: dict[str, float]) -> None:
    reasons = {}
    for name, reason in _reasons(profile, "junior") + _reasons(profile, "secondary"):
        assert reasons.setdefault(reason, name) == name, f"{name} and {reasons[reason]}: {reason}"


def test_a_reason_says_what_graduates_do_and_learn_in_plain_words() -> None:
    name, reason = _reasons(PROFILES[1], "junior")[0]
    assert reason.startswith("你喜欢帮助和照顾他人")
    assert f"{name}专业的毕业生可以做" in reason and "你会学到" in reason and " " not in reason
    _name, flat_ish = _reasons(PROFILES[3], "junior")[0]
    assert "帮助和照顾他人" in flat_ish and "创作" not in flat_ish
