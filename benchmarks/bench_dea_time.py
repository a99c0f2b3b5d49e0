"""Benchmark: DEA over time and with uncertainty (Malmquist, bootstrap, FDH).

1. Malmquist index, 1,000 organizations x 2 periods, 2 inputs and 2 outputs,
   CRS with the VRS decomposition: :func:`qualitapa.composite.malmquist`
   against the straightforward method (one ``linprog`` per organization and
   distance: 4 CRS distances and 2 VRS ones, all units in each reference set).
   Target: faster, with the same indices (max relative difference < 1e-6).
2. Bootstrap DEA, 50 organizations, VRS input orientation, 200 replicates:
   :func:`qualitapa.composite.dea_bootstrap` against a loop over replicates
   with one ``linprog`` per organization against the same pseudo-data (the
   draws the library exposes). Target: faster, same replicate scores
   (max relative difference < 1e-6). The time of 2,000 replicates (the
   default) is printed.
3. FDH, 5,000 organizations: :func:`qualitapa.composite.fdh` against a
   numpy loop over organizations (each vectorised over the others). Target:
   not slower, identical scores.

Run ``python benchmarks/bench_dea_time.py [--quick]``; exits 1 if a target is
missed.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from qualitapa.composite import dea_bootstrap, fdh, malmquist
from qualitapa.composite._dea_bootstrap import pseudo_reference


def panel(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X0 = rng.uniform(10, 100, (n, 2))
    eff = np.exp(-np.abs(rng.normal(0, 0.3, (2, n))))
    rows = []
    for t in range(2):
        X = X0 * rng.uniform(0.8, 1.1, (n, 2))
        base = (X**0.4).prod(axis=1) * (1.05**t)
        Y = np.column_stack([base * eff[t] * rng.uniform(0.6, 1.4, n) for _ in range(2)])
        frame = pd.DataFrame(np.hstack([X, Y]), columns=["x1", "x2", "y1", "y2"])
        frame.insert(0, "period", 2023 + t)
        frame.insert(0, "organization", [f"u{i:05d}" for i in range(n)])
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def radial(x0: np.ndarray, y0: np.ndarray, X: np.ndarray, Y: np.ndarray, vrs: bool) -> float:
    """Input-oriented efficiency of (x0, y0) against (X, Y): one linprog."""
    n, m = X.shape
    s = Y.shape[1]
    c = np.r_[1.0, np.zeros(n)]
    A = np.vstack([np.hstack([-x0[:, None], X.T]), np.hstack([np.zeros((s, 1)), -Y.T])])
    b = np.r_[np.zeros(m), -y0]
    A_eq = np.r_[0.0, np.ones(n)][None, :] if vrs else None
    r = linprog(
        c, A_ub=A, b_ub=b, A_eq=A_eq, b_eq=[1.0] if vrs else None, bounds=(0, None), method="highs"
    )
    return float(r.x[0]) if r.status == 0 else np.nan


def malmquist_reference(df: pd.DataFrame) -> pd.DataFrame:
    a, b = (df[df["period"] == p].sort_values("organization") for p in (2023, 2024))
    X0, Y0 = a[["x1", "x2"]].to_numpy(), a[["y1", "y2"]].to_numpy()
    X1, Y1 = b[["x1", "x2"]].to_numpy(), b[["y1", "y2"]].to_numpy()
    n = len(X0)
    d = {
        key: np.array([radial(xa[i], ya[i], xb, yb, vrs) for i in range(n)])
        for key, (xa, ya, xb, yb, vrs) in {
            "00": (X0, Y0, X0, Y0, False),
            "11": (X1, Y1, X1, Y1, False),
            "10": (X1, Y1, X0, Y0, False),
            "01": (X0, Y0, X1, Y1, False),
            "v00": (X0, Y0, X0, Y0, True),
            "v11": (X1, Y1, X1, Y1, True),
        }.items()
    }
    ec = d["11"] / d["00"]
    tc = np.sqrt(d["10"] / d["11"] * d["00"] / d["01"])
    pec = d["v11"] / d["v00"]
    return pd.DataFrame(
        {
            "malmquist": ec * tc,
            "efficiency_change": ec,
            "technical_change": tc,
            "pure_efficiency_change": pec,
            "scale_efficiency_change": ec / pec,
        }
    )


def bootstrap_reference(
    X: np.ndarray, Y: np.ndarray, delta: np.ndarray, draws: np.ndarray
) -> np.ndarray:
    """Each replicate's pseudo-data, then one linprog per organization against it."""
    out = np.empty((len(X), len(draws)))
    for b, star in enumerate(draws):
        Xb, Yb = pseudo_reference(X, Y, delta, star, "input")
        out[:, b] = [radial(X[i], Y[i], Xb, Yb, True) for i in range(len(X))]
    return out


