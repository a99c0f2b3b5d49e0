"""Benchmark: item scores and Cronbach's alpha per organization (issue 25, row "surveys").

Synthetic data (fixed seed): N responses x 30 Likert items (scale 1-5, 0 =
"don't know", ~2% blanks), 100 organizations, all 30 items one scale. The
library (``score_items`` by organization: mean, t interval, top-2 share;
``reliability`` by organization with ``nan_policy="listwise"``) is timed
against the plain numpy/pandas code an analyst would write for the same
numbers: ``groupby().mean()/std()/count()`` for the items, ``np.cov`` of each
organization's complete cases for alpha. Both must give the same numbers.

Timing: median of interleaved runs (library, reference, library, ...);
peak memory: tracemalloc (numpy buffers are traced) in separate runs.

    .venv/bin/python benchmarks/bench_surveys.py           # 1,000,000 responses
    .venv/bin/python benchmarks/bench_surveys.py --quick   # 50,000 responses

Exits with status 1 if the library takes more than TARGET_RATIO times the
reference (time or peak memory) at full size, or if the results differ.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from qualitapa.surveys import (
    Instrument,
    Question,
    Scale,
    SurveyDimension,
    reliability,
    score_items,
)

N_ITEMS, N_ORGS = 30, 100
TARGET_RATIO = 1.5  # time and peak memory, library / reference (issue 25)
ITEMS = [f"q{j:02d}" for j in range(N_ITEMS)]


def make_instrument() -> Instrument:
    scale = Scale((1, 2, 3, 4, 5), dont_know=(0,), id="agree5")
    qs = [Question(q, "likert", f"Domanda {q}", dimension="d", scale=scale) for q in ITEMS]
    return Instrument("bench.survey", "Bench", dimensions=[SurveyDimension("d", "D")], questions=qs)


def make_data(n: int, seed: int = 42) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    org = rng.integers(0, N_ORGS, n)
    level = rng.normal(3.5, 0.7, n) + (org - N_ORGS / 2) / N_ORGS
    cols: dict[str, Any] = {
        "organization": pd.Categorical.from_codes(org, [f"org{i:03d}" for i in range(N_ORGS)]),
    }
    for q in ITEMS:
        x = np.clip(np.round(level + rng.normal(0, 0.8, n)), 1, 5)
        u = rng.random(n)
        x[u < 0.002] = np.nan  # blanks and "don't know": ~55% of respondents are complete
        x[(u >= 0.002) & (u < 0.02)] = 0
        cols[q] = x
    return pd.DataFrame(cols)


def library(inst: Instrument, df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    items = score_items(inst, df, by="organization")
    alpha = reliability(inst, df, by="organization", nan_policy="listwise")
    return items, alpha


def reference(df: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """What an analyst writes: pandas groupby for the items, np.cov of each group for alpha."""
    x = df[ITEMS].to_numpy(dtype=float, copy=True)
    x[x == 0] = np.nan  # "don't know"
    g = df["organization"].cat.codes.to_numpy()
    frame = pd.DataFrame(x, columns=ITEMS)
    gb = frame.groupby(g)
    n, mean, sd = gb.count(), gb.mean(), gb.std()
    top = pd.DataFrame(x >= 4).groupby(g).sum().to_numpy() / n.to_numpy()  # NaN >= 4 is False
    half = stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n)
    items = pd.DataFrame(
        {
            "mean": mean.to_numpy().ravel(),
            "ci_low": (mean - half).to_numpy().ravel(),
            "ci_high": (mean + half).to_numpy().ravel(),
            "top_box": top.ravel(),
        }
    )
    complete = ~np.isnan(x).any(axis=1)
    order = np.argsort(g[complete], kind="stable")
    xc = x[complete][order]
    bounds = np.cumsum(np.bincount(g[complete], minlength=N_ORGS))
    alpha = np.empty(N_ORGS)
    for i, block in enumerate(np.split(xc, bounds[:-1])):
        c = np.cov(block, rowvar=False)
        alpha[i] = N_ITEMS / (N_ITEMS - 1) * (1 - np.trace(c) / c.sum())
    return items, alpha


def same(lib: tuple[pd.DataFrame, pd.DataFrame], ref: tuple[pd.DataFrame, np.ndarray]) -> bool:
    items, alpha = lib
    r_items, r_alpha = ref
    cols = ("mean", "ci_low", "ci_high", "top_box")
    return all(
        np.allclose(items[c], r_items[c], rtol=1e-9, atol=1e-12, equal_nan=True) for c in cols
    ) and np.allclose(alpha["alpha"], r_alpha, rtol=1e-9, atol=1e-12)


def interleaved(fns: list[Callable[[], Any]], repeat: int) -> tuple[list[float], list[Any]]:
    """Median time of each function over ``repeat`` interleaved rounds, and its last result."""
    times: list[list[float]] = [[] for _ in fns]
    outs: list[Any] = [None] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            outs[i] = None  # free the previous result before timing again
            gc.collect()
            t0 = time.perf_counter()
            outs[i] = fn()
            times[i].append(time.perf_counter() - t0)
    return [statistics.median(t) for t in times], outs


def peak_memory(fn: Callable[[], Any]) -> float:
    """Peak traced memory (MiB) while ``fn`` runs, above what is allocated before."""
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def arguments(doc: str, argv: list[str] | None) -> tuple[argparse.Namespace, int]:
    """The command line of a survey benchmark, and the number of responses."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50,000 responses")
    parser.add_argument("--n", type=int, default=None, help="number of responses")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    return args, args.n or (50_000 if args.quick else 1_000_000)


def side_by_side(
    title: str,
    fns: tuple[Callable[[], Any], Callable[[], Any]],
    same_fn: Callable[[Any, Any], bool],
    repeat: int,
    target: str,
) -> tuple[bool, float, float]:
    """Time (interleaved medians) and peak memory of library and reference, printed.

    Returns whether the results agree, the library's time and the larger of
    the time and memory ratios.
    """
    (t_lib, t_ref), (lib, ref) = interleaved(list(fns), repeat)
    ok = same_fn(lib, ref)
    m_lib, m_ref = (peak_memory(fn) for fn in fns)
    ratio, m_ratio = t_lib / t_ref, m_lib / m_ref
    print(f"{title}, median of {repeat} interleaved runs")
    print(f"{'':<12}{'time (s)':>10}{'peak MiB':>10}")
    print(f"{'library':<12}{t_lib:>10.3f}{m_lib:>10.0f}")
    print(f"{'reference':<12}{t_ref:>10.3f}{m_ref:>10.0f}")
    print(f"ratio library/reference: time {ratio:.2f}, memory {m_ratio:.2f} (target {target})")
    print(f"results equal to the reference: {ok}")
    if not ok:
        print("FAIL: results differ from the reference", file=sys.stderr)
    return ok, t_lib, max(ratio, m_ratio)


def main(argv: list[str] | None = None) -> int:
    args, n = arguments(__doc__ or "", argv)
    inst = make_instrument()
    df = make_data(n)
    data_mb = df.memory_usage(deep=True).sum() / 2**20
    ok, _t, ratio = side_by_side(
        f"surveys benchmark: {n:,} responses x {N_ITEMS} items, {N_ORGS} organizations"
        f" (data {data_mb:,.0f} MiB)",
        (lambda: library(inst, df), lambda: reference(df)),
        same,
        args.repeat,
        f"<= {TARGET_RATIO}",
    )
    if not ok:
        return 1
    if not args.quick and args.n is None and ratio > TARGET_RATIO:
        print("FAIL: slower or larger than the target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
