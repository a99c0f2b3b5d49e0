"""qualitapa.surveys against independent Python implementations (scipy, statsmodels, pandas).

The Kish convention (``docs/surveys.md``) treats a weighted sample as a simple
random sample of size :math:`n_{eff}`. statsmodels' ``DescrStatsW`` with
*frequency* weights rescaled to add up to :math:`n_{eff}` is exactly that
model, so it is an independent implementation of qualitapa's weighted means,
standard errors, t intervals and design-based Welch tests.
(R references are in ``test_surveys_golden.py``.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.oneway import anova_generic
from statsmodels.stats.proportion import proportion_confint, samplesize_confint_proportion
from statsmodels.stats.weightstats import DescrStatsW
from statsmodels.stats.weightstats import ttest_ind as sm_ttest_ind

from qualitapa.surveys import (
    Instrument,
    Question,
    Scale,
    SurveyDimension,
    adjust_pvalues,
    benchmark_table,
    compare_groups,
    distribution,
    ipa,
    margin_of_error,
    nps,
    respondent_scores,
    sample_size,
    score_dimensions,
    score_items,
    servqual_gap,
    wilson_interval,
)

PROPS = settings(max_examples=40, deadline=None)


def at_neff(w: np.ndarray) -> np.ndarray:
    """Weights rescaled to add up to Kish's n_eff (frequency-weight reading)."""
    w = np.asarray(w, dtype=float)
    return w * w.sum() / np.sum(w**2)


@pytest.fixture
def weighted() -> pd.DataFrame:
    rng = np.random.default_rng(42)
    n = 240
    return pd.DataFrame(
        {
            "org": rng.choice(["a", "b", "c"], n),
            "q": rng.choice([1, 2, 3, 4, 5, np.nan], n, p=[0.1, 0.15, 0.25, 0.3, 0.15, 0.05]),
            "r": rng.integers(1, 6, n).astype(float),
            "rec": rng.integers(0, 11, n).astype(float),
            "w": np.round(rng.lognormal(0, 0.6, n), 4),
        }
    )


@pytest.fixture
def two_items() -> Instrument:
    return Instrument(
        "c",
        "C",
        dimensions=[SurveyDimension("d", "D")],
        questions=[
            Question("q", "likert", "Q", dimension="d", scale=Scale.likert(5)),
            Question("r", "likert", "R", dimension="d", scale=Scale.likert(5), reverse=True),
            Question("rec", "recommend", "Rec"),
        ],
    )


# -- scoring -----------------------------------------------------------------------------


def test_weighted_item_statistics_match_descrstatsw(two_items, weighted):
    got = score_items(two_items, weighted, by="org", weights="w", min_n=1)
    got = got[got["question"] == "q"].set_index("org")
    for g, part in weighted.dropna(subset=["q"]).groupby("org"):
        d = DescrStatsW(part["q"].to_numpy(), weights=at_neff(part["w"].to_numpy()))
        row = got.loc[g]
        assert row["mean"] == pytest.approx(d.mean, rel=1e-12)
        assert row["n_eff"] == pytest.approx(d.sum_weights, rel=1e-12)
        assert row["sd"] == pytest.approx(np.sqrt(d.var_ddof(1)), rel=1e-12)
        assert row["se"] == pytest.approx(d.std_mean, rel=1e-12)
        lo, hi = d.tconfint_mean(alpha=0.05)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi), rel=1e-12)


def test_top_box_wilson_interval_matches_statsmodels(two_items, weighted):
    got = score_items(two_items, weighted, questions=["q"], by="org", weights="w", min_n=1)
    for _, row in got.iterrows():
        lo, hi = proportion_confint(
            row["top_box"] * row["n_eff"], row["n_eff"], alpha=0.05, method="wilson"
        )
        assert (row["top_box_low"], row["top_box_high"]) == pytest.approx((lo, hi), rel=1e-12)


