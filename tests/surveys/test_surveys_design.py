"""SurveyDesign and the design-based estimators: hand values, properties, statsmodels, errors.

R's own values are in test_surveys_design_golden.py; here the formulas are checked
by hand on tiny samples, by metamorphic properties (hypothesis) and against an
independent implementation (statsmodels' cluster-robust sandwich).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from qualitapa.errors import DataError, OptionError, UnknownValueError
from qualitapa.surveys import (
    SurveyDesign,
    design_chisq,
    design_mean,
    design_proportion,
    design_ratio,
    design_total,
)

COLUMNS = ["estimate", "se", "ci_low", "ci_high", "df", "deff"]


# -- values computed by hand -------------------------------------------------------------


def test_stratified_clustered_mean_by_hand():
    # Two strata (cities) of two days each; weights w, answers q:
    #   A day 1: (w 2, q 4), (w 2, q 5); A day 2: (w 3, q 3)
    #   B day 1: (w 5, q 2); B day 2: (w 5, q 4), (w 4, q 5)
    # N = 21, sum w q = 8 + 10 + 9 + 10 + 20 + 20 = 77, mean = 77/21 = 3.666...
    # z = w (q - mean) / N; day totals of w (q - mean):
    #   A1: 2(0.3333) + 2(1.3333) = 3.3333, A2: 3(-0.6667) = -2
    #   B1: 5(-1.6667) = -8.3333, B2: 5(0.3333) + 4(1.3333) = 7
    # per stratum n_h/(n_h-1) sum (t - mean_t)^2 with n_h = 2: (t1 - t2)^2
    #   A: (5.3333)^2 = 28.4444, B: (15.3333)^2 = 235.1111; V = 263.5556 / 21^2
    df = pd.DataFrame(
        {
            "city": ["A", "A", "A", "B", "B", "B"],
            "day": [1, 1, 2, 1, 2, 2],
            "w": [2.0, 2, 3, 5, 5, 4],
            "q": [4, 5, 3, 2, 4, 5],
        }
    )
    d = SurveyDesign.from_frame(df, weights="w", strata="city", clusters="day", nest=True)
    r = design_mean(d, "q")
    assert r["estimate"][0] == pytest.approx(77 / 21, rel=1e-12)
    assert r["se"][0] == pytest.approx(np.sqrt((16 / 3) ** 2 + (46 / 3) ** 2) / 21, rel=1e-12)
    assert r["df"][0] == 2  # 4 days - 2 cities
    assert r["n"][0] == 6


def test_total_and_ratio_by_hand():
    # Every row its own PSU, one stratum, no fpc: V(total) = n/(n-1) sum (z - zbar)^2.
    # Total of y with w (10, 10, 20, 20), y (1, 0, 1, 1): z = 10, 0, 20, 20, mean 12.5,
    # squares 6.25 + 156.25 + 56.25 + 56.25 = 275, V = 4/3 * 275 = 366.667
    d = SurveyDesign.from_frame(
        pd.DataFrame({"y": [1.0, 0.0, 1.0, 1.0], "w": [10.0, 10.0, 20.0, 20.0]}), weights="w"
    )
    r = design_total(d, "y")
    assert r["estimate"][0] == 50.0
    assert r["se"][0] == pytest.approx(np.sqrt(4 / 3 * 275), rel=1e-12)
    # Ratio cost/visits = 60/5 = 12; z = (cost - 12 visits)/5 = (-2, 6, -4)/5, mean 0,
    # V = 3/2 * (4 + 36 + 16)/25 = 3.36
    d = SurveyDesign.from_frame(
        pd.DataFrame({"cost": [10.0, 30.0, 20.0], "visits": [1.0, 2.0, 2.0]})
    )
    r = design_ratio(d, "cost", "visits")
    assert r["estimate"][0] == 12.0
    assert r["se"][0] == pytest.approx(np.sqrt(3.36), rel=1e-12)
    assert r["variable"][0] == "cost/visits"


def test_weights_from_population_sizes_when_none_given():
    # R: without weights, fpc population sizes give weights N_h / n_h
    df = pd.DataFrame({"s": ["a", "a", "b", "b", "b"], "N": [10, 10, 30, 30, 30], "y": range(5)})
    d = SurveyDesign.from_frame(df, strata="s", fpc="N")
    assert d.weights.tolist() == [5.0, 5.0, 10.0, 10.0, 10.0]
    assert d.sampling_fraction.tolist() == [0.2, 0.1]
    same = SurveyDesign.from_frame(df.assign(N=[0.2, 0.2, 0.1, 0.1, 0.1]), strata="s", fpc="N")
    assert same.population.tolist() == pytest.approx([10.0, 30.0])


# -- properties (hypothesis) -------------------------------------------------------------

answers = st.lists(st.integers(1, 5), min_size=3, max_size=40)


@settings(max_examples=60, deadline=None)
@given(answers, st.integers(0, 200))
def test_srs_is_the_classic_formula(ys, extra):
    # Simple random sample without replacement of n from N: se = s / sqrt(n) * sqrt(1 - n/N)
    y = np.array(ys, dtype=float)
    n, big_n = len(y), len(y) + extra
    d = SurveyDesign.from_frame(pd.DataFrame({"y": y, "N": big_n}), fpc="N")
    r = design_mean(d, "y", interval="t")
    se = y.std(ddof=1) / np.sqrt(n) * np.sqrt(1 - n / big_n)
    assert r["estimate"][0] == pytest.approx(y.mean(), rel=1e-12)
    assert r["se"][0] == pytest.approx(se, rel=1e-9, abs=1e-12)
    assert r["df"][0] == n - 1
    half = stats.t.ppf(0.975, n - 1) * se
    assert r["ci_high"][0] - r["estimate"][0] == pytest.approx(half, rel=1e-9, abs=1e-12)
    if extra and y.std() > 0:  # weights N/n: the design is SRS, its design effect is 1
        assert r["deff"][0] == pytest.approx(1.0, rel=1e-9)


def _sample(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(6, 40))
    ints = st.lists(st.integers(0, 2), min_size=n, max_size=n)
    return pd.DataFrame(
        {
            "s": draw(ints),
            "c": draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)),
            "g": draw(ints),
            "w": draw(st.lists(st.floats(0.5, 5), min_size=n, max_size=n)),
            "y": draw(st.lists(st.integers(1, 5), min_size=n, max_size=n)),
            "x": draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)),
        }
    )


samples = st.composite(_sample)()
OPTIONS = {"weights": "w", "strata": "s", "clusters": "c", "nest": True, "lonely_psu": "adjust"}


@settings(max_examples=25, deadline=None)
@given(samples, st.randoms())
def test_permuting_rows_changes_nothing(df, rnd):
    order = list(range(len(df)))
    rnd.shuffle(order)
    d = SurveyDesign.from_frame(df, **OPTIONS)
    p = SurveyDesign.from_frame(df.iloc[order], **OPTIONS)
    for f, args in ((design_mean, ("y",)), (design_ratio, ("y", "x")), (design_total, ("y",))):
        a, b = f(d, *args, by="g"), f(p, *args, by="g")
        pd.testing.assert_frame_equal(a[COLUMNS], b[COLUMNS], rtol=1e-10)


def test_a_variable_constant_in_its_domain_has_no_design_effect_in_any_row_order():
    # the example Hypothesis found: in domain g = 1 every y is 3, both variances are
    # rounding noise and their ratio was inf in one row order, nan in another
    df = pd.DataFrame(
        {"s": 0, "c": 0, "g": [0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1],
         "w": [1, 2.051081, 1, 1, 1, 1, 2.0, 1, 1, 1, 0.971127],
         "y": [1, 3, 1, 1, 1, 1, 3, 1, 1, 1, 3], "x": 1}
    )  # fmt: skip
    for order in (range(len(df)), [10, 6, 1, 0, 2, 3, 4, 5, 7, 8, 9], range(len(df))[::-1]):
        d = SurveyDesign.from_frame(df.iloc[list(order)], **OPTIONS)
        for f in (design_mean, design_total):
            assert np.isnan(f(d, "y", by="g")["deff"]).all()


@settings(max_examples=20, deadline=None)
@given(samples)
def test_domain_equals_zero_weights_outside_it(df):
    # R's own trick (Lumley 2010, sec. 2.3.1): a domain estimate is the estimate on the
    # full design with the weights outside the domain set to zero
    d = SurveyDesign.from_frame(df, **OPTIONS)
    for f, args in ((design_mean, ("y",)), (design_ratio, ("y", "x")), (design_total, ("y",))):
        by = f(d, *args, by="g")
        for _, row in by.iterrows():
            zeroed = df.assign(w=df["w"].where(df["g"] == row["g"], 0.0))
            z = f(SurveyDesign.from_frame(zeroed, **OPTIONS), *args)
            for col in COLUMNS:
                assert z[col][0] == pytest.approx(row[col], rel=1e-9, abs=1e-12, nan_ok=True)


@settings(max_examples=25, deadline=None)
@given(samples)
def test_domains_of_two_columns_are_those_of_their_pairs(df):
    # by=["g", "x"] is the domain of each (g, x) pair: the same as one column naming the pair
    d = SurveyDesign.from_frame(df.assign(pair=df["g"] * 10 + df["x"]), **OPTIONS)
    two = design_mean(d, "y", by=["g", "x"])
    one = design_mean(d, "y", by="pair")
    assert (two["g"] * 10 + two["x"]).tolist() == one["pair"].tolist()
    pd.testing.assert_frame_equal(two[COLUMNS], one[COLUMNS])


@settings(max_examples=30, deadline=None)
@given(samples)
def test_one_stratum_is_no_strata(df):
    assume(df["c"].nunique() > 1)  # else R refuses the design without strata
    one = SurveyDesign.from_frame(df.assign(s="only"), **OPTIONS)
    none = SurveyDesign.from_frame(df, weights="w", clusters="c")
    pd.testing.assert_frame_equal(
        design_mean(one, "y", by="g")[COLUMNS], design_mean(none, "y", by="g")[COLUMNS]
    )


@settings(max_examples=40, deadline=None)
@given(samples)
def test_clustered_mean_matches_statsmodels_cluster_sandwich(df):
    # Independent implementation: WLS of y on 1 with a cluster-robust covariance
    # (no small-sample correction) is sum_g z_g^2; the design adds G/(G-1).
    g = df["c"].to_numpy()
    groups = len(np.unique(g))
    assume(groups > 1)
    d = SurveyDesign.from_frame(df, weights="w", clusters="c")
    fit = sm.WLS(df["y"].astype(float), np.ones(len(df)), weights=df["w"]).fit(
        cov_type="cluster", cov_kwds={"groups": g, "use_correction": False}
    )
    r = design_mean(d, "y")
    assert r["estimate"][0] == pytest.approx(fit.params.iloc[0], rel=1e-12)
    assert r["se"][0] ** 2 == pytest.approx(
        fit.bse.iloc[0] ** 2 * groups / (groups - 1), rel=1e-9, abs=1e-15
    )


def test_proportion_is_the_mean_of_the_answer():
    df = pd.DataFrame({"a": ["si", "no", "si", None, "no", "si"], "w": [1.0, 2, 1, 3, 1, 1]})
    d = SurveyDesign.from_frame(df, weights="w")
    p = design_proportion(d, "a", method="mean")
    assert p["category"].tolist() == ["no", "si"]
    assert p["estimate"].sum() == pytest.approx(1.0)
    y = (df["a"] == "si").astype(float).where(df["a"].notna())
    m = design_mean(SurveyDesign.from_frame(df.assign(y=y), weights="w"), "y", interval="t")
    got = p.query("category == 'si'")
    assert got["estimate"].iloc[0] == pytest.approx(m["estimate"][0])
    assert got["ci_low"].iloc[0] == pytest.approx(m["ci_low"][0])
    logit = design_proportion(d, "a", categories=["si"])
    assert 0 < logit["ci_low"][0] < logit["estimate"][0] < logit["ci_high"][0] < 1


# -- errors ------------------------------------------------------------------------------


def test_lonely_psu_fails_by_default_and_names_the_stratum():
    df = pd.DataFrame({"s": ["a", "a", "b"], "c": [1, 2, 3], "y": [1.0, 2.0, 3.0]})
    with pytest.raises(DataError, match="stratum 'b' has a single cluster") as err:
        SurveyDesign.from_frame(df, strata="s", clusters="c")
    assert err.value.row == 3
    assert err.value.column == "s"
    # a stratum that is its whole population (N_h = 1) is no lonely PSU (R: f = 0)
    SurveyDesign.from_frame(df.assign(N=[5, 5, 1]), strata="s", clusters="c", fpc="N")
    with pytest.raises(OptionError):
        SurveyDesign.from_frame(df, strata="s", lonely_psu="drop")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "options", "message"),
    [
        ({"c": [1, 1, 1, 2]}, {"strata": "s", "clusters": "c"}, "in more than one stratum"),
        ({"N": [9, 8, 9, 9]}, {"strata": "s", "fpc": "N"}, "one value per stratum"),
        ({"N": [1, 1, 9, 9]}, {"strata": "s", "fpc": "N"}, "stratum 'a' has fewer units"),
        ({"w": [1, -1, 1, 1]}, {"weights": "w"}, "zero or more"),
        ({"s": ["a", None, "b", "b"]}, {"strata": "s"}, r"a value in every row \(strata\)"),
        ({"c": [1, 1, 1, 1]}, {"clusters": "c"}, "single cluster"),
        ({"w": ["1", "x", "1", "1"]}, {"weights": "w"}, "'x' is not a number"),
    ],
)
def test_bad_designs_raise_data_errors(change, options, message):
    df = pd.DataFrame({"s": ["a", "a", "b", "b"], "c": [1, 2, 3, 4], "w": 1.0, "N": 9})
    with pytest.raises(DataError, match=message):
        SurveyDesign.from_frame(df.assign(**change), **options)


def test_unknown_column_suggests_the_close_name():
    df = pd.DataFrame({"weight": [1.0, 2.0], "y": [1.0, 2.0]})
    with pytest.raises(UnknownValueError, match="did you mean 'weight'"):
        SurveyDesign.from_frame(df, weights="weigth")
    d = SurveyDesign.from_frame(df)
    with pytest.raises(UnknownValueError):
        design_mean(d, "q1")
    with pytest.raises(UnknownValueError):
        design_mean(d, "y", by="citta")


def test_the_callers_frame_is_not_changed():
    df = pd.DataFrame({"s": ["b", "a", "a", "b"], "y": [1.0, 2.0, np.nan, 4.0]}, index=[7, 5, 3, 1])
    before = df.copy()
    design_mean(SurveyDesign.from_frame(df, strata="s"), "y", by="s")
    pd.testing.assert_frame_equal(df, before)


# -- Rao-Scott ---------------------------------------------------------------------------

tables = st.integers(10, 60).flatmap(
    lambda n: st.tuples(
        st.lists(st.sampled_from("abc"), min_size=n, max_size=n),
        st.lists(st.sampled_from("xy"), min_size=n, max_size=n),
    )
)


@settings(max_examples=30, deadline=None)
@given(tables)
def test_rao_scott_on_a_simple_random_sample_is_pearson_times_n_minus_1_over_n(pair):
    # Equal weights, every row a PSU, no fpc: V = (D - pp')/(n - 1), so Delta = n/(n-1) I
    # (C is orthogonal to 1) and the first-order test is scipy's Pearson X^2 (n-1)/n.
    rows, cols = pair
    df = pd.DataFrame({"r": rows, "c": cols})
    assume(df["r"].nunique() > 1 and df["c"].nunique() > 1)
    table = pd.crosstab(df["r"], df["c"]).to_numpy()
    assume((table > 0).all())  # an empty cell has 1/p set to 0 (as R): D^-1 D is not I
    x2, _, dof, _ = stats.chi2_contingency(table, correction=False)
    n = len(df)
    d = SurveyDesign.from_frame(df)
    first = design_chisq(d, "r", "c", statistic="chisq")
    assert first.pearson == pytest.approx(x2, rel=1e-9)
    assert first.mean_deff == pytest.approx(n / (n - 1), rel=1e-9)
    assert first.p_value == pytest.approx(stats.chi2.sf(x2 * (n - 1) / n, dof), rel=1e-9)
    second = design_chisq(d, "r", "c")
    assert second.df_num == pytest.approx(dof, rel=1e-9)
    assert second.df_den == pytest.approx(dof * (n - 1), rel=1e-9)
    assert second.value == pytest.approx(x2 / dof * (n - 1) / n, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(samples, st.randoms())
def test_rao_scott_ignores_row_order_and_weight_scale(df, rnd):
    assume(df["g"].nunique() > 1 and df["x"].nunique() > 1)
    assume((pd.crosstab(df["g"], df["x"]).to_numpy() > 0).all())  # else Delta may be singular
    order = list(range(len(df)))
    rnd.shuffle(order)
    try:
        base = design_chisq(SurveyDesign.from_frame(df, **OPTIONS), "g", "x")
    except DataError:  # no variance left between the PSUs: the test is undefined
        assume(False)
        raise
    assume(base.mean_deff > 1e-6)  # Delta near 0: X^2/tr is rounding
    moved = design_chisq(SurveyDesign.from_frame(df.iloc[order], **OPTIONS), "g", "x")
    scaled = design_chisq(SurveyDesign.from_frame(df.assign(w=df["w"] * 7), **OPTIONS), "g", "x")
    for other in (moved, scaled):
        assert other.value == pytest.approx(base.value, rel=1e-9, nan_ok=True)
        assert other.df_num == pytest.approx(base.df_num, rel=1e-9, nan_ok=True)


def test_rao_scott_needs_two_answers():
    df = pd.DataFrame({"r": ["a", "a", "a"], "c": ["x", "y", "x"]})
    with pytest.raises(DataError, match="at least two different answers") as err:
        design_chisq(SurveyDesign.from_frame(df), "r", "c")
    assert err.value.column == "r"
    with pytest.raises(OptionError):
        design_chisq(SurveyDesign.from_frame(df), "c", "r", statistic="wald")  # type: ignore[arg-type]
    # every answer of one matches one answer of the other, cells empty: R's solve() fails
    # ("system is exactly singular"); qualitapa says why
    same = pd.DataFrame({"r": list("aabbcc"), "c": list("xxyyzz"), "d": [1, 2, 1, 2, 1, 2]})
    with pytest.raises(DataError, match="empty cells") as err:
        design_chisq(SurveyDesign.from_frame(same, clusters="d"), "r", "c")
    assert err.value.column == "r"
