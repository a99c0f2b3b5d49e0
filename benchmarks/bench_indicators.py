"""Benchmark: indicators.compute + indicators.benchmark at national scale.

Synthetic data with a fixed seed: every municipality (8,000) x 20 years x 50
raw variables in tidy long format (8 million rows), and 100 ratio indicators
(``vA / vB``, scaled to percent, with mixed polarities). The library is
timed against a hand-written vectorised pandas/numpy reference that does
the same work (pivot to wide once, 100 ratios with zero denominators as
NaN, then per indicator and year: rank "min" by polarity, percentile,
quartile, z-score, best value and performers, gaps to best and median, n).

Timing: median of interleaved runs (library, reference, library, ...), 5 by
default; peak memory traced (tracemalloc; numpy buffers are traced) during
each side.

Targets (issue 25): library time <= 1.2 x reference time, library peak
memory <= 1.5 x the reference's. The peak is also shown against the input
frame (``memory_usage(deep=True)``): issue 3 asked for < 3 x when the keys
were object strings; with pandas' Arrow-backed strings the same input is a
third of the size, so that figure is printed, not checked.

Usage::

    .venv/bin/python benchmarks/bench_indicators.py          # full size
    .venv/bin/python benchmarks/bench_indicators.py --quick  # a few seconds

Exits non-zero when the results differ or (at full size) a target is missed.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd
from bench_surveys import interleaved, peak_memory

from qualitapa.indicators import IndicatorDefinition, benchmark, compute

TIME_RATIO_TARGET = 1.2
MEMORY_RATIO_TARGET = 1.5


def make_data(n_orgs: int, n_years: int, n_vars: int, seed: int = 20240) -> pd.DataFrame:
    """Tidy raw data: organization, period, variable, value (some zeros and gaps)."""
    rng = np.random.default_rng(seed)
    orgs = np.array([f"{i:06d}" for i in range(1, n_orgs + 1)], dtype=object)
    variables = np.array([f"v{j:02d}" for j in range(n_vars)], dtype=object)
    n = n_orgs * n_years * n_vars
    values = rng.gamma(2.0, 500.0, size=n).round(1)
    values[rng.random(n) < 0.002] = 0.0  # zero denominators
    keep = rng.random(n) >= 0.01  # 1% of the records are missing
    org_idx = np.repeat(np.arange(n_orgs), n_years * n_vars)[keep]
    year = np.tile(np.repeat(np.arange(2005, 2005 + n_years), n_vars), n_orgs)[keep]
    var_idx = np.tile(np.arange(n_vars), n_orgs * n_years)[keep]
    return pd.DataFrame(
        {
            "organization": pd.array(orgs[org_idx], dtype="str"),
            "period": year.astype(np.int64),
            "variable": pd.array(variables[var_idx], dtype="str"),
            "value": values[keep],
        }
    )


def make_definitions(n_ind: int, n_vars: int, seed: int = 7) -> list[IndicatorDefinition]:
    rng = np.random.default_rng(seed)
    polarities = ["higher_is_better", "lower_is_better", "higher_is_better", "neutral"]
    out = []
    for k in range(n_ind):
        a, b = rng.choice(n_vars, size=2, replace=False)
        out.append(
            IndicatorDefinition(
                f"bench.ratio_{k:03d}",
                f"Rapporto {k}",
                "bench",
                "efficiency",
                f"v{a:02d} / v{b:02d}",
                polarities[k % len(polarities)],
                unit="%",
                scale=100,
            )
        )
    return out


def library(data: pd.DataFrame, defs: list[IndicatorDefinition]) -> pd.DataFrame:
    values = compute(defs, data)
    return benchmark(values, definitions=defs)


def reference(data: pd.DataFrame, defs: list[IndicatorDefinition]) -> pd.DataFrame:
    """Hand-written pandas/numpy: what an analyst would write for these ratios."""
    wide = data.pivot(index=["organization", "period"], columns="variable", values="value")
    cols = {c: j for j, c in enumerate(wide.columns)}
    w = wide.to_numpy(dtype=np.float64)
    n, k = len(wide), len(defs)
    vals = np.empty((k, n))
    sign = np.empty(k)
    for i, d in enumerate(defs):
        num_name, den_name = (part.strip() for part in d.formula.text.split("/"))
        num, den = w[:, cols[num_name]], w[:, cols[den_name]]
        with np.errstate(divide="ignore", invalid="ignore"):
            vals[i] = np.where(den == 0, np.nan, num / den) * d.scale
        sign[i] = d.polarity.sign
    orgs = wide.index.get_level_values(0)
    years = wide.index.get_level_values(1)
    long = pd.DataFrame(
        {
            "organization": pd.Categorical(np.tile(orgs, k)),
            "period": np.tile(years.to_numpy(), k),
            "indicator": pd.Categorical.from_codes(
                np.repeat(np.arange(k), n), categories=pd.Index([d.id for d in defs])
            ),
            "value": vals.ravel(),
        }
    )
    s = np.repeat(sign, n)
    polar = s != 0
    score = pd.Series(long["value"].to_numpy() * np.where(polar, s, 1.0))
    keys = [long["indicator"], long["period"]]
    grouped = score.groupby(keys, observed=True)
    rank = grouped.rank(method="min", ascending=False)
    cnt = grouped.transform("count")
    mean = grouped.transform("mean")
    std = grouped.transform("std")
    med = grouped.transform("median")
    best = grouped.transform("max")
    long["rank"] = rank.where(polar)
    long["percentile"] = np.where(cnt > 1, 100 * (cnt - rank) / (cnt - 1), 100.0)
    long["quartile"] = np.clip(4 - np.floor(long["percentile"] / 25), 1, 4)
    long["z_score"] = (score - mean) / std * np.where(polar, s, 1.0)
    long["best_value"] = (best * s).where(polar)
    is_best = (score == best) & polar
    long["is_best"] = is_best
    performers = (
        long.loc[is_best.to_numpy(), ["indicator", "period", "organization"]]
        .astype({"organization": str})
        .sort_values("organization")
        .groupby(["indicator", "period"], observed=True)["organization"]
        .agg(", ".join)
        .rename("best_performers")
    )
    long = long.join(performers, on=["indicator", "period"])
    long["gap_to_best"] = (score - best).where(polar)
    long["gap_to_median"] = (score - med).where(polar)
    long["n"] = cnt
    return long


def check_same(lib: pd.DataFrame, ref: pd.DataFrame) -> None:
    """The two results agree (same rows after sorting by key)."""
    key = ["indicator", "organization", "period"]
    a = lib.astype({"organization": str, "indicator": str}).sort_values(key, ignore_index=True)
    b = ref.astype({"organization": str, "indicator": str}).sort_values(key, ignore_index=True)
    for col in ("value", "percentile", "z_score", "best_value", "gap_to_best", "gap_to_median"):
        np.testing.assert_allclose(
            a[col].to_numpy(float), b[col].to_numpy(float), rtol=1e-9, atol=1e-9
        )
    np.testing.assert_array_equal(
        a["rank"].to_numpy(dtype=float, na_value=np.nan), b["rank"].to_numpy(float)
    )
    np.testing.assert_array_equal(a["is_best"].to_numpy(), b["is_best"].to_numpy())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small size, a few seconds")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved runs (median)")
    args = parser.parse_args(argv)
    if args.quick:
        n_orgs, n_years, n_vars, n_ind = 400, 10, 50, 100
    else:
        n_orgs, n_years, n_vars, n_ind = 8000, 20, 50, 100

    data = make_data(n_orgs, n_years, n_vars)
    defs = make_definitions(n_ind, n_vars)
    input_mb = data.memory_usage(deep=True).sum() / 2**20
    (lib_t, ref_t, comp_t), (lib, ref, _) = interleaved(
        [
            lambda: library(data, defs),
            lambda: reference(data, defs),
            lambda: compute(defs, data),
        ],
        args.repeat,
    )
    check_same(lib, ref)  # raises when they differ
    del lib, ref
    peak = peak_memory(lambda: library(data, defs))
    ref_peak = peak_memory(lambda: reference(data, defs))

    time_ratio = lib_t / ref_t
    mem_ratio = peak / ref_peak
    print(
        f"indicators benchmark: {n_orgs:,} organizations x {n_years} years x {n_vars} "
        f"variables = {len(data):,} rows ({input_mb:,.0f} MiB), {n_ind} indicators; "
        f"median of {args.repeat} interleaved runs"
    )
    rows = [
        ("compute + benchmark (s)", f"{lib_t:.2f}", ""),
        ("  of which compute (s)", f"{comp_t:.2f}", ""),
        ("reference (s)", f"{ref_t:.2f}", ""),
        ("time ratio", f"{time_ratio:.2f}", f"<= {TIME_RATIO_TARGET}"),
        ("peak traced memory (MiB)", f"{peak:,.0f}", ""),
        ("reference peak (MiB)", f"{ref_peak:,.0f}", ""),
        ("memory ratio to reference", f"{mem_ratio:.2f}", f"<= {MEMORY_RATIO_TARGET}"),
        ("peak / input frame", f"{peak / input_mb:.2f}", ""),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>10}  {target}")
    ok = time_ratio <= TIME_RATIO_TARGET and mem_ratio <= MEMORY_RATIO_TARGET
    print("results equal to the reference; " + ("targets met" if ok else "TARGET MISSED"))
    return 0 if ok or args.quick else 1


if __name__ == "__main__":
    sys.exit(main())
