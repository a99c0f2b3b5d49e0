"""Outlier treatment by skewness and kurtosis (COINr's rule): references and properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from qualitapa.composite import CompositeDefinition, composite, skew_kurtosis, treat
from qualitapa.errors import DefinitionError
from qualitapa.i18n import translator

#: COINr's winsorise() reference page (bluefoxr.github.io/COINr/reference/winsorise.html,
#: version 1.1.14), its example: x <- c(1:10, 30, 100); winsorise(x, skew_thresh = 2,
#: kurt_thresh = 3.5) prints $x 1 2 3 4 5 6 7 8 9 10 30 30, $nwin 1, and "winhi" for the
#: 12th point.
COINR_X = [*range(1, 11), 30, 100]


def test_coinr_winsorise_example():
    res = treat(pd.DataFrame({"x": COINR_X}))
    assert res.data["x"].tolist() == [*range(1, 11), 30, 30]
    assert res.summary.loc[0, "winsorised"] == 1
    assert res.points[["row", "original", "treated", "side"]].to_dict("records") == [
        {"row": 11, "original": 100.0, "treated": 30.0, "side": "high"}
    ]


def test_skew_and_kurtosis_are_scipys_unbiased_estimators():
    # COINr's skew() and kurt() (R/treat.R) are e1071's type 2 - the sample-size
    # adjusted G1 and G2, excess kurtosis - which scipy computes with bias=False
    rng = np.random.default_rng(4)
    df = pd.DataFrame({"a": rng.lognormal(size=25), "b": rng.normal(size=25)})
    df.loc[3, "b"] = np.nan
    sk = skew_kurtosis(df)
    for col in df:
        x = df[col].dropna()
        assert sk.loc[col, "skew"] == pytest.approx(stats.skew(x, bias=False))
        assert sk.loc[col, "kurtosis"] == pytest.approx(stats.kurtosis(x, fisher=True, bias=False))
    assert sk.loc["b", "n"] == 24


def test_excel_skew_and_kurt_by_hand():
    # Excel's SKEW and KURT of 1, 2, 3, 4, 10 by the textbook formulas:
    # SKEW = n/((n-1)(n-2)) sum z^3, KURT = n(n+1)/((n-1)(n-2)(n-3)) sum z^4
    # - 3(n-1)^2/((n-2)(n-3)), z with the n-1 standard deviation
    x = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    n = len(x)
    z = (x - x.mean()) / x.std(ddof=1)
    skew = n / ((n - 1) * (n - 2)) * (z**3).sum()
    kurt = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * (z**4).sum() - 3 * (n - 1) ** 2 / (
        (n - 2) * (n - 3)
    )
    sk = skew_kurtosis(pd.DataFrame({"x": x}))
    assert sk.loc["x", "skew"] == pytest.approx(skew)
    assert sk.loc["x", "kurtosis"] == pytest.approx(kurt)


def test_a_heavy_tail_beyond_winmax_is_log_transformed_from_the_original_values():
    x = np.random.default_rng(0).lognormal(0, 3, 200)  # a tail of more than 5 points
    res = treat(pd.DataFrame({"x": x}), winmax=5)
    row = res.summary.iloc[0]
    assert row["action"] == "log"
    assert row["winsorised"] == 0
    assert res.points.empty
    lo, hi = x.min(), x.max()
    np.testing.assert_allclose(res.data["x"], np.log(x - lo + 0.01 * (hi - lo)))


def test_box_cox_uses_the_maximum_likelihood_lambda_on_values_shifted_to_one():
    x = np.random.default_rng(0).lognormal(0, 3, 200)  # a tail of more than 5 points
    res = treat(pd.DataFrame({"x": x}), method="winsorise_boxcox")
    y, lam = stats.boxcox(x - x.min() + 1)
    assert res.summary.loc[0, "action"] == "boxcox"
    assert res.summary.loc[0, "lambda"] == pytest.approx(lam)
    np.testing.assert_allclose(res.data["x"], y)


def test_a_negative_skew_is_treated_on_the_mirror_image_keeping_the_order():
    x = -np.random.default_rng(0).lognormal(0, 3, 200)
    res = treat(pd.DataFrame({"x": x}))
    assert res.summary.loc[0, "action"] == "log"
    assert res.summary.loc[0, "skew_after"] > res.summary.loc[0, "skew"]  # less negative
    assert (np.argsort(res.data["x"].to_numpy()) == np.argsort(x)).all()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_an_indicator_within_the_limits_is_untouched(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=30)
    sk = skew_kurtosis(pd.DataFrame({"x": x})).iloc[0]
    res = treat(pd.DataFrame({"x": x}))
    if abs(sk["skew"]) < 2 or sk["kurtosis"] < 3.5:
        np.testing.assert_array_equal(res.data["x"], x)
        assert res.summary.loc[0, "action"] == "none"


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["winsorise_log", "winsorise_boxcox"]))
def test_row_order_does_not_matter_and_order_is_kept(seed, method):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"x": rng.lognormal(0, 1.5, 30), "y": rng.normal(size=30)})
    perm = rng.permutation(30)
    a = treat(df, method=method).data
    b = treat(df.iloc[perm], method=method).data
    pd.testing.assert_frame_equal(a, b.sort_index(), rtol=1e-9)
    x, t = df["x"].to_numpy(), a["x"].to_numpy()
    assert (np.diff(t[np.argsort(x, kind="stable")]) >= -1e-12).all()  # never reorders


def test_treatment_in_a_composite_per_period_and_refused_with_goalposts():
    x = [*range(1, 11), 30, 100]
    df = pd.DataFrame({"organization": [f"m{i}" for i in range(12)], "x": x,
                       "y": np.arange(12.0)})  # fmt: skip
    comps = [{"indicator": "x", "polarity": "higher_is_better"},
             {"indicator": "y", "polarity": "higher_is_better"}]  # fmt: skip
    d = CompositeDefinition.from_mapping(
        {"id": "i", "label": "I", "treatment": "winsorise_log", "components": comps}
    )
    out = composite(df, d, include_subindices=False)
    # winsorised x: 1 ... 10, 30, 30; min-max over 1 ... 30
    x_norm = (np.array([*range(1, 11), 30, 30]) - 1) / 29
    np.testing.assert_allclose(out["value"], (x_norm + np.arange(12) / 11) / 2)
    with pytest.raises(DefinitionError, match="treatment"):
        CompositeDefinition.from_mapping(
            {
                "id": "i",
                "label": "I",
                "treatment": "winsorise_log",
                "normaliser": "goalposts",
                "components": [{**c, "goalposts": [0, 100]} for c in comps],
            }
        )


def test_limits_are_checked_in_words():
    with pytest.raises(DefinitionError, match="skew_limit > 0") as err:
        treat(pd.DataFrame({"x": [1.0, 2.0, 3.0]}), skew_limit=0)
    assert "il trattamento richiede winmax >= 0" in err.value.render(translator("it"))
