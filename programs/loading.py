"""Reading the catalog's source files and writing them idempotently.

Every parser reads the whole file first and raises RowError with the line number of the first bad
row, so a bad file writes nothing. `upsert` then writes only what differs, with history rows for
every create and update.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

import openpyxl
from django.db import models
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCE_DIR = DATA_DIR / "source"

M = TypeVar("M", bound=models.Model)


class RowError(ValueError):
    """A bad row in a source file. The message names the file, the line and the reason."""

    def __init__(self, path: Path | str, line: int, reason: str) -> None:
        self.path, self.line, self.reason = Path(path).name, line, reason
        super().__init__(f"{self.path}, line {line}: {reason}")


@dataclass
class LoadCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def __add__(self, other: LoadCounts) -> LoadCounts:
        return LoadCounts(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.deleted + other.deleted,
        )

    def __str__(self) -> str:
        deleted = f", deleted {self.deleted}" if self.deleted else ""
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}{deleted}"


def read_csv(path: Path, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number where the row starts, row) with values stripped. Line 1 is the header."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(required) - set(reader.fieldnames or [])
        if missing:
            raise RowError(path, 1, f"missing columns: {', '.join(sorted(missing))}")
        last_line = reader.line_num
        for row in reader:
            first_line, last_line = last_line + 1, reader.line_num  # a quoted value may span lines
            if None in row:
                raise RowError(path, first_line, "more values than columns")
            yield first_line, {key: (value or "").strip() for key, value in row.items()}


def read_xlsx(path: Path, sheet: str, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, row) of one sheet, values as stripped text (an integer cell without its ".0"). Row 1 is the
    header; rows whose first required column is empty (a sheet's closing note) are skipped."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet not in workbook.sheetnames:
            raise RowError(path, 1, f"no sheet named {sheet!r}")
        rows = workbook[sheet].iter_rows(values_only=True)
        header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
        required = list(required)
        missing = set(required) - set(header)
        if missing:
            raise RowError(path, 1, f"sheet {sheet}: missing columns: {', '.join(sorted(missing))}")
        for number, values in enumerate(rows, start=2):
            row = {name: _cell_text(value) for name, value in zip(header, values, strict=False) if name}
            if row.get(required[0]):
                yield number, row
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_weight(path: Path, line: int, raw: str) -> Decimal:
    try:
        weight = Decimal(raw).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise RowError(path, line, f"weight {raw!r} is not a number") from exc
    if not Decimal(0) < weight <= Decimal(1):
        raise RowError(path, line, f"weight {raw} must be above 0 and at most 1")
    return weight


def parse_links(path: Path, line: int, raw: str, known: set[str]) -> dict[str, Decimal]:
    """Parse 'cluster:weight cluster:weight' against the known cluster codes."""
    links: dict[str, Decimal] = {}
    for part in raw.split():
        match = re.fullmatch(r"([a-z0-9-]+):([0-9.]+)", part)
        if not match:
            raise RowError(path, line, f"link {part!r} is not of the form cluster:weight")
        code, weight = match.groups()
        if code not in known:
            raise RowError(path, line, f"unknown industry cluster {code!r}")
        links[code] = parse_weight(path, line, weight)
    if not links:
        raise RowError(path, line, "no industry links")
    return links


def upsert(
    *, model: type[M], key: tuple[str, ...], instances: list[M], fields: list[str], reason: str
) -> tuple[LoadCounts, dict[tuple, M]]:
    """Create or update `instances` matched on `key`; return counts and every row by key.

    `fields` are attnames (`specialty_class_id`, not `specialty_class`). A row whose fields all
    match is left alone, so running a loader twice writes nothing the second time.
    """
    existing = {tuple(getattr(obj, f) for f in key): obj for obj in model._default_manager.all()}
    counts = LoadCounts()
    to_create: list[M] = []
    to_update: list[M] = []
    for incoming in instances:
        current = existing.get(tuple(getattr(incoming, f) for f in key))
        if current is None:
            to_create.append(incoming)
            continue
        changed = [f for f in fields if getattr(current, f) != getattr(incoming, f)]
        if changed:
            for f in changed:
                setattr(current, f, getattr(incoming, f))
            to_update.append(current)
        else:
            counts.unchanged += 1
    tracked = hasattr(model, "history")
    if to_create and tracked:
        bulk_create_with_history(to_create, model, batch_size=500, default_change_reason=reason)
    elif to_create:
        model._default_manager.bulk_create(to_create, batch_size=500)
    if to_update and tracked:
        bulk_update_with_history(to_update, model, fields, batch_size=500, default_change_reason=reason)
    elif to_update:
        model._default_manager.bulk_update(to_update, fields, batch_size=500)
    counts.created, counts.updated = len(to_create), len(to_update)
    by_key = {tuple(getattr(obj, f) for f in key): obj for obj in model._default_manager.all()}
    return counts, by_key
