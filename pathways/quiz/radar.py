"""Geometry of the self-hosted SVG radar chart of the six interest areas (templates/pathways/_radar.html)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from pathways.models import AREA_ORDER, Area

SIZE = 320
CENTER = SIZE / 2
RADIUS = 105
LABEL_RADIUS = 132
RINGS = (0.25, 0.5, 0.75, 1.0)


def _point(index: int, value: float, radius: float = RADIUS) -> tuple[float, float]:
    angle = math.radians(-90 + 60 * index)
    return round(CENTER + radius * value * math.cos(angle), 1), round(CENTER + radius * value * math.sin(angle), 1)


def _polygon(values: list[float]) -> str:
    return " ".join(f"{x},{y}" for x, y in (_point(i, v) for i, v in enumerate(values)))


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    anchor: str
    area: str
    name: str
    score: int | None


@dataclass(frozen=True)
class Radar:
    size: int
    rings: list[str]
    axes: list[tuple[float, float]]
    shapes: list[str]  # one polygon per profile: the first is the main one
    labels: list[Label]
    center: float


def radar_for(*profiles: dict[str, float], scores: dict[str, int] | None = None) -> Radar:
    """A radar of one profile, or of two to compare (the first drawn solid, the second outlined)."""
    labels = []
    for i, area in enumerate(AREA_ORDER):
        x, y = _point(i, 1, LABEL_RADIUS)
        anchor = "middle" if abs(x - CENTER) < 1 else "start" if x > CENTER else "end"
        labels.append(Label(x, y + 4, anchor, area, str(Area(area).label), scores[area] if scores else None))
    return Radar(
        size=SIZE,
        rings=[_polygon([ring] * 6) for ring in RINGS],
        axes=[_point(i, 1) for i in range(6)],
        shapes=[_polygon([p[area] for area in AREA_ORDER]) for p in profiles],
        labels=labels,
        center=CENTER,
    )
