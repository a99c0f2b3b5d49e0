"""Effect sizes, Welch's ANOVA and Games-Howell, exact intervals, p-value corrections.

Independent references: statsmodels (multipletests, proportion_confint, anova_oneway),
scipy (contingency.association, nct, studentized_range), R (p.adjust, binom.test, qbeta:
tests/surveys/golden/make_tests_golden.R), the printed output of R's effectsize package
(its "standardized differences" vignette) and values printed by pingouin 0.7.0 (run
outside the project's environment: pingouin is no dependency; the calls are in the
comments).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.oneway import anova_oneway
from statsmodels.stats.proportion import proportion_confint

from qualitapa.errors import DataError, OptionError
from qualitapa.surveys import (
    Instrument,
    Question,
    Scale,
    adjust_pvalues,
    cohens_d,
    compare_groups,
    cramers_v,
    eta_squared,
    hedges_correction,
    hedges_g,
    omega_squared,
    proportion_interval,
)
from qualitapa.surveys._ptukey import studentized_range_sf

GOLDEN = Path(__file__).parent / "golden"

# R's mtcars$mpg by am (automatic, manual): dput(split(mtcars$mpg, mtcars$am))
AUTO = [21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4, 17.3,
        15.2, 10.4, 10.4, 14.7, 21.5, 15.5, 15.2, 13.3, 19.2]  # fmt: skip
MANUAL = [21.0, 21.0, 22.8, 32.4, 30.4, 33.9, 27.3, 26.0, 30.4, 15.8, 19.7, 15.0, 21.4]

# three groups of 1-5 answers (pingouin's values below were printed for these)
A = [5, 4, 4, 3, 5, 4, 2, 5, 4, 4, 3, 5]
B = [3, 2, 4, 3, 3, 2, 1, 3, 4, 2]
C = [4, 4, 5, 3, 4, 5, 5, 4, 3, 4, 5, 4, 5, 2, 4]


# -- p-value corrections --------------------------------------------------------------


# Holm, Bonferroni and BH are checked against R's p.adjust in test_surveys_golden.py
# (statsmodels' Holm takes a quarter of a second a call)
@pytest.mark.parametrize("method", ["sidak", "hommel", "fdr_by"])
def test_corrections_match_statsmodels(method):
    rng = np.random.default_rng(7)
    for m in (1, 2, 3, 6, 40):
        for _ in range(10):
            p = rng.uniform(0, 1, m) ** rng.uniform(1, 6)
            if m > 3:
                p[:2] = p[2]  # ties
            ref = multipletests(p, method=method)[1]
            np.testing.assert_allclose(adjust_pvalues(p, method), ref, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("method", ["hommel", "fdr_by"])
def test_corrections_match_r_p_adjust(method):
    # stats::p.adjust(p, "hommel" | "BY"), NA left out and kept in place
    t = pd.read_csv(GOLDEN / "p_adjust_more.csv")
    out = adjust_pvalues(t["p"].to_numpy(), method)
    np.testing.assert_allclose(out, t[method].to_numpy(), rtol=1e-12, equal_nan=True)


def test_sidak_by_hand():
    # 1 - (1 - 0.01)^3 = 0.029701; 1 - 0.96^3 = 0.115264
    np.testing.assert_allclose(adjust_pvalues([0.01, 0.04, np.nan, 0.5], "sidak"),
                               [0.029701, 0.115264, np.nan, 0.875])  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    p=st.lists(st.floats(0, 1), min_size=1, max_size=30),
    method=st.sampled_from(["holm", "bonferroni", "sidak", "hommel", "fdr_bh", "fdr_by"]),
)
def test_corrections_keep_the_order_and_never_lower_a_p_value(p, method):
    raw = np.asarray(p)
    adj = adjust_pvalues(raw, method)
    assert np.all(adj >= raw - 1e-15)
    assert np.all(adj <= 1.0)
    order = np.argsort(raw, kind="stable")
    assert np.all(np.diff(adj[order]) >= -1e-15)


# -- intervals of a proportion -----------------------------------------------------------


def test_exact_and_jeffreys_intervals_match_r():
    t = pd.read_csv(GOLDEN / "proportion_intervals.csv")
    for method, cols in (("clopper_pearson", "cp"), ("jeffreys", "jeffreys")):
        for confidence, part in t.groupby("confidence"):
            low, high = proportion_interval(
                part["x"], part["n"], method=method, confidence=confidence
            )
            np.testing.assert_allclose(low, part[f"{cols}_low"], rtol=1e-10, atol=1e-14)
            np.testing.assert_allclose(high, part[f"{cols}_high"], rtol=1e-10, atol=1e-14)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 500), frac=st.floats(0, 1), conf=st.sampled_from([0.8, 0.9, 0.95]))
def test_intervals_match_statsmodels_and_hold_the_share(n, frac, conf):
    x = round(frac * n)
    for ours, theirs in (("clopper_pearson", "beta"), ("jeffreys", "jeffreys"),
                         ("wilson", "wilson")):  # fmt: skip
        low, high = proportion_interval(x, n, method=ours, confidence=conf)
        ref = proportion_confint(x, n, alpha=1 - conf, method=theirs)
        assert low <= x / n <= high
        if ours == "jeffreys" and x in (0, n):
            # Brown, Cai & DasGupta (2001): the end at the data is 0 (1); statsmodels keeps
            # the Beta quantile there
            assert (low == 0.0) if x == 0 else (high == 1.0)
            continue
        np.testing.assert_allclose([low, high], ref, rtol=1e-9, atol=1e-12)


def test_intervals_refuse_an_unknown_method_and_keep_empty_groups_missing():
    with pytest.raises(OptionError, match="method must be 'wilson', 'clopper_pearson' or"):
        proportion_interval(3, 10, method="wald")  # type: ignore[arg-type]
    low, high = proportion_interval([0, 3], [0, 10], method="clopper_pearson")
    assert np.isnan(low[0])
    assert np.isnan(high[0])


# -- effect sizes ------------------------------------------------------------------------


def test_cohens_d_and_hedges_g_match_r_effectsize():
    # effectsize vignette "standardized differences": cohens_d(mpg ~ am, data = mtcars)
    # -1.48 [-2.27, -0.67]; hedges_g(mpg ~ am, data = mtcars) -1.44 [-2.21, -0.65]
    d, g = cohens_d(AUTO, MANUAL), hedges_g(AUTO, MANUAL)
    assert [round(v, 2) for v in (d.value, d.ci_low, d.ci_high)] == [-1.48, -2.27, -0.67]
    assert [round(v, 2) for v in (g.value, g.ci_low, g.ci_high)] == [-1.44, -2.21, -0.65]


def test_cohens_d_interval_inverts_the_noncentral_t():
    # an independent inversion: brentq on scipy's noncentral t, one end at a time
    d = cohens_d(A, B, confidence=0.9)
    na, nb = len(A), len(B)
    scale = np.sqrt(na * nb / (na + nb))
    t, df = d.value * scale, na + nb - 2
    lo = optimize.brentq(lambda ncp: stats.nct.cdf(t, df, ncp) - 0.95, -20, 20, xtol=1e-14)
    hi = optimize.brentq(lambda ncp: stats.nct.cdf(t, df, ncp) - 0.05, -20, 20, xtol=1e-14)
    assert d.ci_low == pytest.approx(lo / scale, rel=1e-9)
    assert d.ci_high == pytest.approx(hi / scale, rel=1e-9)


def test_effect_sizes_match_pingouin():
    # pg.compute_effsize(A, B, eftype="cohen") = 1.3665296611918551
    assert cohens_d(A, B).value == pytest.approx(1.3665296611918551, rel=1e-12)
    # pg.compute_effsize(A, B, eftype="hedges") = 1.3146361297541898: pingouin's Hedges
    # factor is the approximation 1 - 3 / (4 (n_a + n_b) - 9); ours is the exact J(df)
    approx = 1 - 3 / (4 * (len(A) + len(B)) - 9)
    exact = hedges_correction(len(A) + len(B) - 2)
    assert hedges_g(A, B).value == pytest.approx(1.3146361297541898 / approx * exact, rel=1e-12)
    # pg.anova(dv="y", between="g", effsize="np2"): np2 (one way: eta squared)
    assert eta_squared(A, B, C) == pytest.approx(0.3105049208386819, rel=1e-12)
    # pg.chi2_independence(x, z, correction=False), table [[10, 20], [30, 15]]: cramer
    assert cramers_v([[10, 20], [30, 15]]) == pytest.approx(0.32732683535398854, rel=1e-12)


def test_normal_interval_matches_pingouin_compute_esci():
    # d = pg.compute_effsize(A, B, eftype="cohen")
    # pg.compute_esci(d, nx=12, ny=10, eftype="cohen", decimals=12) = [0.37536921, 2.35769011]
    d = cohens_d(A, B, interval="normal")
    assert [d.ci_low, d.ci_high] == pytest.approx([0.37536921, 2.35769011], abs=1e-8)
    # the same formula around Hedges' g (pingouin's g uses the approximate J: 1e-4 apart)
    g = hedges_g(A, B, interval="normal")
    se = np.sqrt(1 / 12 + 1 / 10 + g.value**2 / 44)
    crit = stats.t.ppf(0.975, 20)
    assert [g.ci_low, g.ci_high] == pytest.approx([g.value - crit * se, g.value + crit * se])
    with pytest.raises(OptionError, match="interval must be"):
        cohens_d(A, B, interval="bootstrap")  # type: ignore[arg-type]


def test_hedges_correction_by_hand():
    # J(nu) = Gamma(nu/2) / (sqrt(nu/2) Gamma((nu-1)/2)); J(4) = Gamma(2)/(sqrt(2) Gamma(1.5))
    # = 1 / (sqrt(2) * sqrt(pi)/2) = 0.797885; Hedges' approximation 1 - 3/(4 nu - 1) = 0.8
    assert float(hedges_correction(4)) == pytest.approx(2 / np.sqrt(2 * np.pi), rel=1e-12)


def test_cramers_v_matches_scipy_and_bergsma_by_hand():
    table = np.array([[12, 5, 9], [3, 14, 6], [7, 8, 20]])
    ref = stats.contingency.association(table, method="cramer", correction=False)
    assert cramers_v(table) == pytest.approx(ref, rel=1e-12)
    # Bergsma (2013) on [[10, 20], [30, 15]]: X^2 = 8.0357143, n = 75,
    # phi2 = 0.1071429 - 1/74 = 0.0936293; r~ = c~ = 2 - 1/74; V = sqrt(phi2 / (1 - 1/74))
    phi2 = 8.035714285714285 / 75 - 1 / 74
    expected = np.sqrt(phi2 / (1 - 1 / 74))
    assert cramers_v([[10, 20], [30, 15]], bias_correction=True) == pytest.approx(expected)
    with pytest.raises(DataError, match="two or more rows and columns"):
        cramers_v([[3, 0], [0, 0]])


def test_eta_and_omega_squared_by_hand():
    # SS between = 3 * 1.5^2 * 2 = 13.5, SS within = 2 + 2 = 4, MS within = 4 / 4 = 1
    assert eta_squared([1, 2, 3], [4, 5, 6]) == pytest.approx(13.5 / 17.5)
    assert omega_squared([1, 2, 3], [4, 5, 6]) == pytest.approx(12.5 / 18.5)
    assert eta_squared([1, 2, np.nan, 3], [4, 5, 6], []) == pytest.approx(13.5 / 17.5)
    with pytest.raises(DataError, match="two or more groups"):
        eta_squared([1, 2, 3])
    with pytest.raises(DataError, match="group b has 1"):
        cohens_d([1, 2, 3], [4])


@settings(max_examples=20, deadline=None)
@given(
    a=st.lists(st.integers(1, 5), min_size=2, max_size=30),
    b=st.lists(st.integers(1, 5), min_size=2, max_size=30),
)
def test_swapping_groups_flips_d_and_its_interval(a, b):
    d, r = cohens_d(a, b), cohens_d(b, a)
    if np.isnan(d.value):  # no spread at all
        assert np.isnan(r.value)
        return
    assert r.value == pytest.approx(-d.value, abs=1e-12)
    if np.isfinite(d.ci_low):
        assert r.ci_low == pytest.approx(-d.ci_high, rel=1e-7, abs=1e-9)
        assert r.ci_high == pytest.approx(-d.ci_low, rel=1e-7, abs=1e-9)
        assert d.ci_low <= d.value <= d.ci_high
    g = hedges_g(a, b)
    assert abs(g.value) <= abs(d.value) + 1e-12  # J < 1 shrinks towards 0


# -- the studentized range -----------------------------------------------------------------


def test_studentized_range_matches_scipy():
    rng = np.random.default_rng(0)
    n = 40
    k = rng.choice([2, 3, 4, 5, 10, 30, 100], n).astype(float)
    df = np.exp(rng.uniform(np.log(2), np.log(10_000), n))
    q = rng.uniform(0, 9, n)
    ref = stats.studentized_range.sf(q, k, df)  # adaptive quadrature, one value at a time
    np.testing.assert_allclose(studentized_range_sf(q, k, df), ref, rtol=0, atol=1e-10)
    assert np.isnan(studentized_range_sf([1.0, 1.0, -1.0], [1, 3, 3], [10, 0, 10])).all()


# -- compare_groups: Welch's ANOVA, Games-Howell, effect sizes ---------------------------


@pytest.fixture
def one_item() -> Instrument:
    return Instrument("c", "C", questions=[Question("q", "likert", "Q", scale=Scale.likert(5))])


@pytest.fixture
def three() -> pd.DataFrame:
    return pd.DataFrame(
        {"organization": ["a"] * len(A) + ["b"] * len(B) + ["c"] * len(C), "q": A + B + C}
    )


def _games_howell(groups: list[list[int]]) -> list[float]:
    """Games & Howell (1976) as pingouin's pairwise_gameshowell documents it: Welch's t
    of each pair, Welch-Satterthwaite df, p = Q(sqrt(2) |t|, k, df) (studentized range)."""
    out = []
    for x, y in itertools.combinations(groups, 2):
        vx, vy = np.var(x, ddof=1) / len(x), np.var(y, ddof=1) / len(y)
        t = (np.mean(x) - np.mean(y)) / np.sqrt(vx + vy)
        df = (vx + vy) ** 2 / (vx**2 / (len(x) - 1) + vy**2 / (len(y) - 1))
        out.append(float(stats.studentized_range.sf(np.sqrt(2) * abs(t), len(groups), df)))
    return out


def test_welch_anova_and_games_howell(one_item, three):
    r = compare_groups(one_item, three, test="welch", pairwise=True, correction=None)
    omnibus, pairs = r.iloc[0], r.iloc[1:]
    assert omnibus["test"] == "welch_anova"
    assert set(pairs["test"]) == {"games_howell"}
    ref = anova_oneway([A, B, C], use_var="unequal")
    assert omnibus["statistic"] == pytest.approx(ref.statistic, rel=1e-10)
    assert omnibus["p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
    # pg.welch_anova(data, dv="y", between="g"): F = 7.2098079174694325, p = 0.004174287907937447
    assert omnibus["statistic"] == pytest.approx(7.2098079174694325, rel=1e-10)
    assert omnibus["p_value"] == pytest.approx(0.004174287907937447, rel=1e-8)
    # pg.pairwise_gameshowell(data, dv="y", between="g"): T and pval of a-b, a-c, b-c
    np.testing.assert_allclose(
        pairs["statistic"], [3.1930569101480537, -0.18646937718962658, -3.625946225955308],
        rtol=1e-10,
    )  # fmt: skip
    np.testing.assert_allclose(
        pairs["p_value"], [0.012499787664781992, 0.9810296811987962, 0.005058723526138231],
        rtol=1e-6,
    )  # fmt: skip
    np.testing.assert_allclose(pairs["p_value"], _games_howell([A, B, C]), rtol=1e-10)
    # with a correction the Games-Howell p-values are adjusted once more, never lowered
    holm = compare_groups(one_item, three, test="welch", pairwise=True)
    assert (holm["p_adjusted"] >= holm["p_value"]).all()


def test_compare_groups_reports_effect_sizes(one_item, three):
    r = compare_groups(one_item, three, pairwise=True, correction=None)
    assert r["effect"].tolist() == ["eta_squared", "hedges_g", "hedges_g", "hedges_g"]
    assert r["effect_size"].iloc[0] == pytest.approx(eta_squared(A, B, C), rel=1e-12)
    pairs = itertools.combinations([A, B, C], 2)
    for row, (x, y) in zip(r.iloc[1:].itertuples(), pairs, strict=True):
        g = hedges_g(x, y, interval="normal")  # compare_groups' closed-form interval
        assert row.effect_size == pytest.approx(g.value, rel=1e-10)
        assert row.effect_low == pytest.approx(g.ci_low, rel=1e-8)
        assert row.effect_high == pytest.approx(g.ci_high, rel=1e-8)
    share = compare_groups(one_item, three, kind="share", pairwise=True, correction=None)
    top = three.assign(top=three["q"] >= 4)
    table = pd.crosstab(top["organization"], top["top"])
    assert share["effect"].iloc[0] == "cramers_v"
    assert share["effect_size"].iloc[0] == pytest.approx(cramers_v(table), rel=1e-12)
    pair = table.loc[["a", "c"]]
    assert share["effect_size"].iloc[2] == pytest.approx(cramers_v(pair), rel=1e-12)
    ranks = compare_groups(one_item, three[three["organization"] != "c"], test="nonparametric")
    u = stats.mannwhitneyu(A, B).statistic
    assert ranks["effect"].iloc[0] == "rank_biserial"
    assert ranks["effect_size"].iloc[0] == pytest.approx(2 * u / (len(A) * len(B)) - 1)


def test_welch_refuses_weights(one_item, three):
    with pytest.raises(DataError, match="test='welch'"):
        compare_groups(one_item, three.assign(w=1.0), test="welch", weights="w")
