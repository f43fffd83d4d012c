"""Geometry for the SVG timelines: one bar per stage, one tick per year, one marker per exam.

Computed here because template arithmetic is awkward; the SVG itself is in templates/pathways/_timeline.html.
Sizes are in viewBox units and scale with the page, so the picture fits a phone's width.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from programs.models import Level

YEAR_WIDTH = 44
PAD = 6
BAR_Y = 4
BAR_HEIGHT = 28
SHORT_LEVEL: dict[str, object] = {
    Level.SECONDARY: _("Secondary"),
    Level.ASSOCIATE: _("Associate"),
    Level.BACHELOR: _("Bachelor"),
}


@dataclass(frozen=True)
class Stage:
    level: str
    first_year: int
    years: int
    exam: str = ""


@dataclass(frozen=True)
class Segment:
    x: int
    width: int
    level: str
    label: str
    years: int
    text_x: int


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    bar_y: int
    bar_height: int
    tick_y: int
    segments: list[Segment]
    ticks: list[tuple[int, int]]
    markers: list[tuple[int, str]]
    total_years: int


def timeline_for(stages: Iterable[Stage]) -> Timeline:
    stages = list(stages)
    total = max((s.first_year + s.years - 1 for s in stages), default=0)
    segments, markers = [], []
    for index, stage in enumerate(stages):
        x = PAD + (stage.first_year - 1) * YEAR_WIDTH
        width = stage.years * YEAR_WIDTH - 2
        label = str(SHORT_LEVEL.get(stage.level, stage.level))
        segments.append(Segment(x, width, stage.level, label, stage.years, x + width // 2))
        if index > 0 and stage.exam:
            markers.append((x - 1, stage.exam))
    ticks = [(PAD + (year - 1) * YEAR_WIDTH + YEAR_WIDTH // 2, year) for year in range(1, total + 1)]
    tick_y = BAR_Y + BAR_HEIGHT + 14
    return Timeline(
        PAD * 2 + total * YEAR_WIDTH, tick_y + 6, BAR_Y, BAR_HEIGHT, tick_y, segments, ticks, markers, total
    )
