"""Raking (IPF), post-stratification and trimming."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qualitapa import DataError
from qualitapa.surveys import margins_from_frame, poststratify, rake, trim_weights


def _sample_2x2() -> pd.DataFrame:
    # survey counts  x  y
    #           a    7  9
    #           b   12  7
    return pd.DataFrame(
        {"r": ["a"] * 16 + ["b"] * 19, "c": ["x"] * 7 + ["y"] * 9 + ["x"] * 12 + ["y"] * 7}
    )


def test_ipf_known_fitted_table():
    # IPF (Deming & Stephan 1940) fits the table with the required margins that keeps the
    # seed's odds ratio (Bishop, Fienberg & Holland 1975, ch. 3; Mosteller 1968). With rows
    # 5, 15 and columns 10, 10 the fitted a-x cell t solves t (5 + t) / ((5 - t)(10 - t)) =
    # (7 * 7) / (9 * 12), i.e. 59 t^2 + 1275 t - 2450 = 0, t = 1.775728...
    t = (-1275 + math.sqrt(1275**2 + 4 * 59 * 2450)) / (2 * 59)
    fitted = np.array([[t, 5 - t], [10 - t, 5 + t]])
    df = _sample_2x2()
    res = rake(df, {"r": {"a": 5, "b": 15}, "c": {"x": 10, "y": 10}}, total=20, tol=1e-10)
    table = res.apply(df).pivot_table(index="r", columns="c", values="weight", aggfunc="sum")
    np.testing.assert_allclose(table.to_numpy(), fitted, rtol=1e-8)
    assert res.converged
    assert res.max_error <= 1e-10
    # every respondent of a cell gets the same weight: fitted cell / sample count
    w_ax = res.weights[(df.r == "a") & (df.c == "x")]
    assert np.allclose(w_ax, t / 7)
    rep = res.report.set_index(["variable", "category"])
    assert rep.loc[("r", "a"), "achieved"] == pytest.approx(5.0)
    assert rep.loc[("c", "y"), "sample_n"] == 16


def test_rake_three_margins_and_design_effect():
    rng = np.random.default_rng(1)
    n = 2000
    df = pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n, p=[0.7, 0.3]),
            "age": rng.choice(["18-34", "35-64", "65+"], n, p=[0.2, 0.5, 0.3]),
            "edu": rng.choice([1, 2, 3], n),
        }
    )
    margins = {
        "sex": {"F": 0.52, "M": 0.48},
        "age": {"18-34": 30, "35-64": 45, "65+": 25},
        "edu": {1: 1, 2: 1, 3: 1},
    }
    res = rake(df, margins)
    w = res.weights
    assert w.sum() == pytest.approx(n)
    assert w[df.sex == "F"].sum() / n == pytest.approx(0.52, abs=1e-6)
    assert w[df.age == "65+"].sum() / n == pytest.approx(0.25, abs=1e-6)
    assert w[df.edu == 2].sum() / n == pytest.approx(1 / 3, abs=1e-6)
    deff = n * (w**2).sum() / w.sum() ** 2
    assert res.design_effect == pytest.approx(deff)
    assert res.effective_n == pytest.approx(n / deff)
    assert res.design_effect > 1


def test_trimmed_raking_respects_bounds():
    rng = np.random.default_rng(2)
    df = pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], 500, p=[0.8, 0.2]),
            "age": rng.choice(["y", "o"], 500, p=[0.3, 0.7]),
        }
    )
    margins = {"sex": {"F": 50, "M": 50}, "age": {"y": 50, "o": 50}}
    free = rake(df, margins)
    trimmed = rake(df, margins, trim=(None, 2.5), max_iter=500, tol=1e-4)
    assert free.weights.max() / free.weights.mean() > 2.5
    assert trimmed.weights.max() / trimmed.weights.mean() <= 2.5 + 1e-9
    assert trimmed.max_error <= 1e-4


def test_rake_errors():
    df = _sample_2x2()
    with pytest.raises(DataError, match="empty margin cell") as err:
        rake(df, {"r": {"a": 5, "b": 10, "c": 5}})
    assert err.value.column == "r"
    with pytest.raises(DataError, match="not a category") as err:
        rake(df, {"r": {"a": 5}})
    assert err.value.row == 17
    with pytest.raises(DataError, match="not a column"):
        rake(df, {"sex": {"F": 1}})
    with pytest.raises(DataError, match="loosen the trimming bounds"):
        rake(df, {"r": {"a": 1, "b": 9}, "c": {"x": 9, "y": 1}}, trim=(0.9, 1.1), max_iter=20)
    with pytest.raises(DataError, match="did not converge"):
        rake(df, {"r": {"a": 1, "b": 9}, "c": {"x": 9, "y": 1}}, max_iter=2)


def test_trim_weights_refuses_bounds_that_clip_every_unit():
    # mean 7/3, bounds 1.75 and 4.67: 5 is cut, both 1s raised; no unit is left to take
    # up the difference. (R survey 4.1.1 trimWeights returns 4.667, 1.75, 1.75 here:
    # the sum silently grows from 7 to 8.17.)
    with pytest.raises(ValueError, match="widen them"):
        trim_weights([5.0, 1.0, 1.0], lower=0.75, upper=2.0)
    with pytest.raises(ValueError, match="at least 1"):
        trim_weights([1.0, 2.0], upper=0.9)
    with pytest.raises(DataError, match="missing"):
        trim_weights([1.0, np.nan])


def test_margins_from_frame_and_poststratify():
    m = margins_from_frame(
        pd.DataFrame({"variable": ["r", "r"], "category": ["a", "b"], "target": ["5", "15"]})
    )
    assert m == {"r": {"a": 5.0, "b": 15.0}}
    df = _sample_2x2()
    pop = pd.DataFrame(
        {"r": ["a", "a", "b", "b"], "c": ["x", "y", "x", "y"], "population": [100, 100, 100, 700]}
    )
    res = poststratify(df, pop, cells=["r", "c"], total=1000)
    # each cell's weights add up to its population count
    cell = res.apply(df).groupby(["r", "c"])["weight"].sum()
    assert cell.to_dict() == pytest.approx(
        {("a", "x"): 100, ("a", "y"): 100, ("b", "x"): 100, ("b", "y"): 700}
    )
    pop_gap = pop.assign(c=["x", "z", "x", "y"])
    with pytest.raises(DataError):
        poststratify(df, pop_gap, cells=["r", "c"])


def test_trim_weights_keeps_total():
    w = trim_weights([1.0, 1.0, 1.0, 5.0], upper=1.5)
    assert w.sum() == pytest.approx(8.0)
    assert w.max() == pytest.approx(1.5 * w.mean())


def test_trim_weights_keeps_clipped_units_at_the_bounds():
    # Issue 12, defect 4. Mean weight 1, bounds 0.5 and 1.5: 0.2 and 0.4 are raised to
    # 0.5 (-0.3 - 0.1) and 2.4 cut to 1.5 (+0.9); the net 0.5 goes in equal shares to the
    # four free units: 1 + 0.5/4 = 1.125. R survey 4.1.1
    # trimWeights(svydesign(ids = ~1, weights = ~w, ...), lower = 0.5, upper = 1.5,
    # strict = TRUE) gives the same (tests/surveys/golden/trim_weights.csv).
    # The old code rescaled every weight, clipped ones too: [0.55, 0.55, 1.1 x4, 1.5].
    w = trim_weights([0.2, 0.4, 1, 1, 1, 1, 2.4], lower=0.5, upper=1.5)
    np.testing.assert_allclose(w, [0.5, 0.5, 1.125, 1.125, 1.125, 1.125, 1.5], rtol=1e-12)
    assert w.sum() == pytest.approx(7.0)
