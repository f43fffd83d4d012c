"""recommend_specialties: a class's CSV in, K ranked specialties per student out; a bad file names line and column."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from recommender.artifacts import ranker_get

pytestmark = pytest.mark.django_db

GOOD = "id,R,I,A,S,E,C\nwang,0.9,0.5,0.1,0.2,0.3,0.4\nli,0.1,0.2,0.3,0.95,0.4,0.3\nzhou,0.5,0.5,0.5,0.5,0.5,0.5\n"


def run(tmp_path: Path, content: str, level: str = "secondary", k: int = 5) -> list[dict[str, str]]:
    path = tmp_path / "class.csv"
    path.write_text(content, encoding="utf-8")
    out = io.StringIO()
    call_command("recommend_specialties", "--input", str(path), "--level", level, "--k", str(k), stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_k_rows_per_student_ranked_with_six_digit_codes(tmp_path: Path) -> None:
    rows = run(tmp_path, GOOD, k=5)
    assert list(rows[0]) == ["id", "rank", "code", "name", "score"]
    assert [r["id"] for r in rows] == ["wang"] * 5 + ["li"] * 5 + ["zhou"] * 5
    assert [r["rank"] for r in rows[:5]] == ["1", "2", "3", "4", "5"]
    assert all(len(r["code"].rstrip("K")) == 6 and r["code"][:2] in {str(n) for n in range(61, 80)} for r in rows)
    wang = [float(r["score"]) for r in rows[:5]]
    assert wang == sorted(wang, reverse=True) or max(wang) - min(wang) < 0.01
    assert {r["score"] for r in rows[10:]} == {"0.0000"}  # flat: the exploration spread, not a fit score


def test_the_level_decides_the_codes(tmp_path: Path) -> None:
    assert all(r["code"][:2] in {str(n) for n in range(41, 60)} for r in run(tmp_path, GOOD, "associate", 3))
    assert all(r["code"][:2] in {str(n) for n in range(21, 40)} for r in run(tmp_path, GOOD, "bachelor", 3))


def test_the_rows_are_the_ranking_a_user_gets_and_blank_rows_are_skipped(tmp_path: Path) -> None:
    content = GOOD.replace("\nli,", '\n\n,,,,,,\n"li, jr",') + "\n"
    rows = run(tmp_path, content, level="associate", k=4)
    assert [r["id"] for r in rows] == ["wang"] * 4 + ["li, jr"] * 4 + ["zhou"] * 4
    _version, ranker = ranker_get()
    top, scores = ranker.top_k(
        np.array([[0.9, 0.5, 0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.95, 0.4, 0.3]]), "associate", 4
    )
    assert [r["code"] for r in rows[:8]] == [str(ranker.index.codes[c]) for c in top.ravel()]
    assert [r["score"] for r in rows[:8]] == [f"{s:.4f}" for s in scores.ravel()]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,R,I,A,S,E\nwang,0.9,0.5,0.1,0.2,0.3\n", "line 1: the header must be id,R,I,A,S,E,C"),
        ("id,R,I,A,S,E,C\nwang,0.9,0.5,x,0.2,0.3,0.4\n", "line 2, column A: 'x' is not a number"),
        (
            "id,R,I,A,S,E,C\nwang,0.9,0.5,0.1,0.2,0.3,0.4\nli,0.9,1.5,0.1,0.2,0.3,0.4\n",
            "line 3, column I: 1.5 is outside 0 to 1",
        ),
        ("id,R,I,A,S,E,C\nwang,0.9,0.5,0.1,0.2,0.3\n", "line 2: expected 7 columns, found 6"),
        (
            "id,R,I,A,S,E,C\nwang,0.9,0.5,0.1,0.2,0.3,0.4\nwang,0.1,0.5,0.1,0.2,0.3,0.4\n",
            "line 3, column id: wang appears twice",
        ),
        ("id,R,I,A,S,E,C\n,0.9,0.5,0.1,0.2,0.3,0.4\n", "line 2, column id: the id is empty"),
        ("id,R,I,A,S,E,C\n", "no profiles"),
    ],
)
def test_a_malformed_file_names_the_line_and_column(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        run(tmp_path, content)


def test_a_malformed_file_exits_non_zero(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,R,I,A,S,E,C\nwang,0.9,0.5,x,0.2,0.3,0.4\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "manage.py", "recommend_specialties", "--input", str(path), "--level", "secondary"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "line 2, column A" in result.stderr
