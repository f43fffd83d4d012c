"""Real people's interests and chosen fields: the Open Psychometrics RIASEC respondents (2015–2018).

17,927 adults online, mostly outside China, who answered 48 items of the O*NET interest item pool (8 per area, 1–5)
and named their major; `categories` is the 专业大类 (高职专科 codes 41–59) a vocational student in that field would
enter, by a fixed crosswalk, the first being the main one. It is the best public link between interests and chosen
field, not a picture of Chongqing's students. Credit: "Open Psychometrics Project, RIASEC data 2015–2018"; licence
treated as CC BY-NC-SA 4.0, so the product stays free.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from programs.loading import RowError, read_csv
from recommender.models import AREAS

RESPONDENTS_FILE = Path(__file__).resolve().parent / "data" / "riasec-majors-dev.csv"
CREDIT = "Open Psychometrics Project, RIASEC data 2015–2018"
CATEGORY = re.compile(r"^(4[1-9]|5[0-9])$")


@dataclass
class Respondents:
    profiles: np.ndarray  # n x 6 on the quiz's 0-1 scale: (mean of the area's items - 1) / 4
    categories: list[list[str]]  # each respondent's acceptable 大类, the main one first
    digest: str  # sha256 of the file: which data a model was trained on

    @property
    def main(self) -> np.ndarray:
        return np.array([c[0] for c in self.categories])

    def subset(self, rows: np.ndarray) -> Respondents:
        return Respondents(self.profiles[rows], [self.categories[n] for n in rows], self.digest)


def respondents_load(path: Path = RESPONDENTS_FILE) -> Respondents:
    """Read and check the whole file; a bad row raises RowError with its line."""
    profiles, categories = [], []
    for line, row in read_csv(path, [*AREAS, "categories"]):
        try:
            scores = [float(row[a]) for a in AREAS]
        except ValueError as exc:
            raise RowError(path, line, f"an area score is not a number: {exc}") from exc
        if not all(1 <= s <= 5 for s in scores):
            raise RowError(path, line, "area scores are means of 1-5 answers")
        codes = row["categories"].split()
        if not codes or not all(CATEGORY.match(c) for c in codes):
            raise RowError(path, line, f"categories {row['categories']!r} are not 高职专科 大类 codes 41-59")
        profiles.append([(s - 1) / 4 for s in scores])
        categories.append(codes)
    return Respondents(np.array(profiles), categories, hashlib.sha256(path.read_bytes()).hexdigest())
