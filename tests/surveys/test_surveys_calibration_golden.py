"""qualitapa.surveys.calibrate against R `survey`'s calibrate(): golden files.

``golden/make_calibration_golden.R`` (R 4.2.2, survey 4.1.1, MASS 7.3; regenerate
with ``Rscript tests/surveys/golden/make_calibration_golden.R``) calibrates R's
``apistrat`` (stratified, FPC), ``apiclus1`` (clustered, FPC) and ``apisrs``
(no weights: R rescales them before the bounds apply) to the totals of
``apipop`` (the whole population): linear (GREG), raking, logit, bounded linear
and raking, joint margins (``stype*sch.wide``), numeric totals (``api99``),
trimming and a calibration of a calibrated design; it writes the calibrated
weights and ``svymean``, ``svytotal`` (``deff = TRUE``), ``svyratio``,
``svyby``, ``svyciprop`` (logit, beta) and ``svychisq`` of the calibrated
designs. Weights and estimates to 1e-8, SE 1e-6 (relative). R is run with
``epsilon = 1e-13``, and so is ``calibrate`` here.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from qualitapa.surveys import (
    SurveyDesign,
    calibrate,
    design_chisq,
    design_mean,
    design_proportion,
    design_ratio,
    design_total,
)

GOLDEN = Path(__file__).parent / "golden"


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / name, keep_default_na=False, na_values=[""])


CASES = _read("calibration_cases.csv")
MARGINS = _read("calibration_margins.csv")
WEIGHTS = _read("calibration_weights.csv")
RESULTS = _read("calibration_results.csv")
RESULTS["by"] = RESULTS["by"].fillna("")
CHISQ = _read("calibration_chisq.csv")
OPTIONS: dict[str, dict[str, Any]] = {
    "apistrat": {"weights": "pw", "strata": "stype", "fpc": "fpc"},
    "apiclus1": {"weights": "pw", "clusters": "dnum", "fpc": "fpc"},
    "apisrs": {},
}


def population(rows: pd.DataFrame) -> tuple[dict[Any, Any], float | None]:
    """The margins of one step as calibrate takes them, and the population size."""
    totals: dict[Any, Any] = {}
    size = None
    for margin, level, total in zip(rows["margin"], rows["level"], rows["total"], strict=True):
        if margin == "(Intercept)":
            size = float(total)
        elif pd.isna(level):
            totals[margin] = float(total)
        elif ":" in margin:
            totals.setdefault(tuple(margin.split(":")), {})[tuple(level.split(":"))] = total
        else:
            totals.setdefault(margin, {})[level] = total
    return totals, size


def base_design(data: str) -> SurveyDesign:
    frame = _read(f"calibration_{data}.csv")
    return SurveyDesign.from_frame(frame, **OPTIONS[data])


@functools.cache
def calibrated(case: str) -> SurveyDesign:
    steps = CASES[CASES["case"] == case]
    design = base_design(steps["data"].iloc[0])
    for step in steps.itertuples():
        totals, size = population(
            MARGINS[(MARGINS["case"] == case) & (MARGINS["step"] == step.step)]
        )
        bounds = None if pd.isna(step.lower) else (step.lower, step.upper)
        trim = None if pd.isna(step.trim_lower) else (step.trim_lower, step.trim_upper)
        design = calibrate(
            design,
            totals,
            method=step.method,
            bounds=bounds,
            trim=trim,
            population_size=size,
            tol=1e-13,
            max_iter=200,
        )
    return design


def test_the_golden_files_cover_every_method_and_design() -> None:
    assert set(CASES["method"]) == {"linear", "raking", "logit"}
    assert set(CASES["data"]) == set(OPTIONS)
    assert CASES["formula"].str.contains(r"\*").any()  # a joint margin
    assert CASES["trim_lower"].notna().any()
    assert CASES["lower"].notna().any()


@pytest.mark.parametrize("case", CASES["case"].unique())
def test_calibrated_weights_match_r(case: str) -> None:
    expected = WEIGHTS[WEIGHTS["case"] == case].sort_values("row")["weight"].to_numpy()
    got = calibrated(case).weights
    np.testing.assert_allclose(got, expected, rtol=1e-8, atol=0)


def _estimate(design: SurveyDesign, row: Any) -> pd.Series:
    by = row.by or None
    if row.statistic.startswith("ciprop"):
        column, value = row.variable.split("=")
        method = "beta" if row.statistic == "ciprop_beta" else "logit"
        return design_proportion(design, column, categories=[float(value)], method=method).iloc[0]
    if row.statistic == "mean":
        table = design_mean(design, row.variable, by=by)
    elif row.statistic == "total":
        table = design_total(design, row.variable, by=by)
    else:
        table = design_ratio(design, *row.variable.split("/"), by=by)
    if by:
        table = table[table[by].astype(str) == str(row.domain)]
    assert len(table) == 1
    return table.iloc[0]


@pytest.mark.parametrize(
    "case", [*CASES["case"].unique(), "none_apistrat", "none_apiclus1", "none_apisrs"]
)
def test_estimates_of_calibrated_designs_match_r(case: str) -> None:
    design = base_design(case[5:]) if case.startswith("none_") else calibrated(case)
    rows = RESULTS[RESULTS["case"] == case]
    assert len(rows) == 11  # 2 means, 2 totals, a ratio, 2 domains x (mean, total), 2 ciprop
    for row in rows.itertuples():
        got = _estimate(design, row)
        what = f"{row.statistic} {row.variable} {row.by}={row.domain}"
        assert got["estimate"] == pytest.approx(row.estimate, rel=1e-8), what
        # a calibrated total has SE 0 up to rounding (R's ~1e-8 on 4e6): compare to the estimate
        assert abs(got["se"] - row.se) <= 1e-6 * row.se + 1e-12 * abs(row.estimate), what
        if not pd.isna(row.deff) and row.se > 1e-9 * abs(row.estimate):
            assert got["deff"] == pytest.approx(row.deff, rel=1e-6), what
        if not pd.isna(row.ci_low):
            assert got["ci_low"] == pytest.approx(row.ci_low, rel=1e-6), what
            assert got["ci_high"] == pytest.approx(row.ci_high, rel=1e-6), what


@pytest.mark.parametrize(
    "row",
    CHISQ.to_dict("records"),
    ids=[f"{r.case}-{r.statistic}" for r in CHISQ.itertuples()],
)
def test_rao_scott_on_calibrated_designs_matches_r(row: dict[str, Any]) -> None:
    case = row["case"]
    design = base_design(case[5:]) if case.startswith("none_") else calibrated(case)
    statistic = "chisq" if row["statistic"] == "Chisq" else "F"
    t = design_chisq(design, row["rows"], row["cols"], statistic=statistic)
    assert t.value == pytest.approx(row["value"], rel=1e-8)
    assert t.df_num == pytest.approx(row["ndf"], rel=1e-8)
    assert t.p_value == pytest.approx(row["p_value"], rel=1e-6)


def test_calibration_changes_the_standard_errors() -> None:
    """The residuals matter: the SE of a calibrated design is not that of its weights alone."""
    design = calibrated("clus_linear")
    plain = SurveyDesign.from_frame(
        design.data.assign(cal=design.weights), weights="cal", clusters="dnum", fpc="fpc"
    )
    with_residuals = design_mean(design, "api00")["se"][0]
    weights_only = design_mean(plain, "api00")["se"][0]
    r = RESULTS.query("case == 'clus_linear' and statistic == 'mean' and variable == 'api00'")
    assert with_residuals == pytest.approx(r[r["by"] == ""]["se"].iloc[0], rel=1e-6)
    assert abs(weights_only - with_residuals) > 0.1 * with_residuals