def fdh_reference(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Input-oriented FDH: for each unit, the best dominating unit (vectorised over units)."""
    theta = np.empty(len(X))
    for i in range(len(X)):
        ok = (Y[i] <= Y).all(axis=1)
        theta[i] = (X[ok] / X[i]).max(axis=1).min()
    return theta


def timed(func, *args, **kwargs):
    t = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - t


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    args = parser.parse_args()
    n_malm, n_fdh = (200, 1000) if args.quick else (1000, 5000)
    failed = False

    df = panel(n_malm)
    lib, t_lib = timed(malmquist, df, inputs=["x1", "x2"], outputs=["y1", "y2"])
    ref, t_ref = timed(malmquist_reference, df)
    diff = float(np.nanmax(np.abs(lib.indices[ref.columns].to_numpy() / ref.to_numpy() - 1)))
    ok = diff < 1e-6 and t_lib < t_ref
    failed |= not ok
    print(
        f"malmquist n={n_malm} x 2 periods: library {t_lib:.1f} s, reference {t_ref:.1f} s "
        f"({t_ref / t_lib:.1f}x), max rel diff {diff:.1e} {'ok' if ok else 'MISSED'}"
    )

    rng = np.random.default_rng(1)
    n = 50
    X = rng.uniform(1, 10, (n, 2))
    Y = (X.sum(axis=1) ** 0.7 * rng.uniform(0.5, 1.0, n))[:, None]
    data = pd.DataFrame({"organization": range(n), "x1": X[:, 0], "x2": X[:, 1], "y": Y[:, 0]})
    kw = {"inputs": ["x1", "x2"], "outputs": ["y"], "rts": "vrs", "seed": 3}
    res, t_lib = timed(dea_bootstrap, data, replicates=200, **kw)
    delta = 1 / res.scores["efficiency"].to_numpy()
    refb, t_ref = timed(bootstrap_reference, X, Y, delta, res.draws)
    diff = float(np.max(np.abs(res.replicates / refb - 1)))
    ok = diff < 1e-6 and t_lib < t_ref
    failed |= not ok
    print(
        f"bootstrap n={n}, B=200: library {t_lib:.1f} s, reference {t_ref:.1f} s "
        f"({t_ref / t_lib:.1f}x), max rel diff {diff:.1e} {'ok' if ok else 'MISSED'}"
    )
    if not args.quick:
        _, t_full = timed(dea_bootstrap, data, replicates=2000, **kw)
        print(f"bootstrap n={n}, B=2000 (the default): {t_full:.1f} s")

    rng = np.random.default_rng(2)
    X = rng.uniform(1, 10, (n_fdh, 2))
    Y = rng.uniform(1, 10, (n_fdh, 2))
    data = pd.DataFrame(np.hstack([X, Y]), columns=["x1", "x2", "y1", "y2"])
    data.insert(0, "organization", range(n_fdh))
    lib_f, t_lib = timed(fdh, data, inputs=["x1", "x2"], outputs=["y1", "y2"])
    ref_f, t_ref = timed(fdh_reference, X, Y)
    same = bool(np.array_equal(lib_f["score"].to_numpy(), ref_f))
    ok = same and t_lib <= t_ref * 1.1
    failed |= not ok
    print(
        f"fdh n={n_fdh}: library {t_lib:.2f} s, reference {t_ref:.2f} s "
        f"({t_ref / t_lib:.1f}x), identical {same} {'ok' if ok else 'MISSED'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
