"""The diversity cap on a recompute block: `recommender.ranking.capped_walk` (one cap for every path, issue 13)
against the walk the city recompute used before (`pathways/recompute.py:_walk` at af02906, kept here as the reference).

Run: OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/cap_walk.py"""

import sys
import time

import numpy as np

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
from recommender.ranking import capped_walk


def old_walk(ordered, specialty_index, category_index, K=10, PS=1, PC=3):
    n, depth = ordered.shape
    specialties, categories = specialty_index[ordered], category_index[ordered]
    per_specialty = np.zeros((n, specialty_index.max(initial=0) + 1), dtype=np.int8)
    per_category = np.zeros((n, category_index.max(initial=0) + 1), dtype=np.int8)
    picked = np.full((n, K), -1, dtype=int)
    filled = np.zeros(n, dtype=int)
    last = np.full(n, -1)
    for j in range(depth):
        open_ = np.flatnonzero(filled < K)
        if not len(open_):
            break
        s, c = specialties[open_, j], categories[open_, j]
        take = open_[(per_specialty[open_, s] < PS) & (per_category[open_, c] < PC)]
        s, c = specialties[take, j], categories[take, j]
        picked[take, filled[take]] = ordered[take, j]
        per_specialty[take, s] += 1
        per_category[take, c] += 1
        filled[take] += 1
        last[take] = j
    return picked, last


rng = np.random.default_rng(0)
rows = 1550
spec = rng.integers(0, 700, rows)
cat = rng.integers(0, 19, rows)
ordered = np.argsort(rng.random((4096, rows)), axis=1)[:, :256]
for name, fn in (
    ("old _walk", lambda: old_walk(ordered, spec, cat)),
    ("capped_walk", lambda: capped_walk(ordered, [(spec, 1), (cat, 3)], 10)),
):
    t = time.perf_counter()
    for _ in range(20):
        out = fn()
    print(name, round((time.perf_counter() - t) / 20 * 1000, 2), "ms per 4,096-student block")
a = old_walk(ordered, spec, cat)
b = capped_walk(ordered, [(spec, 1), (cat, 3)], 10)
print("same picks:", np.array_equal(a[0], b[0]), "same last:", np.array_equal(a[1], b[2]))
