"""The vectorised paths of issue 25 give the numbers of the per-pair / per-item code.

* pairwise comparisons without weights: Welch t and chi-square of every pair at
  once, against one scipy call per pair and variable (``_test_pair``, the code
  they replace, and ``scipy.stats.ttest_ind`` / ``chi2_contingency`` directly);
* reliability's covariance matrices by matrix products per group, against
  pandas ``DataFrame.cov`` (pairwise-complete) and ``dropna().cov()`` (listwise).
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from qualitapa.surveys import (
    Instrument,
    Question,
    Scale,
    SurveyDimension,
    compare_groups,
    cronbach_alpha,
)
from qualitapa.surveys._compare import _test_all, _test_pair
from qualitapa.surveys._reliability import _group_cov
from qualitapa.surveys._stats import make_groups

ITEMS = ["a", "b", "c", "d"]
INST = Instrument(
    "t",
    "T",
    dimensions=[SurveyDimension("d", "D")],
    questions=[Question(q, "likert", q, dimension="d", scale=Scale.likert(5)) for q in ITEMS],
)


def _responses(seed: int, n: int = 400, n_groups: int = 7) -> pd.DataFrame:
    """Random answers with blanks, a constant group, a group of one, an empty item."""
    rng = np.random.default_rng(seed)
    g = rng.integers(0, n_groups - 2, n)
    g[:5] = n_groups - 2  # five respondents who all answer 4 to "a": a constant group
    g[5] = n_groups - 1  # a group of one
    df = pd.DataFrame({"organization": [f"g{i}" for i in g]})
    for q in ITEMS:
        x = rng.integers(1, 6, n).astype(float)
        x[rng.random(n) < 0.15] = np.nan
        df[q] = x
    df.loc[:4, "a"] = 4.0
    df.loc[df["organization"] == "g1", "d"] = np.nan  # nobody in g1 answered d
    return df


def _old_pairs(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    """One ``_test_pair`` (scipy) call per pair and variable: the code the vectors replace."""
    labels = sorted(df["organization"].unique())
    rows = []
    for q in ITEMS:
        x = df[q].to_numpy(dtype=float)
        if kind == "share":
            x = np.where(np.isnan(x), np.nan, (x >= 4).astype(float))
        parts = [x[(df["organization"] == g).to_numpy() & ~np.isnan(x)] for g in labels]
        for i, j in itertools.combinations(range(len(labels)), 2):
            rows.append(_test_pair(q, parts[i], parts[j], labels[i], labels[j], kind, "parametric"))
    return pd.DataFrame(rows)


@pytest.mark.parametrize("kind", ["mean", "share"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pairs_at_once_equal_one_scipy_call_per_pair(kind, seed):
    df = _responses(seed)
    new = compare_groups(INST, df, pairwise=True, kind=kind)  # type: ignore[arg-type]
    new = new[new["group_b"] != ""].reset_index(drop=True)
    old = _old_pairs(df, kind)
    assert len(new) == len(old) == 4 * 21
    for c in ("variable", "group_a", "group_b", "n_a", "n_b", "test"):
        assert new[c].tolist() == old[c].tolist()
    for c in ("estimate_a", "estimate_b", "difference", "statistic", "p_value"):
        np.testing.assert_allclose(new[c], old[c], rtol=1e-12, atol=1e-14, equal_nan=True)
    # the edge cases are there: a pair of constant groups, a group of one, no answers
    assert new["statistic"].isna().any()
    assert new["statistic"].notna().sum() > 40


def test_pairs_equal_scipy_directly():
    df = _responses(3)
    r = compare_groups(INST, df, pairwise=True).set_index(["variable", "group_a", "group_b"])
    s = compare_groups(INST, df, pairwise=True, kind="share")
    s = s.set_index(["variable", "group_a", "group_b"])
    for q, ga, gb in [("a", "g0", "g1"), ("b", "g2", "g4"), ("c", "g1", "g3")]:
        a = df.loc[df["organization"] == ga, q].dropna().to_numpy()
        b = df.loc[df["organization"] == gb, q].dropna().to_numpy()
        t = stats.ttest_ind(a, b, equal_var=False)
        assert r.loc[(q, ga, gb), "statistic"] == pytest.approx(t.statistic, rel=1e-12)
        assert r.loc[(q, ga, gb), "p_value"] == pytest.approx(t.pvalue, rel=1e-10)
        table = [[np.sum(a >= 4), np.sum(a < 4)], [np.sum(b >= 4), np.sum(b < 4)]]
        chi = stats.chi2_contingency(table, correction=False)
        assert s.loc[(q, ga, gb), "statistic"] == pytest.approx(chi.statistic, rel=1e-12)
        assert s.loc[(q, ga, gb), "p_value"] == pytest.approx(chi.pvalue, rel=1e-10)


def test_two_groups_keep_the_row_layout():
    df = _responses(4)
    two = df[df["organization"].isin(["g0", "g2"])]
    r = compare_groups(INST, two)
    assert r["variable"].tolist() == ITEMS
    assert (r["test"] == "welch_t").all()
    assert not r["weighted"].any()
    assert (r["n_eff_a"] == r["n_a"]).all()


def test_all_groups_test_then_its_pairs_per_variable():
    r = compare_groups(INST, _responses(5), pairwise=True)
    first = r.groupby("variable", sort=False).head(1)
    assert first["test"].eq("anova").all()
    assert first["group_a"].eq("").all()
    assert r["variable"].tolist() == [q for q in ITEMS for _ in range(22)]


def _cov_frames(df: pd.DataFrame, nan_policy: str) -> np.ndarray:
    """Each group's covariance matrix by pandas (pairwise-complete, or complete cases)."""
    out = []
    for _, part in df.groupby("organization", sort=True):
        x = part[ITEMS]
        with warnings.catch_warnings():  # a group of one: NaN, with numpy's warning
            warnings.simplefilter("ignore", RuntimeWarning)
            out.append((x.dropna() if nan_policy == "listwise" else x).cov().to_numpy())
    return np.stack(out)


