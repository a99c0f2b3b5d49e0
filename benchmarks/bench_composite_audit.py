"""Benchmark: imputation, outlier treatment and the statistical audit of a composite.

Against the plain pandas/numpy an analyst would write:

1. :func:`qualitapa.composite.impute` (``mean`` and ``regression``) against
   ``df.fillna(df.mean())`` and one ``numpy.linalg.lstsq`` per indicator on the
   complete rows;
2. :func:`qualitapa.composite.treat` against ``scipy.stats.skew``/``kurtosis``
   per column (the check only, the cheapest part);
3. :func:`qualitapa.composite.composite_audit` against min-max normalising by
   hand, ``DataFrame.corr()`` and Cronbach's alpha per dimension with numpy.

The national scale (~7,900 municipalities) is the size that matters. Run
``python benchmarks/bench_composite_audit.py [--quick]``; exits 1 if a result
differs from its reference.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats

from qualitapa.composite import CompositeDefinition, composite_audit, impute, treat


def data(n: int, seed: int = 0) -> tuple[pd.DataFrame, CompositeDefinition]:
    rng = np.random.default_rng(seed)
    cols = [f"i{k}" for k in range(8)]
    latent = rng.normal(size=n)
    frame = pd.DataFrame({c: latent + rng.normal(size=n) for c in cols})
    frame["i7"] = np.exp(frame["i7"])  # a skewed one
    frame = frame.mask(rng.random(frame.shape) < 0.03)
    frame.index = [f"{i:06d}" for i in range(n)]
    d = CompositeDefinition.from_mapping(
        {
            "id": "bench.index",
            "label": "Indice",
            "components": [
                {"id": "a", "components": [{"indicator": c, "polarity": "higher_is_better"}
                                           for c in cols[:4]]},
                {"id": "b", "components": [{"indicator": c, "polarity": "higher_is_better"}
                                           for c in cols[4:]]},
            ],
        }
    )  # fmt: skip
    return frame, d


def best(func, *args, repeat: int = 3, **kwargs):
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = func(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return out, min(times)


def regression_reference(frame: pd.DataFrame) -> pd.DataFrame:
    """Each column from all the others, fitted on the complete rows (rows missing only it)."""
    out = frame.copy()
    complete = frame.dropna()
    for c in frame:
        others = [o for o in frame if o != c]
        X = np.column_stack([np.ones(len(complete)), complete[others]])
        beta = np.linalg.lstsq(X, complete[c], rcond=None)[0]
        rows = frame[c].isna() & frame[others].notna().all(axis=1)
        out.loc[rows, c] = beta[0] + frame.loc[rows, others].to_numpy() @ beta[1:]
    return out


def moments_reference(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    skew = stats.skew(frame, bias=False, nan_policy="omit")
    return skew, stats.kurtosis(frame, bias=False, nan_policy="omit")


def audit_reference(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[float]]:
    z = (frame - frame.min()) / (frame.max() - frame.min())
    corr = z.corr()
    alphas = []
    for cols in (list(frame.columns[:4]), list(frame.columns[4:])):
        c = z[cols].dropna().to_numpy()
        k = c.shape[1]
        alphas.append(k / (k - 1) * (1 - c.var(0, ddof=1).sum() / c.sum(1).var(ddof=1)))
    return corr, alphas


def bench(n: int) -> list[dict]:
    frame, d = data(n)
    rows = []
    res, t_lib = best(impute, frame, method="mean")
    ref, t_ref = best(lambda f: f.fillna(f.mean()), frame)
    rows.append({"case": f"impute mean n={n}", "qualitapa_s": t_lib, "reference_s": t_ref,
                 "ok": np.allclose(res.data, ref)})  # fmt: skip
    res, t_lib = best(impute, frame, method="regression")
    ref, t_ref = best(regression_reference, frame)
    single = frame.isna().sum(axis=1) == 1  # rows the reference fills by regression
    rows.append({"case": f"impute regression n={n}", "qualitapa_s": t_lib, "reference_s": t_ref,
                 "ok": np.allclose(res.data[single], ref[single], equal_nan=True)})  # fmt: skip
    _, t_lib = best(treat, frame)
    _, t_ref = best(moments_reference, frame)
    rows.append({"case": f"treat n={n}", "qualitapa_s": t_lib, "reference_s": t_ref, "ok": True})
    wide = frame.reset_index(names="organization")
    audit, t_lib = best(composite_audit, wide, d)
    (corr, alphas), t_ref = best(audit_reference, frame)
    got = audit.dimensions.set_index("dimension").loc[["a", "b"], "alpha"].to_numpy()
    pairs = audit.pairs.set_index(["component", "other"])["r"]
    ok = np.allclose(got, alphas) and np.isclose(pairs.loc[("i0", "i1")], corr.loc["i0", "i1"])
    rows.append({"case": f"audit n={n}", "qualitapa_s": t_lib, "reference_s": t_ref, "ok": ok})
    for row in rows:
        row["ratio_to_reference"] = row["qualitapa_s"] / row["reference_s"]
        print(row, flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    args = parser.parse_args()
    rows = bench(1000) if args.quick else bench(1000) + bench(8000)
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_columns", None):
        print(table.round(4).to_string(index=False))
    return 0 if table["ok"].all() else 1


if __name__ == "__main__":
    sys.exit(main())
