"""The floor for `recommend_specialties` (issue 15): the same work with numpy and the standard library only.

Read the CSV (id,R,I,A,S,E,C), centre and scale each profile, one matrix product against every specialty's shape,
the top k by argpartition, and write id,rank,code,name,score. No 大类 cap, no real-choice term, no checks: what a
bare script would do. `bench/recommender.py` runs it beside the command in the same run.

Usage: python bench/bare_recommend.py CLASS.csv ITEMS.npy LABELS.json K > out.csv
"""

import csv
import json
import sys

import numpy as np


def main(path: str, items_path: str, labels_path: str, k: int) -> None:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    ids = [row[0] for row in rows]
    profiles = np.array([row[1:] for row in rows], dtype=np.float32)
    items = np.load(items_path)  # specialties x 6, each a unit-length centred shape
    with open(labels_path, encoding="utf-8") as handle:
        labels = json.load(handle)  # "code,name" per specialty
    shaped = profiles - profiles.mean(axis=1, keepdims=True)
    shaped /= np.maximum(np.linalg.norm(shaped, axis=1, keepdims=True), 1e-9)
    scores = shaped @ items.T
    part = np.argpartition(scores, scores.shape[1] - k, axis=1)[:, -k:]
    values = np.take_along_axis(scores, part, 1)
    order = np.argsort(-values, axis=1)
    top, values = np.take_along_axis(part, order, 1), np.take_along_axis(values, order, 1)
    lines = ["id,rank,code,name,score"]
    for student, columns, row in zip(ids, top.tolist(), values.tolist(), strict=True):
        lines.extend(
            f"{student},{rank + 1},{labels[c]},{v:.4f}" for rank, (c, v) in enumerate(zip(columns, row, strict=True))
        )
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
