"""Benchmark: indicators.trends with a correction for serial correlation, all municipalities.

Synthetic data with a fixed seed: every municipality (8,000) x 5 indicators x
15 years (600,000 values, 1 in 50 missing), yearly values with an AR(1) part
and a trend. The library (``trends(values, correction=...)``, every series at
once) is timed against what an analyst writes with pymannkendall, the
independent implementation the tests compare with: a groupby over the series
calling its test on each (the missing years as NaN, as pymannkendall takes
them). No numpy/pandas code an analyst would write does these tests for all
series at once, so the reference is that loop.

Timing: median of interleaved runs, 3 by default; peak traced memory of each
(bench_surveys.side_by_side). Target (issue 24): time and peak memory each <= 1.5 x
the reference's.

Usage::

    .venv/bin/python benchmarks/bench_trends.py                 # hamed-rao, full size
    .venv/bin/python benchmarks/bench_trends.py --correction yue-wang
    .venv/bin/python benchmarks/bench_trends.py --quick         # a few seconds

Exits non-zero when the results differ or (at full size) a target is missed.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd
import pymannkendall as mk
from bench_surveys import side_by_side

from qualitapa.indicators import TREND_CORRECTIONS, trends

TARGET_RATIO = 1.5  # the larger of the time and memory ratios
REFERENCE = {
    "hamed-rao": mk.hamed_rao_modification_test,
    "yue-wang": mk.yue_wang_modification_test,
    "prewhiten": mk.pre_whitening_modification_test,
    "trend-free-prewhiten": mk.trend_free_pre_whitening_modification_test,
}


def make_values(n_orgs: int, n_ind: int, n_years: int, seed: int = 2024) -> pd.DataFrame:
    """Tidy indicator values: AR(1) noise (phi 0.5) around a random trend, 2% missing."""
    rng = np.random.default_rng(seed)
    n_series = n_orgs * n_ind
    noise = rng.normal(size=(n_series, n_years))
    for t in range(1, n_years):
        noise[:, t] += 0.5 * noise[:, t - 1]
    trend = rng.normal(0, 0.1, size=(n_series, 1)) * np.arange(n_years)
    y = np.round(50 + trend + noise, 2)
    y[rng.random(y.shape) < 0.02] = np.nan
    frame = pd.DataFrame({
        "organization": np.repeat([f"{i:06d}" for i in range(n_orgs)], n_ind * n_years),
        "indicator": np.tile(np.repeat([f"k{j}" for j in range(n_ind)], n_years), n_orgs),
        "period": np.tile(np.arange(2010, 2010 + n_years), n_series),
        "value": y.ravel(),
    })  # fmt: skip
    return frame.dropna(subset=["value"]).reset_index(drop=True)


def library(values: pd.DataFrame, correction: str) -> pd.DataFrame:
    polarity = dict.fromkeys(values["indicator"].unique(), "neutral")
    return trends(values, definitions=polarity, correction=correction)


def reference(values: pd.DataFrame, correction: str) -> pd.DataFrame:
    """pymannkendall on each series, the missing years as NaN."""
    test = REFERENCE[correction]
    years = np.arange(values["period"].min(), values["period"].max() + 1)
    rows = []
    for (org, ind), group in values.groupby(["organization", "indicator"], sort=True):
        y = group.set_index("period")["value"].reindex(years).to_numpy()
        with np.errstate(all="ignore"):
            res = test(y[np.argmax(~np.isnan(y)) :])  # from the series' first year
        rows.append((org, ind, res.s, res.z, res.p))
    return pd.DataFrame(rows, columns=["organization", "indicator", "mk_s", "mk_z", "p_value"])


def same(lib: pd.DataFrame, ref: pd.DataFrame) -> bool:
    """S equal, Z and p to 1e-9 where pymannkendall has a test (S != 0, its p not NaN)."""
    key = ["organization", "indicator"]
    a = lib.astype({"organization": str, "indicator": str}).sort_values(key, ignore_index=True)
    b = ref.sort_values(key, ignore_index=True)
    tested = b["p_value"].notna().to_numpy() & (b["mk_s"] != 0).to_numpy()
    return bool(np.array_equal(a["mk_s"].to_numpy(float), b["mk_s"].to_numpy(float))) and all(
        np.allclose(a[c].to_numpy(float)[tested], b[c].to_numpy(float)[tested], 1e-9, 1e-9)
        for c in ("mk_z", "p_value")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small size, a few seconds")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved runs (median)")
    parser.add_argument(
        "--correction", default="hamed-rao", choices=[c for c in TREND_CORRECTIONS if c]
    )
    args = parser.parse_args(argv)
    n_orgs, n_ind, n_years = (200, 5, 15) if args.quick else (8000, 5, 15)
    values = make_values(n_orgs, n_ind, n_years)
    ok, _t, ratio = side_by_side(
        f"trends benchmark ({args.correction}): {n_orgs:,} organizations x {n_ind} indicators"
        f" x {n_years} years = {len(values):,} values",
        (lambda: library(values, args.correction), lambda: reference(values, args.correction)),
        same,
        args.repeat,
        f"<= {TARGET_RATIO}",
    )
    if not ok:
        return 1
    if not args.quick and ratio > TARGET_RATIO:
        print("FAIL: slower or larger than the target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