@PROPS
@given(
    x=st.integers(0, 500),
    extra=st.integers(0, 500),
    confidence=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_wilson_matches_scipy_and_statsmodels(x, extra, confidence):
    n = x + extra
    if n == 0:
        return
    lo, hi = wilson_interval(x, n, confidence=confidence)
    ci = stats.binomtest(x, n).proportion_ci(confidence_level=confidence, method="wilson")
    assert (float(lo), float(hi)) == pytest.approx((ci.low, ci.high), rel=1e-9, abs=1e-12)
    sm = proportion_confint(x, n, alpha=1 - confidence, method="wilson")
    assert (float(lo), float(hi)) == pytest.approx(sm, rel=1e-9, abs=1e-12)


def test_nps_matches_the_multinomial_variance_of_the_score(two_items, weighted):
    # NPS is the weighted mean of +100 / 0 / -100; its se is the (1/n) variance of that
    # score over n_eff (the multinomial variance of P - D), computed here with DescrStatsW.
    got = nps(two_items, weighted, by="org", weights="w", min_n=1).set_index("org")
    for g, part in weighted.groupby("org"):
        s = np.where(part["rec"] >= 9, 100.0, np.where(part["rec"] <= 6, -100.0, 0.0))
        d = DescrStatsW(s, weights=at_neff(part["w"].to_numpy()))
        assert got.loc[g, "nps"] == pytest.approx(d.mean, rel=1e-12, abs=1e-9)
        assert got.loc[g, "se"] == pytest.approx(d.std / np.sqrt(d.sum_weights), rel=1e-12)


def test_distribution_matches_pandas_crosstab(two_items, weighted):
    got = distribution(two_items, weighted, questions=["q"], by="org", weights="w")
    ref = pd.crosstab(weighted["org"], weighted["q"], values=weighted["w"], aggfunc="sum")
    ref = ref.fillna(0.0).div(ref.sum(axis=1), axis=0)
    for _, row in got.iterrows():
        assert row["share"] == pytest.approx(ref.loc[row["org"], float(row["code"])], abs=1e-12)


def test_dimension_index_matches_a_plain_pandas_computation(two_items, weighted):
    # the analyst's computation: rescale to 0-100, turn the reversed item, average the
    # items answered per respondent (at least half), then a weighted mean per group
    items = pd.DataFrame({"q": (weighted["q"] - 1) / 4 * 100, "r": (5 - weighted["r"]) / 4 * 100})
    score = items.mean(axis=1)  # skips NaN; one of two answered is half
    pd.testing.assert_series_equal(
        respondent_scores(two_items, weighted)["d"], score, check_names=False
    )
    got = score_dimensions(two_items, weighted, by="org", weights="w", min_n=1, lang="it")
    got = got[got["dimension"] == "d"].set_index("org")
    for g, part in weighted.groupby("org"):
        ok = score[part.index].notna()
        ref = np.average(score[part.index][ok], weights=part["w"][ok])
        assert got.loc[g, "index"] == pytest.approx(ref, rel=1e-12)


def test_servqual_gap_interval_is_the_paired_t_interval():
    inst = Instrument(
        "x",
        "X",
        dimensions=[SurveyDimension("d", "D")],
        questions=[
            Question("p", "likert", "P", dimension="d", scale=Scale.likert(7)),
            Question("e", "likert", "E", scale=Scale.likert(7), expectation_of="p"),
        ],
    )
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"p": rng.integers(1, 8, 60), "e": rng.integers(3, 8, 60)})
    got = servqual_gap(inst, df).set_index("level").loc["item"]
    ref = stats.ttest_rel(df["p"], df["e"])
    ci = ref.confidence_interval(0.95)
    assert got["gap"] == pytest.approx((df["p"] - df["e"]).mean())
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((ci.low, ci.high), rel=1e-12)


# -- comparisons -------------------------------------------------------------------------


def test_weighted_welch_tests_match_statsmodels(two_items, weighted):
    # Pairs: statsmodels ttest_ind(usevar="unequal") with frequency weights at n_eff.
    # Omnibus: statsmodels anova_generic (Welch 1951) from the groups' means, Kish
    # variances and n_eff. Both agree with qualitapa's design-based Welch t / F exactly.
    got = compare_groups(two_items, weighted, by="org", weights="w", pairwise=True, correction=None)
    got = got[got["variable"] == "q"].reset_index(drop=True)
    parts = {
        g: (p["q"].to_numpy(), at_neff(p["w"].to_numpy()))
        for g, p in weighted.dropna(subset=["q"]).groupby("org")
    }
    for _, row in got.iloc[1:].iterrows():
        (xa, wa), (xb, wb) = parts[row["group_a"]], parts[row["group_b"]]
        t, p, _df = sm_ttest_ind(xa, xb, usevar="unequal", weights=(wa, wb))
        assert (row["statistic"], row["p_value"]) == pytest.approx((t, p), rel=1e-9)
    ds = [DescrStatsW(x, weights=w) for x, w in parts.values()]
    ref = anova_generic(
        np.array([d.mean for d in ds]),
        np.array([d.var_ddof(1) for d in ds]),
        np.array([d.sum_weights for d in ds]),
        use_var="unequal",
    )
    assert (got.loc[0, "statistic"], got.loc[0, "p_value"]) == pytest.approx(
        (ref.statistic, ref.pvalue), rel=1e-9
    )


def test_unweighted_omnibus_tests_match_scipy(two_items, weighted):
    df = weighted.dropna(subset=["q"])
    parts = [p["q"].to_numpy() for _, p in df.groupby("org")]
    anova = compare_groups(two_items, df, by="org", variables=["q"]).iloc[0]
    assert anova["test"] == "anova"
    assert anova["statistic"] == pytest.approx(stats.f_oneway(*parts).statistic)
    kw = compare_groups(two_items, df, by="org", variables=["q"], test="nonparametric").iloc[0]
    assert kw["p_value"] == pytest.approx(stats.kruskal(*parts).pvalue)
    chi = compare_groups(two_items, df, by="org", variables=["q"], kind="share").iloc[0]
    table = pd.crosstab(df["org"], df["q"] >= 4).to_numpy()
    assert chi["statistic"] == pytest.approx(
        stats.chi2_contingency(table, correction=False).statistic
    )