@pytest.mark.parametrize("nan_policy", ["pairwise", "listwise"])
@pytest.mark.parametrize("seed", [0, 7])
def test_covariances_equal_pandas(nan_policy, seed):
    df = _responses(seed).drop(columns="d")  # pandas needs 2 answers per pair for a value
    df = df.assign(d=np.random.default_rng(seed).integers(1, 6, len(df)).astype(float))
    groups = make_groups(df, "organization")
    x = np.asfortranarray(df[ITEMS].to_numpy(dtype=float))
    cov, _n = _group_cov(x, groups, nan_policy)
    np.testing.assert_allclose(cov, _cov_frames(df, nan_policy), rtol=1e-12, atol=1e-15)


def test_constant_item_has_exactly_zero_variance():
    df = _responses(1)
    groups = make_groups(df, "organization")
    for policy in ("pairwise", "listwise"):
        cov, _n = _group_cov(np.asfortranarray(df[ITEMS].to_numpy()), groups, policy)
        constant = groups.keys["organization"].tolist().index("g5")
        assert cov[constant, 0, 0] == 0.0
        assert (cov[constant, 0, 1:] == 0.0).all()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 5))
def test_grouped_alpha_is_each_groups_own_alpha(seed, n_groups):
    rng = np.random.default_rng(seed)
    n = 60
    df = pd.DataFrame(rng.integers(1, 6, (n, 4)).astype(float), columns=ITEMS)
    df = df.mask(rng.random((n, 4)) < 0.1)
    df["g"] = rng.integers(0, n_groups, n)
    for policy in ("pairwise", "listwise"):
        grouped = cronbach_alpha(df, items=ITEMS, by="g", nan_policy=policy)
        for g, part in df.groupby("g"):
            alone = cronbach_alpha(part, items=ITEMS, nan_policy=policy).iloc[0]
            row = grouped[grouped["g"] == g].iloc[0]
            assert row["n"] == alone["n"]
            np.testing.assert_allclose(row["alpha"], alone["alpha"], rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize("kind", ["mean", "share"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_all_groups_at_once_equal_one_scipy_call_per_variable(kind, seed):
    df = _responses(seed)
    labels = sorted(df["organization"].unique())
    new = compare_groups(INST, df, kind=kind)  # type: ignore[arg-type]
    for q, row in zip(ITEMS, new.itertuples(), strict=True):
        x = df[q].to_numpy(dtype=float)
        if kind == "share":
            x = np.where(np.isnan(x), np.nan, (x >= 4).astype(float))
        parts = [x[(df["organization"] == g).to_numpy() & ~np.isnan(x)] for g in labels]
        old = _test_all(q, parts, kind, "parametric")  # f_oneway / chi2_contingency
        assert (row.variable, row.test, row.n_a) == (old["variable"], old["test"], old["n_a"])
        np.testing.assert_allclose(row.statistic, old["statistic"], rtol=1e-10, equal_nan=True)
        np.testing.assert_allclose(row.p_value, old["p_value"], rtol=1e-9, equal_nan=True)


def test_anova_is_missing_when_no_group_varies():
    df = pd.DataFrame({"organization": ["a", "a", "b", "b", "c", "c"], "a": [1, 1, 2, 2, 3, 3]})
    df = df.assign(b=[1, 2, 2, 3, 3, 4], c=[1, 2, 3, 4, 5, 1], d=[1, 2, 3, 4, 5, 1])
    r = compare_groups(INST, df)
    assert np.isnan(r.loc[0, "statistic"])  # a: every group constant
    f = stats.f_oneway([1, 2], [2, 3], [3, 4])
    assert r.loc[1, "statistic"] == pytest.approx(f.statistic, rel=1e-12)
    assert r.loc[1, "p_value"] == pytest.approx(f.pvalue, rel=1e-12)
