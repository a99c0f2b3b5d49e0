"""Benchmark: Games-Howell of every pair of 10 organizations on 30 items (issue 23).

Synthetic data (fixed seed, the data of ``bench_surveys.py``, its 100
organizations folded into 10): N responses x 30 Likert items. The library
(``compare_groups(..., test="welch", pairwise=True, correction=None)``:
Welch's ANOVA of each item and Games-Howell of every pair) is timed against
the plain numpy/pandas/scipy code an analyst would write:
``groupby().count()/mean()/var()``, Welch's t of every pair by broadcasting
and one vectorised call of ``scipy.stats.studentized_range.sf`` for the
p-values (scipy integrates each value adaptively: the cost this benchmark
is about). Both must give the same p-values (to 1e-9).

    .venv/bin/python benchmarks/bench_surveys_games_howell.py --quick   # 50,000 responses
    .venv/bin/python benchmarks/bench_surveys_games_howell.py           # 1,000,000 responses

Runs at most two interleaved rounds (the reference takes tens of seconds).
Exits with status 1 if the library takes more than TARGET_SECONDS, more than
TARGET_RATIO times the reference's time or memory (the larger; at the two
named sizes: with --n the quadrature's fixed arrays weigh more), or if the
results differ. Measured on the shared 2-core machine at 50,000 responses:
library 2.9 s, 50 MiB; reference 35.6 s, 26 MiB.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
from bench_surveys import ITEMS, arguments, make_data, make_instrument, side_by_side
from bench_surveys_compare import welch_pairs
from scipy import stats

from qualitapa.surveys import Instrument, compare_groups

N_GROUPS = 10
TARGET_SECONDS = 8.0  # 1,350 p-values: about 2 ms each against scipy's 18 ms
TARGET_RATIO = 2.0  # memory: the quadrature's arrays, a chunk of p-values at a time


def library(inst: Instrument, df: pd.DataFrame) -> pd.DataFrame:
    return compare_groups(inst, df, test="welch", pairwise=True, correction=None)


def reference(df: pd.DataFrame) -> np.ndarray:
    """Games-Howell p-values of every pair of every item, (items, pairs)."""
    _, g, t, df_w = welch_pairs(df)  # as the comparisons' benchmark
    p = stats.studentized_range.sf(np.sqrt(2) * np.abs(t), len(np.unique(g)), df_w)
    return np.asarray(p.T, dtype=float)


def same(lib: pd.DataFrame, ref: np.ndarray) -> bool:
    pairs = lib[lib["group_b"] != ""]
    return bool(np.allclose(pairs["p_value"], ref.ravel(), rtol=0, atol=1e-9))


def main(argv: list[str] | None = None) -> int:
    args, n = arguments(__doc__ or "", argv)
    inst = make_instrument()
    df = make_data(n)
    codes = df["organization"].cat.codes.to_numpy() % N_GROUPS
    df["organization"] = pd.Categorical.from_codes(codes, [f"org{i:02d}" for i in range(N_GROUPS)])
    ok, t_lib, ratio = side_by_side(
        f"Games-Howell benchmark: {n:,} responses x {len(ITEMS)} items, every pair of"
        f" {N_GROUPS} organizations",
        (lambda: library(inst, df), lambda: reference(df)),
        same,
        min(args.repeat, 2),
        f"<= {TARGET_RATIO}; library <= {TARGET_SECONDS} s",
    )
    if not ok:
        return 1
    if args.n is None and (ratio > TARGET_RATIO or t_lib > TARGET_SECONDS):
        print("FAIL: slower or larger than the target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
