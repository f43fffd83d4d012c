"""Reading a class's profiles for `recommend_specialties`: every row checked, errors name the line and column."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

HEADER = ["id", "R", "I", "A", "S", "E", "C"]


class BatchInputError(ValueError):
    pass


def read_profiles(path: str | Path) -> tuple[list[str], np.ndarray]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BatchInputError(f"{path}: cannot read it as UTF-8 text: {exc}") from exc
    with io.StringIO(text, newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader, [])]
        if header != HEADER:
            raise BatchInputError(f"{path}, line 1: the header must be {','.join(HEADER)}, not {','.join(header)}")
        rows = [row for row in reader if row]  # the reader gives [] for an empty line
    try:  # the fast path: one conversion for the whole class; any problem is then located row by row
        ids = [row[0].strip() for row in rows]
        scores = np.array([row[1:] for row in rows], dtype=float)  # a row of another width makes this raise
        if scores.shape != (len(rows), len(HEADER) - 1) or not ((scores >= 0) & (scores <= 1)).all():
            raise ValueError
        if len(set(ids)) != len(ids) or "" in ids:
            raise ValueError
    except (ValueError, IndexError):
        return _checked(path, text)
    return ids, scores


def _checked(path: str | Path, text: str) -> tuple[list[str], np.ndarray]:
    """The slow path, row by row: skip rows of blank cells, and name the first bad line and column."""
    with io.StringIO(text, newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        numbered = [(line, row) for line, row in enumerate(reader, start=2) if any(cell.strip() for cell in row)]
    if not numbered:
        raise BatchInputError(f"{path}: no profiles after the header")
    _locate_problem(path, numbered)
    ids = [row[0].strip() for _line, row in numbered]
    return ids, np.array([[float(cell) for cell in row[1:]] for _line, row in numbered], dtype=float)


def _locate_problem(path: str | Path, numbered: list[tuple[int, list[str]]]) -> None:
    """Raise BatchInputError naming the first bad line and column."""
    seen: set[str] = set()
    for line, row in numbered:
        _check_id(path, line, row, seen)
        for column in range(1, 7):
            _score(path, line, column, row)


def _check_id(path: str | Path, line: int, row: list[str], seen: set[str]) -> str:
    if len(row) != len(HEADER):
        raise BatchInputError(f"{path}, line {line}: expected {len(HEADER)} columns, found {len(row)}")
    student = row[0].strip()
    if not student:
        raise BatchInputError(f"{path}, line {line}, column id: the id is empty")
    if student in seen:
        raise BatchInputError(f"{path}, line {line}, column id: {student} appears twice")
    seen.add(student)
    return student


def _score(path: str | Path, line: int, column: int, row: list[str]) -> float:
    raw = row[column].strip()
    try:
        value = float(raw)
    except ValueError:
        raise BatchInputError(f"{path}, line {line}, column {HEADER[column]}: {raw!r} is not a number") from None
    if not 0 <= value <= 1 or value != value:
        raise BatchInputError(f"{path}, line {line}, column {HEADER[column]}: {raw} is outside 0 to 1")
    return value
