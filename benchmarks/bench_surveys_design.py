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
    .venv/bin/python benchmarks/bench_surveys_design.py --scoring # score_items, 200,000 x 30

``--scoring`` times ``score_items(design=...)`` (the scoring's design path) on
200,000 responses x 30 items (1-5, 0 = "don't know", blanks) in 100 strata of
20 clusters (2,000 PSUs, nest, 60 per stratum in the population: FPC) against
the plain numpy linearisation an analyst writes per item: the domain of the
answers, the weighted mean, influence values, PSU totals by ``np.bincount``,
centring in the stratum and the scaled sum of squares (the same mean and SE).

Exits with status 1 if the library takes more than TARGET_RATIO times the
reference (time or peak memory) at full size, or if the results differ.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd
from bench_surveys import ITEMS, interleaved, make_instrument, peak_memory, side_by_side

from qualitapa.surveys import Instrument, SurveyDesign, design_mean, score_items

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


#: the scoring benchmark's design: strata, clusters per stratum, clusters per stratum in the
#: population (FPC)
S_STRATA, S_CLUSTERS, S_POPULATION = 100, 20, 60


def make_scoring_data(n: int, seed: int = 23) -> pd.DataFrame:
    """Responses to the 30 items of ``bench_surveys`` with a stratified clustered design."""
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, S_STRATA, n)
    cluster = rng.integers(0, S_CLUSTERS, n)
    effect = rng.normal(0, 0.4, (S_STRATA, S_CLUSTERS))[stratum, cluster]
    level = rng.normal(3.5, 0.7, n) + effect
    cols: dict[str, object] = {
        "stratum": stratum,
        "cluster": cluster,
        "clusters": S_POPULATION,
        "w": rng.uniform(0.5, 3.0, n),
    }
    for q in ITEMS:
        x = np.clip(np.round(level + rng.normal(0, 0.8, n)), 1, 5)
        u = rng.random(n)
        x[u < 0.01] = np.nan
        x[(u >= 0.01) & (u < 0.03)] = 0  # "don't know"
        cols[q] = x
    return pd.DataFrame(cols)


def scoring_library(inst: Instrument, df: pd.DataFrame) -> pd.DataFrame:
    design = SurveyDesign.from_frame(
        df, weights="w", strata="stratum", clusters="cluster", fpc="clusters", nest=True
    )
    return score_items(inst, df, design=design)


def scoring_reference(df: pd.DataFrame) -> pd.DataFrame:
    """Per item: svymean on the domain of its answers, linearised with numpy (Wolter eq. 2.4.8)."""
    psu = df["stratum"].to_numpy() * S_CLUSTERS + df["cluster"].to_numpy()
    n_psu = S_STRATA * S_CLUSTERS
    stratum_of = np.arange(n_psu) // S_CLUSTERS
    n_h = np.bincount(stratum_of)[stratum_of]  # every PSU has answers at these sizes
    scale = (1 - n_h / S_POPULATION) * n_h / (n_h - 1)
    w = df["w"].to_numpy()
    means, ses = [], []
    for q in ITEMS:
        x = df[q].to_numpy()
        wd = np.where(x > 0, w, 0.0)  # the domain: answered, not "don't know" (NaN > 0 is False)
        xd = np.where(x > 0, x, 0.0)
        total = wd.sum()
        mean = (wd @ xd) / total
        z = wd * (xd - mean) / total
        totals = np.bincount(psu, z, minlength=n_psu)
        centred = totals - (np.bincount(stratum_of, totals) / S_CLUSTERS)[stratum_of]
        means.append(mean)
        ses.append(np.sqrt((scale * centred**2).sum()))
    return pd.DataFrame({"mean": means, "se": ses})


def scoring(args: argparse.Namespace) -> int:
    n = args.n or (20_000 if args.quick else 200_000)
    inst, df = make_instrument(), make_scoring_data(n)

    def same(lib: pd.DataFrame, ref: pd.DataFrame) -> bool:
        return bool(
            np.allclose(lib["mean"], ref["mean"], rtol=1e-12)
            and np.allclose(lib["se"], ref["se"], rtol=1e-9)
        )

    ok, _t, _ratio = side_by_side(
        f"scoring design benchmark: score_items(design=) on {n:,} responses x {len(ITEMS)}"
        f" items, {S_STRATA} strata, {S_STRATA * S_CLUSTERS:,} PSUs",
        (lambda: scoring_library(inst, df), lambda: scoring_reference(df)),
        same,
        args.repeat,
        "reported, no target",
    )
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50,000 answers")
    parser.add_argument("--n", type=int, default=None, help="number of answers")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scoring", action="store_true", help="score_items(design=) instead")
    args = parser.parse_args(argv)
    if args.scoring:
        return scoring(args)
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
