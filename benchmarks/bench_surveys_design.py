"""Benchmark: design-based mean by domain on a stratified clustered survey (issue 23).

Synthetic data (fixed seed): N answers (1-5, ~5% blank) in 50 strata (10 cities x
5 counters), 20 survey days each (1,000 PSUs, numbered within the stratum:
nest), 60 opening days per stratum (FPC), unequal weights, 6 age groups as
domains crossing the strata. The library (``SurveyDesign.from_frame`` then
``design_mean(..., by="age")``) is timed against the plain pandas code an
analyst would write for the same linearised variance: a groupby for the domain
means, the influence values, a groupby of them by (PSU, domain), centring in the
stratum and the scaled sum of squares. Both must give the same numbers.

    .venv/bin/python benchmarks/bench_surveys_design.py           # 1,000,000 answers
    .venv/bin/python benchmarks/bench_surveys_design.py --quick   # 50,000 answers

Exits with status 1 if the library takes more than TARGET_RATIO times the
reference (time or peak memory) at full size, or if the results differ.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd
from bench_surveys import interleaved, peak_memory

from qualitapa.surveys import SurveyDesign, design_mean

TARGET_RATIO = 1.5
STRATA, DAYS, POPULATION = 50, 20, 60


def make_data(n: int, seed: int = 23) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, STRATA, n)
    day = rng.integers(0, DAYS, n)
    effect = rng.normal(0, 0.5, (STRATA, DAYS))[stratum, day]
    q = np.clip(np.round(3.4 + effect + rng.normal(0, 1, n)), 1, 5)
    q[rng.random(n) < 0.05] = np.nan
    return pd.DataFrame(
        {
            "stratum": stratum,
            "day": day,
            "days": POPULATION,
            "w": rng.uniform(0.5, 3.0, n),
            "age": rng.integers(0, 6, n),
            "q": q,
        }
    )


def library(df: pd.DataFrame) -> pd.DataFrame:
    design = SurveyDesign.from_frame(
        df, weights="w", strata="stratum", clusters="day", fpc="days", nest=True
    )
    return design_mean(design, "q", by="age")


def reference(df: pd.DataFrame) -> pd.DataFrame:
    """svymean by domain written out with groupby (Wolter 2007, eq. 2.4.8, with FPC)."""
    ok = df["q"].notna()
    w = df["w"].where(ok, 0.0)
    sums = pd.DataFrame({"age": df["age"], "w": w, "wy": w * df["q"].fillna(0)}).groupby("age")
    n_hat = sums["w"].sum()
    mean = sums["wy"].sum() / n_hat
    z = (w * (df["q"] - df["age"].map(mean)) / df["age"].map(n_hat)).fillna(0.0)
    psu = df["stratum"] * DAYS + df["day"]
    totals = z.groupby([psu, df["age"]]).sum().unstack(fill_value=0.0)
    strata_of = totals.index.to_series() // DAYS
    n_h = strata_of.map(strata_of.value_counts())
    centred = totals - totals.groupby(strata_of).transform("mean")
    scale = (1 - n_h / POPULATION) * n_h / (n_h - 1)
    variance = (centred**2).mul(scale, axis=0).sum()
    return pd.DataFrame({"estimate": mean, "se": np.sqrt(variance)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50,000 answers")
    parser.add_argument("--n", type=int, default=None, help="number of answers")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    n = args.n or (50_000 if args.quick else 1_000_000)
    df = make_data(n)
    (t_lib, t_ref), (lib, ref) = interleaved(
        [lambda: library(df), lambda: reference(df)], args.repeat
    )
    ok = np.allclose(lib["estimate"], ref["estimate"], rtol=1e-12) and np.allclose(
        lib["se"], ref["se"], rtol=1e-9
    )
    m_lib, m_ref = peak_memory(lambda: library(df)), peak_memory(lambda: reference(df))
    ratio, m_ratio = t_lib / t_ref, m_lib / m_ref
    print(
        f"survey design benchmark: {n:,} answers, {STRATA} strata, {STRATA * DAYS} PSUs,"
        f" 6 domains, median of {args.repeat} interleaved runs"
    )
    print(f"{'':<12}{'time (s)':>10}{'peak MiB':>10}")
    print(f"{'library':<12}{t_lib:>10.3f}{m_lib:>10.0f}")
    print(f"{'reference':<12}{t_ref:>10.3f}{m_ref:>10.0f}")
    print(
        f"ratio library/reference: time {ratio:.2f}, memory {m_ratio:.2f}"
        f" (target <= {TARGET_RATIO})"
    )
    print(f"results equal to the reference: {ok}")
    if not ok:
        print("FAIL: results differ from the reference", file=sys.stderr)
        return 1
    if not args.quick and args.n is None and max(ratio, m_ratio) > TARGET_RATIO:
        print("FAIL: slower or larger than the target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
