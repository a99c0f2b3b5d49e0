"""Benchmark: DEA at national scale (issue 25), 3 inputs and 2 outputs, input orientation.

:func:`qualitapa.composite.dea` (radial scores, ``slacks=False``) at 3,000,
10,000 and 30,000 units, CRS and VRS, against the straightforward method an
analyst writes: one ``scipy.optimize.linprog`` (HiGHS) call per unit with
every unit in the reference set. The reference is timed at 3,000 units only
(its cost grows with n squared: the issue extrapolates it the same way); at
every size the library's scores are checked against it, on every unit at
3,000 and on a random sample of units at 10,000 and 30,000.

Target (issue 25): 30,000 units CRS and VRS within 60 s on the 2-core
machine. Prints the median of ``--repeat`` runs (CRS and VRS interleaved),
the load average, the peak resident memory and the extrapolated reference.

Run ``python benchmarks/bench_dea.py [--quick] [--sizes 3000 10000 30000]``;
exits 1 if the numbers differ or, at full size, the target is missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time

import numpy as np
import pandas as pd

# the data of bench_composite.py: Cobb-Douglas outputs of 3 inputs, half-normal inefficiency
from bench_composite import dea_data
from scipy.optimize import linprog

from qualitapa.composite import dea

INPUTS, OUTPUTS = ["x1", "x2", "x3"], ["y1", "y2"]


def reference(X: np.ndarray, Y: np.ndarray, vrs: bool, units: np.ndarray) -> np.ndarray:
    """Input-oriented envelopment LP of each of ``units`` against all units: one linprog each."""
    n, m = X.shape
    s = Y.shape[1]
    A_eq = np.r_[0.0, np.ones(n)][None, :] if vrs else None
    b_eq = [1.0] if vrs else None
    theta = np.empty(len(units))
    for k, o in enumerate(units):
        c = np.r_[1.0, np.zeros(n)]
        A = np.vstack([np.hstack([-X[o][:, None], X.T]), np.hstack([np.zeros((s, 1)), -Y.T])])
        b = np.r_[np.zeros(m), -Y[o]]
        r = linprog(c, A_ub=A, b_ub=b, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        theta[k] = r.x[0]
    return theta


def run_library(frame: pd.DataFrame, rts: str) -> tuple[np.ndarray, float]:
    t = time.perf_counter()
    res = dea(frame, inputs=INPUTS, outputs=OUTPUTS, rts=rts, slacks=False)
    return res.scores["score"].to_numpy(), time.perf_counter() - t


def bench_size(n: int, repeat: int, sample: int, ref_times: dict[str, float]) -> list[dict]:
    frame = dea_data(n)
    X, Y = frame[INPUTS].to_numpy(), frame[OUTPUTS].to_numpy()
    times: dict[str, list[float]] = {"crs": [], "vrs": []}
    scores: dict[str, np.ndarray] = {}
    loads = []
    for _ in range(repeat):  # CRS and VRS interleaved
        for rts in ("crs", "vrs"):
            scores[rts], t = run_library(frame, rts)
            times[rts].append(t)
            loads.append(os.getloadavg()[0])
    rows = []
    for rts in ("crs", "vrs"):
        if n <= 3_000:
            units = np.arange(n)
            t = time.perf_counter()
            ref = reference(X, Y, rts == "vrs", units)
            ref_times[rts] = time.perf_counter() - t
            ref_note = f"{ref_times[rts]:.1f} s (measured)"
        else:
            units = np.sort(np.random.default_rng(n).choice(n, sample, replace=False))
            ref = reference(X, Y, rts == "vrs", units)
            base_n = 3_000
            ref_note = (
                f"{ref_times[rts] * (n / base_n) ** 2:.0f} s (extrapolated n^2)"
                if rts in ref_times
                else "-"
            )
        diff = float(np.max(np.abs(scores[rts][units] - ref)))
        median = statistics.median(times[rts])
        rows.append(
            {
                "case": f"DEA {rts} n={n}",
                "library_s": median,
                "runs_s": " ".join(f"{t:.1f}" for t in times[rts]),
                "reference": ref_note,
                "checked_units": len(units),
                "max_abs_diff": diff,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "load_avg": round(statistics.median(loads), 1),
                "ok": diff < 1e-8 and (n < 30_000 or median <= 60.0),
            }
        )
        print(rows[-1], flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500 and 2,000 units, 1 run")
    parser.add_argument("--sizes", type=int, nargs="+", default=[3_000, 10_000, 30_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sample", type=int, default=300, help="units checked above 3,000")
    args = parser.parse_args()
    sizes, repeat = ([500, 2_000], 1) if args.quick else (args.sizes, args.repeat)
    dea(dea_data(50), inputs=INPUTS, outputs=OUTPUTS)  # imports and warms up HiGHS
    ref_times: dict[str, float] = {}
    rows = [row for n in sizes for row in bench_size(n, repeat, args.sample, ref_times)]
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_columns", None):
        print(table.to_string(index=False))
    return 0 if table["ok"].all() else 1


if __name__ == "__main__":
    sys.exit(main())
