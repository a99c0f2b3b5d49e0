"""Benchmark: validation + scoring + Cronbach's alpha per organization.

Synthetic data (fixed seed): N responses x 30 Likert items (6 dimensions of 5
items, scale 1-5 with a "don't know" code 9, ~2% blanks), 100 organizations,
survey weights. The library (validate, score_items, score_dimensions,
reliability by organization) is timed against a hand-written vectorised
numpy/pandas reference doing the same work on the same data; peak memory
is measured with tracemalloc in separate runs.

    .venv/bin/python benchmarks/bench_surveys.py           # 1,000,000 responses
    .venv/bin/python benchmarks/bench_surveys.py --quick   # 50,000 responses

Exits with status 1 if the library takes more than 2x the reference, or if
its results differ from the reference.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.surveys import (
    Instrument,
    Question,
    Scale,
    SurveyDimension,
    reliability,
    score_dimensions,
    score_items,
    validate,
)

N_DIMS, PER_DIM, N_ORGS = 6, 5, 100
TARGET_RATIO = 2.0


def make_instrument() -> Instrument:
    scale = Scale((1, 2, 3, 4, 5), dont_know=(9,), id="agree5")
    dims = [SurveyDimension(f"d{i}", f"Dimensione {i}") for i in range(N_DIMS)]
    qs = [
        Question(f"q{i}_{j}", "likert", f"Domanda {i}.{j}", dimension=f"d{i}", scale=scale)
        for i in range(N_DIMS)
        for j in range(PER_DIM)
    ]
    return Instrument("bench.counter", "Bench", dimensions=dims, questions=qs)


def make_data(n: int, seed: int = 42) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    org = rng.integers(0, N_ORGS, n)
    level = rng.normal(3.5, 0.7, n) + (org - N_ORGS / 2) / N_ORGS
    cols: dict[str, Any] = {
        "respondent": np.arange(n),
        "organization": pd.Categorical.from_codes(org, [f"org{i:03d}" for i in range(N_ORGS)]),
        "weight": rng.uniform(0.5, 2.0, n),
    }
    for i in range(N_DIMS):
        dim_level = level + rng.normal(0, 0.4, n)
        for j in range(PER_DIM):
            x = np.clip(np.round(dim_level + rng.normal(0, 0.8, n)), 1, 5)
            u = rng.random(n)
            x[u < 0.02] = np.nan
            x[(u >= 0.02) & (u < 0.03)] = 9
            cols[f"q{i}_{j}"] = x
    return pd.DataFrame(cols)


def library(inst: Instrument, df: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    clean = validate(inst, df).clean
    items = score_items(inst, clean, by="organization", weights="weight")
    dims = score_dimensions(inst, clean, by="organization", weights="weight")
    alpha = reliability(inst, clean, by="organization")
    return items, dims, alpha


def reference(inst: Instrument, df: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    """Straightforward vectorised pandas/numpy doing the same computations."""
    items = [q.id for q in inst.questions]
    x = df[items].to_numpy(dtype=float)
    # validation: codes on the scale or "don't know", unique respondent ids
    valid = np.isnan(x) | np.isin(x, [1, 2, 3, 4, 5, 9])
    bad = ~valid.all(axis=1) | df["respondent"].duplicated(keep=False).to_numpy()
    clean = df.loc[~bad]
    org = clean["organization"].to_numpy()
    w = clean["weight"].to_numpy()
    v = clean[items].to_numpy(dtype=float, copy=True)
    v[v == 9] = np.nan
    # items: weighted mean, sd, n_eff per organization and item
    present = ~np.isnan(v)
    vv = np.where(present, v, 0.0)
    frame = pd.DataFrame(
        np.hstack(
            [
                present * w[:, None],
                present * w[:, None] ** 2,
                vv * w[:, None],
                vv**2 * w[:, None],
                present.astype(float),
                (v >= 4) * w[:, None],
            ]
        )
    )
    sums = frame.groupby(org, observed=True).sum().to_numpy()
    k = len(items)
    sw, sw2, swy, swy2, n, top = (sums[:, i * k : (i + 1) * k] for i in range(6))
    mean = swy / sw
    n_eff = sw**2 / sw2
    sd = np.sqrt(np.maximum(swy2 / sw - mean**2, 0) * n_eff / (n_eff - 1))
    items_out = pd.DataFrame(
        {"mean": mean.ravel(), "sd": sd.ravel(), "n": n.ravel(), "top": (top / sw).ravel()}
    )
    # dimensions: respondent mean of rescaled items, then weighted mean per organization
    resc = (v - 1) / 4 * 100
    blocks = [resc[:, i * PER_DIM : (i + 1) * PER_DIM] for i in range(N_DIMS)]
    # a respondent needs at least half of a dimension's items (3 of 5)
    dim_scores = np.column_stack(
        [np.where((~np.isnan(b)).sum(axis=1) >= 3, np.nanmean(b, axis=1), np.nan) for b in blocks]
    )
    dim_scores = np.column_stack([dim_scores, np.nanmean(dim_scores, axis=1)])
    pres = ~np.isnan(dim_scores)
    ds = np.where(pres, dim_scores, 0.0)
    f2 = pd.DataFrame(np.hstack([pres * w[:, None], ds * w[:, None], ds**2 * w[:, None]]))
    s2 = f2.groupby(org, observed=True).sum().to_numpy()
    m = N_DIMS + 1
    dims_out = pd.DataFrame({"index": (s2[:, m : 2 * m] / s2[:, :m]).ravel()})
    # alpha per organization and dimension from pairwise covariance matrices
    alphas = []
    for i in range(N_DIMS):
        cols = items[i * PER_DIM : (i + 1) * PER_DIM]
        sub = pd.DataFrame(v[:, i * PER_DIM : (i + 1) * PER_DIM], columns=cols)
        cov = sub.groupby(org, observed=True).cov().to_numpy().reshape(-1, PER_DIM, PER_DIM)
        tr = np.trace(cov, axis1=1, axis2=2)
        alphas.append(PER_DIM / (PER_DIM - 1) * (1 - tr / cov.sum(axis=(1, 2))))
    alpha_out = pd.DataFrame({"alpha": np.concatenate(alphas)})
    return items_out, dims_out, alpha_out


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, out = np.inf, None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def peak_memory(fn: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50,000 responses")
    parser.add_argument("--n", type=int, default=None, help="number of responses")
    parser.add_argument("--repeat", type=int, default=None)
    args = parser.parse_args(argv)
    n = args.n or (50_000 if args.quick else 1_000_000)
    repeat = args.repeat or (3 if args.quick else 2)
    inst = make_instrument()
    df = make_data(n)
    data_mb = df.memory_usage(deep=True).sum() / 2**20
    t_lib, (items, dims, alpha) = timed(lambda: library(inst, df), repeat)
    t_ref, (r_items, r_dims, r_alpha) = timed(lambda: reference(inst, df), repeat)
    # same results (organizations are in the same sorted order in both)
    ok = (
        np.allclose(items["mean"], r_items["mean"], equal_nan=True)
        and np.allclose(items["sd"], r_items["sd"], equal_nan=True)
        and np.allclose(items["top_box"], r_items["top"], equal_nan=True)
        and np.allclose(dims["index"], r_dims["index"], equal_nan=True)
        and np.allclose(alpha["alpha"], r_alpha["alpha"], equal_nan=True)
    )
    m_lib = peak_memory(lambda: library(inst, df))
    m_ref = peak_memory(lambda: reference(inst, df))
    ratio = t_lib / t_ref
    print(
        f"surveys benchmark: {n:,} responses x {N_DIMS * PER_DIM} items, {N_ORGS} organizations"
        f" (data {data_mb:,.0f} MiB)"
    )
    print(f"{'':<12}{'time (s)':>10}{'peak MiB':>10}")
    print(f"{'library':<12}{t_lib:>10.2f}{m_lib:>10.0f}")
    print(f"{'reference':<12}{t_ref:>10.2f}{m_ref:>10.0f}")
    print(f"ratio library/reference: {ratio:.2f} (target <= {TARGET_RATIO})")
    print(f"results equal to the reference: {ok}")
    if not ok:
        print("FAIL: results differ from the reference", file=sys.stderr)
        return 1
    if ratio > TARGET_RATIO:
        print("FAIL: slower than the target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