P_VALUES = st.lists(
    st.floats(0, 1, allow_nan=False) | st.sampled_from([0.05, 0.01, 1.0, 0.0]),
    min_size=1,
    max_size=30,
)


@PROPS
@given(p=P_VALUES, method=st.sampled_from(["bonferroni", "fdr_bh"]))
def test_adjust_pvalues_matches_statsmodels(p, method):
    ref = multipletests(p, method=method)[1]
    np.testing.assert_allclose(adjust_pvalues(p, method), ref, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    "p",
    # statsmodels' holm runs gc.collect() (~0.15 s a call): a few fixed cases, with ties,
    # 0 and 1, instead of a hypothesis search (R's p.adjust is in the golden tests too)
    [
        [0.01, 0.04, 0.03, 0.005],
        [0.05, 0.05, 0.01, 1.0, 0.0, 0.2, 0.2],
        np.random.default_rng(1).uniform(size=25) ** 3,
    ],
)
def test_adjust_pvalues_holm_matches_statsmodels(p):
    ref = multipletests(p, method="holm")[1]
    np.testing.assert_allclose(adjust_pvalues(p, "holm"), ref, rtol=1e-12, atol=1e-15)


def test_benchmark_ranks_match_scipy_rankdata():
    rng = np.random.default_rng(0)
    s = pd.DataFrame(
        {
            "organization": np.tile(list("abcdef"), 3),
            "dimension": np.repeat(["x", "y", "z"], 6),
            "index": rng.integers(50, 60, 18).astype(float),  # ties on purpose
        }
    )
    t = benchmark_table(s)
    for _, part in t.groupby("dimension"):
        ref = stats.rankdata(-part["index"].to_numpy(), method="min")
        np.testing.assert_array_equal(part["rank"].to_numpy(dtype=int), ref)


# -- IPA: weighted pairwise-complete correlations ----------------------------------------


def test_weighted_derived_importance_matches_descrstatsw_on_complete_pairs():
    rng = np.random.default_rng(8)
    n = 200
    df = pd.DataFrame(
        {
            "a": rng.integers(1, 6, n).astype(float),
            "b": rng.integers(1, 6, n).astype(float),
            "w": rng.uniform(0.2, 4.0, n),
        }
    )
    df["overall"] = np.clip(np.round(0.6 * df["a"] + 0.3 * df["b"] + rng.normal(0, 0.6, n)), 1, 5)
    df.loc[rng.choice(n, 40, replace=False), "a"] = np.nan
    df.loc[rng.choice(n, 30, replace=False), "overall"] = np.nan
    qs = [Question(q, "likert", q, dimension="d", scale=Scale.likert(5)) for q in "ab"]
    qs.append(Question("overall", "likert", "O", scale=Scale.likert(5)))
    inst = Instrument("x", "X", dimensions=[SurveyDimension("d", "D")], questions=qs)
    got = ipa(inst, df, weights="w", importance="derived", overall="overall")
    got = got.set_index("question")["importance"]
    for q in "ab":
        pair = df[[q, "overall", "w"]].dropna()
        d = DescrStatsW(pair[[q, "overall"]].to_numpy(), weights=pair["w"].to_numpy())
        assert got[q] == pytest.approx(d.corrcoef[0, 1], rel=1e-12)


# -- sample size -------------------------------------------------------------------------


@PROPS
@given(
    margin=st.floats(0.01, 0.2),
    proportion=st.floats(0.05, 0.95),
    confidence=st.sampled_from([0.9, 0.95, 0.99]),
)
def test_sample_size_n0_and_margin_match_statsmodels(margin, proportion, confidence):
    # infinite population: n0 = z^2 p (1 - p) / e^2 (statsmodels'
    # samplesize_confint_proportion) and its inverse, the normal interval's half-width
    r = sample_size(margin=margin, proportion=proportion, confidence=confidence).iloc[0]
    ref = samplesize_confint_proportion(proportion, margin, alpha=1 - confidence)
    assert r["n0"] == pytest.approx(ref, rel=1e-12)
    n = int(r["n"])
    lo, hi = proportion_confint(proportion * n, n, alpha=1 - confidence, method="normal")
    e = margin_of_error(n, proportion=proportion, confidence=confidence)["margin"].iloc[0]
    # (statsmodels clips the interval to [0, 1]: take the side that is not clipped)
    assert e == pytest.approx(max(hi - proportion, proportion - lo), rel=1e-12)
    assert e <= margin * (1 + 1e-12)
