"""Benchmark: linear (GREG) calibration and a calibrated mean by domain (issue 23).

Synthetic data (fixed seed): N answers (1-5) in 50 strata x 20 survey days
(1,000 PSUs, nest), unequal weights; calibrated to a joint margin sex x age
class (2 x 5 cells), a district margin (12 levels) and a numeric total
(household members), then the mean answer by district with its GREG standard
error. The library (``calibrate`` then ``design_mean(..., by="zone")``) is
timed against the plain numpy/pandas code an analyst would write: dummy
columns with ``pd.get_dummies``, the calibration equations solved with a
pseudo-inverse (the margins overlap), the influence values of each domain as
an n x k matrix, their residuals on the calibration variables, a groupby by
PSU, centring in the stratum and the scaled sum of squares (Deville & Särndal
1992; Lumley 2010, sec. 7.3). Both must give the same weights and numbers.

    .venv/bin/python benchmarks/bench_surveys_calibration.py           # 1,000,000 answers
    .venv/bin/python benchmarks/bench_surveys_calibration.py --quick   # 50,000 answers

Exits with status 1 if the results differ, or if the library takes more than
TARGET_RATIO times the reference (time or peak memory) at full size.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
from bench_surveys import arguments, side_by_side

from qualitapa.surveys import SurveyDesign, calibrate, design_mean

TARGET_RATIO = 1.5
STRATA, DAYS = 50, 20
AGES = ["18-29", "30-44", "45-59", "60-74", "75+"]


def make_data(n: int, seed: int = 23) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, STRATA, n)
    day = rng.integers(0, DAYS, n)
    age = rng.integers(0, len(AGES), n)
    effect = rng.normal(0, 0.5, (STRATA, DAYS))[stratum, day]
    q = np.clip(np.round(3.0 + 0.3 * age + effect + rng.normal(0, 1, n)), 1, 5)
    return pd.DataFrame(
        {
            "stratum": stratum,
            "day": day,
            "w": rng.uniform(20, 60, n),
            "sex": rng.choice(["F", "M"], n),
            "age": np.asarray(AGES)[age],
            "zone": rng.integers(1, 13, n),
            "members": rng.integers(1, 6, n).astype(float),
            "q": q,
        }
    )


def population(df: pd.DataFrame) -> dict[object, object]:
    """Totals 10-30% off the sample's own, consistent across margins."""
    rng = np.random.default_rng(5)
    cells = df.groupby(["sex", "age"])["w"].sum() * rng.uniform(0.9, 1.3, 10)
    size = cells.sum()
    zones = df.groupby("zone")["w"].sum()
    zones = zones * rng.uniform(0.9, 1.1, len(zones))
    return {
        ("sex", "age"): cells.to_dict(),
        "zone": (zones / zones.sum() * size).to_dict(),
        "members": 2.9 * size,
    }


def library(df: pd.DataFrame, totals: dict[object, object]) -> tuple[np.ndarray, pd.DataFrame]:
    design = SurveyDesign.from_frame(df, weights="w", strata="stratum", clusters="day", nest=True)
    calibrated = calibrate(design, totals)  # type: ignore[arg-type]
    return calibrated.weights, design_mean(calibrated, "q", by="zone")


def reference(df: pd.DataFrame, totals: dict[object, object]) -> tuple[np.ndarray, pd.DataFrame]:
    """GREG weights and the residual (linearised) SE of the domain means, written out."""
    cell = df["sex"] + ":" + df["age"]
    x = pd.concat(
        [pd.get_dummies(cell), pd.get_dummies(df["zone"]), df[["members"]]], axis=1
    ).to_numpy(dtype=float)
    joint = totals[("sex", "age")]
    zones = totals["zone"]
    t = np.r_[
        [joint[tuple(c.split(":"))] for c in sorted(cell.unique())],  # type: ignore[index]
        [zones[z] for z in sorted(df["zone"].unique())],  # type: ignore[index]
        totals["members"],
    ]
    d = df["w"].to_numpy()
    inverse = np.linalg.pinv(x.T @ (x * d[:, None]))
    g = 1 + x @ (inverse @ (t - x.T @ d))
    w = d * g
    dom = pd.get_dummies(df["zone"]).to_numpy(dtype=float)  # n x k
    n_hat = w @ dom
    mean = (w * df["q"].to_numpy()) @ dom / n_hat
    z = dom * (w[:, None] * (df["q"].to_numpy()[:, None] - mean) / n_hat)
    z = z - (x * w[:, None]) @ (inverse @ (x.T @ (z / g[:, None])))
    psu = (df["stratum"] * DAYS + df["day"]).to_numpy()
    totals_psu = pd.DataFrame(z).groupby(psu).sum()
    strata_of = totals_psu.index.to_series() // DAYS
    n_h = strata_of.map(strata_of.value_counts())
    centred = totals_psu - totals_psu.groupby(strata_of).transform("mean")
    variance = (centred**2).mul(n_h / (n_h - 1), axis=0).sum()
    return w, pd.DataFrame({"estimate": mean, "se": np.sqrt(variance.to_numpy())})


def same(lib: tuple[np.ndarray, pd.DataFrame], ref: tuple[np.ndarray, pd.DataFrame]) -> bool:
    return bool(
        np.allclose(lib[0], ref[0], rtol=1e-9)
        and np.allclose(lib[1]["estimate"], ref[1]["estimate"], rtol=1e-9)
        and np.allclose(lib[1]["se"], ref[1]["se"], rtol=1e-7)
    )


def main(argv: list[str] | None = None) -> int:
    args, n = arguments(__doc__, argv)
    df = make_data(n)
    totals = population(df)
    ok, _, ratio = side_by_side(
        f"calibration benchmark: {n:,} answers, {STRATA * DAYS} PSUs, 23 totals, 12 domains",
        (lambda: library(df, totals), lambda: reference(df, totals)),
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
