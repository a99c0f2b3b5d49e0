"""Benchmark: DEA and composite-index uncertainty analysis.

1. DEA, 3 inputs and 2 outputs, 1,000 and 3,000 units (CRS and VRS, input
   oriented): :func:`qualitapa.composite.dea` against the straightforward
   method (one ``linprog`` call per unit, all units in the reference set).
   Target: at least 3x faster with identical scores (max |difference| < 1e-8).
2. Composite index of 8,000 municipalities x 8 indicators in a tree, with
   1,000 Monte Carlo runs (normaliser, aggregator, weights):
   :func:`qualitapa.composite.composite_uncertainty` against a hand-written
   numpy reference (a loop over runs, each run vectorised over
   municipalities). The issue asks for the time to be reported (no target);
   the ratio to the reference is printed for information — note that the
   library also computes first-order sensitivity indices and rank intervals,
   which the reference does not. Median ranks identical for the same draws is
   not required (different random streams); we check the nominal ranking.

Run ``python benchmarks/bench_composite.py [--quick]``; exits 1 if a target is
missed.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.stats import rankdata

from qualitapa.composite import CompositeDefinition, composite, composite_uncertainty, dea


def dea_data(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.uniform(10, 100, (n, 3))
    eff = np.exp(-np.abs(rng.normal(0, 0.3, n)))
    base = (X**0.3).prod(axis=1)
    Y = np.column_stack(
        [base * eff * rng.uniform(0.5, 1.5, n), base * eff * rng.uniform(0.5, 1.5, n)]
    )
    frame = pd.DataFrame(np.hstack([X, Y]), columns=["x1", "x2", "x3", "y1", "y2"])
    frame.insert(0, "organization", [f"u{i:05d}" for i in range(n)])
    return frame


def dea_reference(X: np.ndarray, Y: np.ndarray, vrs: bool) -> np.ndarray:
    """One linprog (HiGHS) per unit, input-oriented envelopment model."""
    n, m = X.shape
    s = Y.shape[1]
    theta = np.empty(n)
    A_eq = np.r_[0.0, np.ones(n)][None, :] if vrs else None
    b_eq = [1.0] if vrs else None
    for o in range(n):
        c = np.r_[1.0, np.zeros(n)]
        A = np.vstack([np.hstack([-X[o][:, None], X.T]), np.hstack([np.zeros((s, 1)), -Y.T])])
        b = np.r_[np.zeros(m), -Y[o]]
        r = linprog(c, A_ub=A, b_ub=b, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        theta[o] = r.x[0]
    return theta


def timed(func, *args, **kwargs):
    """(result, seconds, peak RSS of the process so far in bytes).

    tracemalloc would slow allocation-heavy numpy code several times and
    distort the timings, so memory is the process's peak resident set size.
    """
    t = time.perf_counter()
    out = func(*args, **kwargs)
    elapsed = time.perf_counter() - t
    return out, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def best_of(repeat: int, func, *args, **kwargs):
    """Fastest of ``repeat`` calls (the machine is shared: timings are noisy)."""
    runs = [timed(func, *args, **kwargs) for _ in range(repeat)]
    return min(runs, key=lambda r: r[1])


def bench_dea(sizes: list[int]) -> list[dict]:
    rows = []
    warm = dea_data(50)  # first call imports and warms up scipy.sparse / HiGHS
    dea(warm, inputs=["x1", "x2", "x3"], outputs=["y1", "y2"])
    for n in sizes:
        repeat = 2 if n <= 1000 else 1
        frame = dea_data(n)
        X = frame[["x1", "x2", "x3"]].to_numpy()
        Y = frame[["y1", "y2"]].to_numpy()
        for rts in ("crs", "vrs"):
            res, t_lib, mem = best_of(
                repeat,
                dea,
                frame,
                inputs=["x1", "x2", "x3"],
                outputs=["y1", "y2"],
                rts=rts,
                slacks=False,
            )
            _, t_full, _ = timed(
                dea, frame, inputs=["x1", "x2", "x3"], outputs=["y1", "y2"], rts=rts
            )
            ref, t_ref, _ = best_of(repeat, dea_reference, X, Y, rts == "vrs")
            diff = float(np.max(np.abs(res.scores["score"].to_numpy() - ref)))
            rows.append(
                {
                    "case": f"DEA {rts} n={n}",
                    "qualitapa_s": t_lib,
                    "with_slacks_s": t_full,
                    "reference_s": t_ref,
                    "speedup": t_ref / t_lib,
                    "max_abs_diff": diff,
                    "peak_rss_mb": mem / 1e6,
                    # the 3x target is the issue's, for 1,000 and 3,000 units; the
                    # quick run (fewer units, where screening gains less) checks
                    # identical scores only
                    "ok": diff < 1e-8 and (n < 1000 or t_ref / t_lib >= 3),
                }
            )
            print(rows[-1], flush=True)
    return rows


def composite_data(n: int, seed: int = 1) -> tuple[pd.DataFrame, CompositeDefinition]:
    rng = np.random.default_rng(seed)
    cols = [f"i{k}" for k in range(8)]
    latent = rng.normal(size=n)
    data = {c: latent + rng.normal(size=n) for c in cols}
    frame = pd.DataFrame(data)
    frame = frame.mask(rng.random(frame.shape) < 0.02)  # some missing values
    frame.insert(0, "organization", [f"{i:06d}" for i in range(n)])
    d = CompositeDefinition.from_mapping(
        {
            "id": "bench.index",
            "label": "Indice",
            "min_coverage": 0.5,
            "components": [
                {
                    "id": "access",
                    "weight": 2,
                    "components": [
                        {"indicator": c, "polarity": "higher_is_better"} for c in cols[:4]
                    ],
                },
                {
                    "id": "quality",
                    "components": [
                        {
                            "indicator": c,
                            "polarity": "lower_is_better" if k % 2 else "higher_is_better",
                            "weight": 1 + k % 3,
                        }
                        for k, c in enumerate(cols[4:])
                    ],
                },
            ],
        }
    )
    return frame, d


def uncertainty_reference(frame: pd.DataFrame, d: CompositeDefinition, runs: int) -> np.ndarray:
    """Hand-written numpy: per run, min-max or rank normalise, weights, arithmetic/geometric."""
    leaves = d.indicators()
    A = frame[leaves].to_numpy(dtype=float)
    sign = np.array(
        [
            1.0 if leaf.polarity == "higher_is_better" else -1.0
            for c in d.components
            for leaf in c.leaves()
        ]
    )
    mn, mx = np.nanmin(A, axis=0), np.nanmax(A, axis=0)
    mm = np.where(sign > 0, A - mn, mx - A) / (mx - mn)
    rk = rankdata(sign * A, axis=0, nan_policy="omit")
    rk = (rk - 1) / (np.sum(~np.isnan(A), axis=0) - 1)
    groups = [list(range(4)), list(range(4, 8))]
    w_leaf = [np.ones(4), np.array([1.0 + k % 3 for k in range(4)])]
    w_top = np.array([2.0, 1.0])
    rng = np.random.default_rng(0)
    ranks = np.empty((runs, len(A)))
    for r in range(runs):
        Z = mm if rng.random() < 0.5 else rk
        geo = rng.random() < 0.5
        if geo:  # a geometric mean needs positive values: onto [0.01, 1] (COINr's [1, 100])
            Z = 0.01 + 0.99 * Z
        subs = []
        for g, w in zip(groups, w_leaf, strict=True):
            w = w * rng.uniform(0.75, 1.25, len(w))
            C = Z[:, g]
            av = ~np.isnan(C)
            wa = np.where(av, w, 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                v = (
                    np.exp((wa * np.log(np.where(av, C, 1))).sum(1) / wa.sum(1))
                    if geo
                    else (wa * np.where(av, C, 0)).sum(1) / wa.sum(1)
                )
            subs.append(np.where(av.mean(1) >= 0.5, v, np.nan))
        S = np.column_stack(subs)
        w = w_top * rng.uniform(0.75, 1.25, 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            top = np.exp((w * np.log(S)).sum(1) / w.sum()) if geo else (w * S).sum(1) / w.sum()
        ranks[r] = rankdata(-top, method="min", nan_policy="omit")
    with np.errstate(invalid="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            np.nanquantile(ranks, [0.05, 0.5, 0.95], axis=0)
    return ranks


def bench_composite(n: int, runs: int) -> list[dict]:
    frame, d = composite_data(n)
    res, t_lib, mem = timed(
        composite_uncertainty,
        frame,
        d,
        runs=runs,
        normalisers=["min_max", "rank"],
        aggregators=["arithmetic", "geometric"],
        weight_range=0.25,
        seed=0,
    )
    _, t_ref, _ = timed(uncertainty_reference, frame, d, runs)
    nominal = composite(frame, d, include_subindices=False)
    same_nominal = bool(
        (
            nominal["rank"].to_numpy(dtype=float, na_value=np.nan)
            == res.ranks["rank"].to_numpy(dtype=float, na_value=np.nan)
        )[nominal["rank"].notna()].all()
    )
    row = {
        "case": f"composite MC n={n} runs={runs}",
        "qualitapa_s": t_lib,
        "reference_s": t_ref,
        "ratio_to_reference": t_lib / t_ref,
        "peak_rss_mb": mem / 1e6,
        "ok": same_nominal,
    }
    print(row, flush=True)
    return [row]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    args = parser.parse_args()
    if args.quick:
        rows = bench_dea([400]) + bench_composite(1000, 100)
    else:
        rows = bench_dea([1000, 3000]) + bench_composite(8000, 1000)
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_columns", None):
        print(table.round(4).to_string(index=False))
    return 0 if table["ok"].all() else 1


if __name__ == "__main__":
    sys.exit(main())
