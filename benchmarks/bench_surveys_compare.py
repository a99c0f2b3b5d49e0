"""Benchmark: every pair of 100 organizations compared on 30 items, unweighted (issue 25).

Synthetic data (fixed seed, the data of ``bench_surveys.py``): N responses x
30 Likert items, 100 organizations. The library (``compare_groups(...,
pairwise=True)``: Welch t of every pair on every item, plus the ANOVA of
each item, Holm adjustment) is timed against the plain numpy/pandas code an
analyst would write: ``groupby().count()/mean()/var()``, Welch t of every
pair by broadcasting, one vectorised ``scipy.stats.t.sf``, ``f_oneway`` per
item and Holm by sorting. Both must give the same numbers (checked on every
p-value, and against ``scipy.stats.ttest_ind`` for a few pairs).

    .venv/bin/python benchmarks/bench_surveys_compare.py           # 1,000,000 responses
    .venv/bin/python benchmarks/bench_surveys_compare.py --quick   # 50,000 responses

Exits with status 1 if the library takes more than TARGET_SECONDS at full
size, more than TARGET_RATIO times the reference, or if the results differ.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
from bench_surveys import ITEMS, arguments, make_data, make_instrument, side_by_side
from scipy import stats

from qualitapa.surveys import Instrument, compare_groups

TARGET_SECONDS = 3.0  # issue 25: 81 s before (one scipy call per pair and item)
TARGET_RATIO = 1.5


def library(inst: Instrument, df: pd.DataFrame) -> pd.DataFrame:
    return compare_groups(inst, df, pairwise=True)


def welch_pairs(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The answers, groups, and Welch t and df of every pair (pairs, items), by broadcasting."""
    x = df[ITEMS].to_numpy(dtype=float, copy=True)
    x[x == 0] = np.nan  # "don't know"
    g = df["organization"].cat.codes.to_numpy()
    gb = pd.DataFrame(x, columns=ITEMS).groupby(g)
    n, mean, var = (f().to_numpy() for f in (gb.count, gb.mean, gb.var))  # (groups, items)
    ia, ib = np.triu_indices(len(n), 1)
    se2 = var / n
    v = se2[ia] + se2[ib]
    t = (mean[ia] - mean[ib]) / np.sqrt(v)
    df_w = v**2 / (se2[ia] ** 2 / (n[ia] - 1) + se2[ib] ** 2 / (n[ib] - 1))
    return x, g, t, df_w


def reference(df: pd.DataFrame) -> dict[str, np.ndarray]:
    """Welch t of every pair by broadcasting the groups' counts, means and variances."""
    x, g, t, df_w = welch_pairs(df)
    p_pairs = 2 * stats.t.sf(np.abs(t), df_w)  # (pairs, items)
    p_all = np.empty(len(ITEMS))
    order = np.argsort(g, kind="stable")
    bounds = np.cumsum(np.bincount(g))[:-1]
    for j in range(len(ITEMS)):  # the ANOVA of each item across the groups
        col = x[order, j]
        p_all[j] = stats.f_oneway(*[c[~np.isnan(c)] for c in np.split(col, bounds)]).pvalue
    p = np.column_stack([p_all, p_pairs.T]).ravel()  # item by item: ANOVA, then pairs
    m = len(p)
    o = np.argsort(p, kind="stable")
    holm = np.empty(m)
    holm[o] = np.minimum(np.maximum.accumulate((m - np.arange(m)) * p[o]), 1.0)
    return {"t": t.T.ravel(), "p": p, "holm": holm}


def same(lib: pd.DataFrame, ref: dict[str, np.ndarray], df: pd.DataFrame) -> bool:
    pairs = lib[lib["group_b"] != ""]
    ok = (
        np.allclose(pairs["statistic"], ref["t"], rtol=1e-10, atol=1e-12)
        and np.allclose(lib["p_value"], ref["p"], rtol=1e-8, atol=1e-300)
        and np.allclose(lib["p_adjusted"], ref["holm"], rtol=1e-8, atol=1e-300)
    )
    for _, row in pairs.iloc[[0, 1234, len(pairs) - 1]].iterrows():  # scipy itself
        a, b = (
            df.loc[df["organization"] == o, row["variable"]] for o in row[["group_a", "group_b"]]
        )
        a, b = a[a > 0].dropna(), b[b > 0].dropna()
        res = stats.ttest_ind(a, b, equal_var=False)
        ok = ok and bool(np.isclose(row["statistic"], res.statistic, rtol=1e-10))
    return ok


def main(argv: list[str] | None = None) -> int:
    args, n = arguments(__doc__ or "", argv)
    inst = make_instrument()
    df = make_data(n)
    ok, t_lib, ratio = side_by_side(
        f"survey comparisons benchmark: {n:,} responses x {len(ITEMS)} items, every pair of"
        f" {df['organization'].nunique()} organizations",
        (lambda: library(inst, df), lambda: reference(df)),
        lambda lib, ref: same(lib, ref, df),
        args.repeat,
        f"<= {TARGET_RATIO}; library <= {TARGET_SECONDS} s",
    )
    if not ok:
        return 1
    full = not args.quick and args.n is None
    if full and (t_lib > TARGET_SECONDS or ratio > TARGET_RATIO):
        print("FAIL: slower or larger than the target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
