"""Benchmark: replicate-weight means by domain from supplied replicate weights (issue 23).

Synthetic data (fixed seed): N answers (1-5, ~5% blank) with unequal weights and
80 successive-difference replicate weights (as the US Census ACS publishes them:
each the weight times 0.3 or 1.7), 20 domains. The library
(``ReplicateDesign.from_frame`` then ``design_mean(..., by="g")``: estimates,
replicate SEs and R's ``degf``, the rank of each domain's replicate weights minus
1) is timed against the plain numpy code an analyst would write for the same
numbers: per domain the replicate means ``W_d.T @ y_d / W_d.sum(0)``, the scaled
sum of squares around their mean and ``np.linalg.matrix_rank(W_d) - 1``. Both
must give the same numbers.

    .venv/bin/python benchmarks/bench_surveys_replicate.py           # 200,000 answers
    .venv/bin/python benchmarks/bench_surveys_replicate.py --quick   # 20,000 answers

Exits with status 1 if the library takes more than TARGET_RATIO times the
reference's time at full size, or if the results differ. Peak memory is reported,
not gated: measured at 200,000 answers (2026-12-02, loaded 2-core machine, one
BLAS thread) the library took 0.84 s and 24 MiB, the reference 1.93 s and 13 MiB
(ratios 0.43 and 1.9; the replicate weights themselves are 122 MiB, read without a
copy): the estimators' temporaries of one number per row (about ten, shared with
the linearised path) against the reference's loop over domains.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd
from bench_surveys import interleaved, peak_memory

from qualitapa.surveys import ReplicateDesign, design_mean

TARGET_RATIO = 1.5
REPLICATES, DOMAINS = 80, 20
COLUMNS = [f"repw{i}" for i in range(1, REPLICATES + 1)]


def make_data(n: int, seed: int = 23) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    w = rng.uniform(20, 200, n)
    q = rng.integers(1, 6, n).astype(float)
    q[rng.random(n) < 0.05] = np.nan
    factors = rng.choice([0.3, 1.7], size=(n, REPLICATES))
    frame = pd.DataFrame({"w": w, "g": rng.integers(0, DOMAINS, n), "q": q})
    return pd.concat([frame, pd.DataFrame(w[:, None] * factors, columns=COLUMNS)], axis=1)


def library(df: pd.DataFrame) -> pd.DataFrame:
    design = ReplicateDesign.from_frame(
        df, replicate_weights=COLUMNS, weights="w", type="successive-difference"
    )
    return design_mean(design, "q", by="g")


def reference(df: pd.DataFrame) -> pd.DataFrame:
    """svymean on a svrepdesign by domain, written out with numpy (R's svrVar)."""
    weights = df[COLUMNS].to_numpy()
    w, y, g = df["w"].to_numpy(), df["q"].to_numpy(), df["g"].to_numpy()
    rows = []
    for domain in range(DOMAINS):
        in_domain = g == domain
        answered = in_domain & ~np.isnan(y)
        wd, yd = weights[answered], y[answered]
        estimate = w[answered] @ yd / w[answered].sum()
        thetas = wd.T @ yd / wd.sum(axis=0)
        variance = 4 / REPLICATES * ((thetas - thetas.mean()) ** 2).sum()
        df_rank = np.linalg.matrix_rank(weights[in_domain], tol=None) - 1
        rows.append((estimate, np.sqrt(variance), df_rank))
    return pd.DataFrame(rows, columns=["estimate", "se", "df"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 answers")
    parser.add_argument("--n", type=int, default=None, help="number of answers")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    n = args.n or (20_000 if args.quick else 200_000)
    df = make_data(n)
    (t_lib, t_ref), (lib, ref) = interleaved(
        [lambda: library(df), lambda: reference(df)], args.repeat
    )
    ok = (
        np.allclose(lib["estimate"], ref["estimate"], rtol=1e-12)
        and np.allclose(lib["se"], ref["se"], rtol=1e-9)
        and (lib["df"].to_numpy() == ref["df"].to_numpy()).all()
    )
    m_lib, m_ref = peak_memory(lambda: library(df)), peak_memory(lambda: reference(df))
    ratio, m_ratio = t_lib / t_ref, m_lib / m_ref
    print(
        f"replicate design benchmark: {n:,} answers, {REPLICATES} replicate weights,"
        f" {DOMAINS} domains, median of {args.repeat} interleaved runs"
    )
    print(f"{'':<12}{'time (s)':>10}{'peak MiB':>10}")
    print(f"{'library':<12}{t_lib:>10.3f}{m_lib:>10.0f}")
    print(f"{'reference':<12}{t_ref:>10.3f}{m_ref:>10.0f}")
    print(
        f"ratio library/reference: time {ratio:.2f} (target <= {TARGET_RATIO}),"
        f" memory {m_ratio:.2f}"
    )
    print(f"results equal to the reference: {ok}")
    if not ok:
        print("FAIL: results differ from the reference", file=sys.stderr)
        return 1
    if not args.quick and args.n is None and ratio > TARGET_RATIO:
        print("FAIL: slower than the target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
