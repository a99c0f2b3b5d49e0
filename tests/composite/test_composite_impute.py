"""Imputation of missing indicator values: references, properties, and inside composite()."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from qualitapa.composite import composite, composite_contributions, impute
from qualitapa.errors import DefinitionError


def _frame(seed: int = 0, n: int = 30, holes: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.normal(10, 2, n)
    df = pd.DataFrame(
        {"a": a, "b": 2 * a + rng.normal(0, 1, n), "c": -a + rng.normal(0, 1, n)},
        index=[f"m{i:02d}" for i in range(n)],
    )
    for k in range(holes):
        df.iloc[(7 * k + 3) % n, k % 3] = np.nan
    return df


def test_mean_and_median_are_pandas_column_statistics():
    df = _frame()
    for method, stat in (("mean", df.mean()), ("median", df.median())):
        res = impute(df, method=method)
        for _, cell in res.imputed.iterrows():
            assert res.data.loc[cell["row"], cell["column"]] == pytest.approx(stat[cell["column"]])
            assert cell["method"] == method
        assert res.imputed.shape[0] == int(df.isna().sum().sum())
        pd.testing.assert_frame_equal(res.data[df.notna()], df[df.notna()])


def test_group_mean_is_pandas_groupby_mean():
    df = _frame()
    groups = pd.Series(["small", "large", "mid"] * 10, index=df.index)
    res = impute(df, method="group_mean", groups=groups)
    expected = df.groupby(groups).transform("mean")
    filled = df.isna()
    np.testing.assert_allclose(res.data[filled].stack(), expected[filled].stack())
    assert set(res.imputed["method"]) == {"group_mean"}


def test_a_group_without_values_falls_back_to_the_overall_statistic_and_says_so():
    df = pd.DataFrame({"x": [1.0, 3.0, np.nan, np.nan], "y": [1.0, 2.0, 3.0, 4.0]},
                      index=list("abcd"))  # fmt: skip
    res = impute(df, method="group_median", groups={"a": "g1", "b": "g1", "c": "g2", "d": "g2"})
    assert res.data["x"].tolist() == [1.0, 3.0, 2.0, 2.0]
    assert res.imputed["method"].tolist() == ["median", "median"]


def test_group_methods_need_groups():
    with pytest.raises(DefinitionError, match="peer group"):
        impute(_frame(), method="group_mean")


def test_regression_matches_statsmodels_ols():
    df = _frame(holes=0)
    df.loc[["m03", "m10", "m17"], "b"] = np.nan
    res = impute(df, method="regression")
    train = df.dropna()
    fit = sm.OLS(train["b"], sm.add_constant(train[["a", "c"]])).fit()
    rows = ["m03", "m10", "m17"]
    expected = fit.predict(sm.add_constant(df.loc[rows, ["a", "c"]], has_constant="add"))
    np.testing.assert_allclose(res.data.loc[rows, "b"], expected, rtol=1e-10)
    assert set(res.imputed["method"]) == {"regression"}


def test_regression_uses_the_predictors_each_row_has():
    df = _frame(holes=0)
    df.loc["m03", ["b", "c"]] = np.nan  # only a predicts b for m03
    res = impute(df, method="regression")
    train = df.dropna()
    fit = sm.OLS(train["b"], sm.add_constant(train[["a"]])).fit()
    assert res.data.loc["m03", "b"] == pytest.approx(
        fit.params["const"] + fit.params["a"] * df.loc["m03", "a"]
    )


def test_regression_stays_within_the_dimension():
    df = _frame(holes=0)
    df.loc["m05", "a"] = np.nan
    res = impute(df, method="regression", dimensions={"d1": ["a", "b"], "d2": ["c"]})
    train = df.dropna()
    fit = sm.OLS(train["a"], sm.add_constant(train[["b"]])).fit()
    assert res.data.loc["m05", "a"] == pytest.approx(
        fit.params["const"] + fit.params["b"] * df.loc["m05", "b"]
    )


def test_regression_without_enough_rows_falls_back_to_the_mean():
    df = pd.DataFrame({"x": [1.0, 2.0, np.nan], "y": [1.0, 2.0, 3.0]})
    res = impute(df, method="regression")
    assert res.data["x"].tolist() == [1.0, 2.0, 1.5]
    assert res.imputed["method"].tolist() == ["mean"]


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, (6, 3), elements=st.floats(-1e3, 1e3)),
    st.sampled_from(["mean", "median", "regression", "group_mean"]),
)
def test_without_missing_values_imputation_changes_nothing(values, method):
    df = pd.DataFrame(values, columns=["a", "b", "c"])
    res = impute(df, method=method, groups=pd.Series([0, 1] * 3))
    pd.testing.assert_frame_equal(res.data, df)
    assert res.imputed.empty


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["mean", "median", "regression", "group_mean"]))
def test_row_order_does_not_matter(seed, method):
    df = _frame(seed % 50)
    groups = pd.Series(["x", "y", "z"] * 10, index=df.index)
    shuffled = df.sample(frac=1, random_state=seed)
    a = impute(df, method=method, groups=groups).data
    b = impute(shuffled, method=method, groups=groups).data
    pd.testing.assert_frame_equal(a, b.loc[a.index], rtol=1e-9)


def test_composite_imputes_each_period_and_counts_imputed_values(tree_definition):
    df = _frame().reset_index(names="organization")
    both = pd.concat([df.assign(period=2023), df.assign(period=2024, a=df["a"] + 100)])
    out = composite(both, tree_definition(imputation="mean"))
    root = out[out["index"] == "idx"].set_index(["period", "organization"])
    # 2024's a is 2023's a + 100: the same normalised values, hence the same scores,
    # only if each period is imputed with its own mean
    np.testing.assert_allclose(root.loc[2023, "value"], root.loc[2024, "value"])
    holes = _frame().isna()
    expected = holes.sum(axis=1).to_numpy()
    np.testing.assert_array_equal(root.loc[2023, "imputed"].to_numpy(), expected)
    d1 = out[(out["index"] == "d1") & (out["period"] == 2023)]
    np.testing.assert_array_equal(d1["imputed"], holes[["a", "b"]].sum(axis=1))


def test_composite_imputation_argument_and_definition_agree(tree_definition):
    df = _frame().reset_index(names="organization")
    by_argument = composite(df, tree_definition(), imputation="regression")
    by_definition = composite(df, tree_definition(imputation="regression"))
    pd.testing.assert_frame_equal(by_argument, by_definition)


def test_composite_with_imputation_equals_composite_of_the_imputed_data(tree_definition):
    df = _frame()
    groups = pd.Series(["x", "y"] * 15, index=df.index)
    filled = impute(df, method="group_median", groups=groups).data
    a = composite(df.reset_index(names="organization"), tree_definition(imputation="group_median"),
                  groups=groups)  # fmt: skip
    b = composite(filled.reset_index(names="organization"), tree_definition())
    np.testing.assert_allclose(a["value"], b["value"])


def test_contributions_show_the_value_as_given(tree_definition):
    df = _frame().reset_index(names="organization")
    c = composite_contributions(df, tree_definition(imputation="mean"))
    row = c[(c["organization"] == "m03") & (c["component"] == "a")].iloc[0]
    assert np.isnan(row["raw"])
    assert np.isfinite(row["normalised"])


def test_group_imputation_in_composite_needs_groups(tree_definition):
    with pytest.raises(DefinitionError, match="peer group"):
        composite(
            _frame().reset_index(names="organization"), tree_definition(imputation="group_mean")
        )


def test_unknown_imputation_is_refused_with_the_choices(tree_definition):
    with pytest.raises(DefinitionError, match="use one of 'none', 'mean'"):
        tree_definition(imputation="knn")
