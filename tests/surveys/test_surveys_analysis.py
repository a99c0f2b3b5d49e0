"""IPA, SERVQUAL gaps, comparisons, benchmark table and sample-size planning."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from qualitapa import DataError
from qualitapa.errors import OptionError
from qualitapa.surveys import (
    Instrument,
    Question,
    Scale,
    SurveyDimension,
    adjust_pvalues,
    benchmark_table,
    compare_groups,
    ipa,
    margin_of_error,
    sample_size,
    score_dimensions,
    servqual_gap,
)


def test_ipa_stated_importance_by_hand(counter):
    df = pd.DataFrame(
        {
            "wait": [2, 2],
            "speed": [4, 4],
            "courtesy": [5, 4],
            "rude": [1, 2],
            "imp_wait": [5, 5],
            "imp_courtesy": [2, 3],
        }
    )
    # only wait and courtesy have importance items -> stated importance is impossible
    with pytest.raises(DataError, match="importance"):
        ipa(counter, df, importance="stated")
    # derived: correlation with the overall score; every item varies except wait and speed
    r = ipa(counter, df, importance="derived")
    assert r["importance_method"].unique().tolist() == ["derived_correlation"]
    assert r.set_index("question").loc["wait", "performance"] == 25.0


def test_ipa_quadrants_and_axes():
    qs = [Question(q, "likert", q, dimension="d", scale=Scale.likert(5)) for q in "abcd"]
    qs += [
        Question("i" + q, "likert", "i" + q, scale=Scale.likert(5), importance_of=q) for q in "abcd"
    ]
    inst = Instrument("x", "X", dimensions=[SurveyDimension("d", "D")], questions=qs)
    # performance (0-100): a 25, b 75, c 25, d 75; importance: a 100, b 100, c 0, d 0
    df = pd.DataFrame(
        {"a": [2], "b": [4], "c": [2], "d": [4], "ia": [5], "ib": [5], "ic": [1], "id": [1]}
    )
    r = ipa(inst, df).set_index("question")
    assert r["quadrant"].to_dict() == {
        "a": "concentrate_here",
        "b": "keep_up_the_good_work",
        "c": "low_priority",
        "d": "possible_overkill",
    }
    assert r["performance_axis"].iloc[0] == 50.0
    assert r["importance_axis"].iloc[0] == 50.0
    fixed = ipa(inst, df, axes=(80.0, 50.0)).set_index("question")
    assert fixed.loc["b", "quadrant"] == "concentrate_here"


def test_ipa_bootstrap_membership(counter, synthetic):
    r = ipa(counter, synthetic, by="organization", importance="derived", n_boot=50, seed=1)
    assert r["membership"].between(0, 1).all()
    again = ipa(counter, synthetic, by="organization", importance="derived", n_boot=50, seed=1)
    pd.testing.assert_frame_equal(r, again)
    assert set(r["organization"]) == {"modena", "reggio"}


def test_ipa_derived_regression_matches_least_squares():
    rng = np.random.default_rng(0)
    n = 300
    a = rng.integers(1, 6, n)
    b = rng.integers(1, 6, n)
    overall = np.clip(np.round(0.7 * a + 0.2 * b + rng.normal(0, 0.5, n)), 1, 5)
    qs = [Question(q, "likert", q, dimension="d", scale=Scale.likert(5)) for q in ("a", "b")]
    qs.append(Question("overall", "likert", "O", scale=Scale.likert(5)))
    inst = Instrument("x", "X", dimensions=[SurveyDimension("d", "D")], questions=qs)
    df = pd.DataFrame({"a": a, "b": b, "overall": overall})
    r = ipa(inst, df, importance="derived", derived="regression", overall="overall")
    z = (df - df.mean()) / df.std(ddof=0)
    beta, *_ = np.linalg.lstsq(z[["a", "b"]].to_numpy(), z["overall"].to_numpy(), rcond=None)
    np.testing.assert_allclose(r["importance"].to_numpy(), beta, rtol=1e-8)
    corr = ipa(inst, df, importance="derived", overall="overall")["importance"].to_numpy()
    np.testing.assert_allclose(corr, [np.corrcoef(a, overall)[0, 1], np.corrcoef(b, overall)[0, 1]])


def test_servqual_gap_by_hand():
    inst = Instrument(
        "x",
        "X",
        dimensions=[SurveyDimension("rel", "Affidabilità")],
        questions=[
            Question("p1", "likert", "P1", dimension="rel", scale=Scale.likert(7)),
            Question("p2", "likert", "P2", dimension="rel", scale=Scale.likert(7)),
            Question("e1", "likert", "E1", scale=Scale.likert(7), expectation_of="p1"),
            Question("e2", "likert", "E2", scale=Scale.likert(7), expectation_of="p2"),
        ],
    )
    df = pd.DataFrame({"p1": [5, 6, 4], "e1": [7, 6, 7], "p2": [3, None, 5], "e2": [4, 5, 5]})
    r = servqual_gap(inst, df).set_index(["level", "question"])
    # item gaps: p1 - e1 = -2, 0, -3 (mean -5/3); p2 - e2 = -1, (no pair), 0 (mean -0.5)
    assert r.loc[("item", "p1"), "gap"] == pytest.approx(-5 / 3)
    assert r.loc[("item", "p2"), "gap"] == pytest.approx(-0.5)
    assert r.loc[("item", "p2"), "n"] == 2
    # dimension gap per respondent: mean(-2, -1) = -1.5, 0, mean(-3, 0) = -1.5 -> -1
    assert r.loc[("dimension", ""), "gap"] == pytest.approx(-1.0)
    se = np.std([-1.5, 0, -1.5], ddof=1) / np.sqrt(3)
    assert r.loc[("dimension", ""), "se"] == pytest.approx(se)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"kind": "median"}, "kind must be 'mean' or 'share', not 'median'"),
        ({"test": "exact"}, "test must be 'parametric', 'welch' or 'nonparametric', not 'exact'"),
    ],
)
def test_compare_groups_refuses_an_unknown_option(counter, synthetic, option, message):
    with pytest.raises(OptionError, match=message):
        compare_groups(counter, synthetic, on="items", variables=["speed"], **option)


def test_compare_groups_refuses_an_unknown_comparison_target(counter, synthetic):
    with pytest.raises(OptionError, match="on must be 'items' or 'dimensions', not 'questions'"):
        compare_groups(counter, synthetic, on="questions")


def test_adjust_pvalues_refuses_an_unknown_method():
    message = (
        "method must be 'holm', 'bonferroni', 'sidak', 'hommel', 'fdr_bh', 'fdr_by', 'bh' or"
        " None, not 'hochberg'"
    )
    with pytest.raises(OptionError, match=message) as err:
        adjust_pvalues([0.01, 0.04], "hochberg")
    assert err.value.option == "method"
    with pytest.raises(OptionError, match="not 'hochberg'"):  # also with nothing to adjust
        adjust_pvalues([np.nan], "hochberg")


def test_sample_size_refuses_an_unknown_rounding():
    with pytest.raises(OptionError, match="rounding must be 'up' or 'nearest', not 'down'"):
        sample_size(rounding="down")


def test_compare_two_groups_uses_welch_and_mann_whitney(counter, synthetic):
    r = compare_groups(counter, synthetic, on="items", variables=["speed"])
    a = synthetic.loc[synthetic.organization == "modena", "speed"]
    b = synthetic.loc[synthetic.organization == "reggio", "speed"]
    ref = stats.ttest_ind(a, b, equal_var=False)
    assert r.loc[0, "test"] == "welch_t"
    assert r.loc[0, "statistic"] == pytest.approx(ref.statistic)
    assert r.loc[0, "p_value"] == pytest.approx(ref.pvalue)
    assert r.loc[0, "difference"] == pytest.approx(a.mean() - b.mean())
    nonpar = compare_groups(
        counter, synthetic, on="items", variables=["speed"], test="nonparametric"
    )
    assert nonpar.loc[0, "p_value"] == pytest.approx(
        stats.mannwhitneyu(a, b, alternative="two-sided").pvalue
    )
    share = compare_groups(counter, synthetic, on="items", variables=["speed"], kind="share")
    table = pd.crosstab(synthetic.organization, synthetic.speed >= 4)
    assert share.loc[0, "p_value"] == pytest.approx(
        stats.chi2_contingency(table.to_numpy(), correction=False).pvalue
    )


def test_compare_many_groups_with_correction(counter, synthetic):
    df = synthetic.assign(organization=np.tile(["a", "b", "c", "d"], len(synthetic) // 4))
    r = compare_groups(counter, df, on="dimensions", pairwise=True, correction="holm")
    omnibus = r[r["group_a"] == ""]
    assert omnibus["test"].unique().tolist() == ["anova"]
    assert set(omnibus["variable"]) == {"time", "staff", "overall"}
    assert len(r) == 3 * (1 + 6)
    np.testing.assert_allclose(r["p_adjusted"], adjust_pvalues(r["p_value"], "holm"))
    kw = compare_groups(counter, df, on="dimensions", test="nonparametric")
    assert kw["test"].unique().tolist() == ["kruskal_wallis"]


def test_adjust_pvalues_reference_values():
    p = [0.01, 0.02, 0.03, 0.04, 0.05]
    # Holm: sorted p times (m, m-1, ...), made monotone: 0.05, 0.08, 0.09, 0.09, 0.09
    np.testing.assert_allclose(adjust_pvalues(p, "holm"), [0.05, 0.08, 0.09, 0.09, 0.09])
    # Benjamini-Hochberg: p * m / rank, made monotone from the top: all 0.05
    np.testing.assert_allclose(adjust_pvalues(p, "fdr_bh"), [0.05] * 5)
    np.testing.assert_allclose(adjust_pvalues(p, "bonferroni"), [0.05, 0.1, 0.15, 0.2, 0.25])
    out = adjust_pvalues([0.01, np.nan, 0.04], "holm")
    assert np.isnan(out[1])
    assert out[0] == pytest.approx(0.02)


def test_benchmark_table_marks_the_best(counter, synthetic):
    scores = score_dimensions(counter, synthetic, by="organization", lang="it")
    t = benchmark_table(scores)
    best = t[t["best"]].set_index("dimension")["organization"].to_dict()
    assert best == {"time": "modena", "staff": "modena", "overall": "modena"}
    assert t[t["best"]]["clearly_best"].all()  # Modena's base is 0.6 points higher
    wide = benchmark_table(scores, wide=True)
    assert wide.loc[wide["dimension"] == "time", "modena"].iloc[0].endswith(" *")


@pytest.mark.parametrize(
    ("population", "expected"),
    # Krejcie R.V. & Morgan D.W. (1970) Determining sample size for research activities.
    # Educational and Psychological Measurement 30:607-610, Table 1 (p = 0.5, d = 0.05,
    # chi-square 3.841).
    [(10, 10), (100, 80), (1000, 278), (5000, 357), (10_000, 370), (1_000_000, 384)],
)
def test_sample_size_krejcie_morgan(population, expected):
    assert sample_size(population=population)["n"].iloc[0] == expected


@pytest.mark.parametrize(("population", "expected"), [(50, 44), (500, 217), (100, 80)])
def test_sample_size_krejcie_morgan_rounded_to_nearest(population, expected):
    # the printed table rounds to the nearest integer (50 -> 44.3 -> 44); by default we
    # round up (45) so the margin is never worse than asked
    assert sample_size(population=population, rounding="nearest")["n"].iloc[0] == expected
    assert sample_size(population=population)["n"].iloc[0] >= expected


def test_sample_size_options_and_inverse():
    r = sample_size(margin=0.03, response_rate=0.4, design_effect=1.5).iloc[0]
    n0 = 1.959963984540054**2 * 0.25 / 0.03**2 * 1.5
    assert r["n0"] == pytest.approx(n0)
    assert r["n"] == int(np.ceil(n0))
    assert r["contacts"] == int(np.ceil(np.ceil(n0) / 0.4))
    mean = sample_size(margin=0.1, sd=0.9).iloc[0]
    assert mean["n"] == int(np.ceil(1.959963984540054**2 * 0.81 / 0.01))
    back = margin_of_error(278, population=1000).iloc[0]
    assert back["margin"] == pytest.approx(0.05, abs=2e-4)
    with pytest.raises(ValueError, match="margin"):
        sample_size(margin=0)
    with pytest.raises(ValueError, match="exceed"):
        margin_of_error(2000, population=1000)


def _derived_instrument() -> Instrument:
    qs = [Question(q, "likert", q, dimension="d", scale=Scale.likert(5)) for q in ("a", "b")]
    qs.append(Question("overall", "likert", "O", scale=Scale.likert(5)))
    return Instrument("x", "X", dimensions=[SurveyDimension("d", "D")], questions=qs)


def test_ipa_derived_correlation_is_pairwise_complete():
    # Issue 12, defect 6. Item a is answered by rows 0-4 only, where it equals the
    # overall rating exactly: on the rows both answered the correlation is 1 (pandas
    # DataFrame.corr() and R cor(use = "pairwise") agree). Rows 5-7 (a missing) have
    # overall = 3 = its mean, which shrinks overall's all-rows variance from 2 to 1.25
    # (population form): mixing the pairwise covariance 2 with the all-rows sd gave
    # 2 / sqrt(2 * 1.25) = 1.265, a "correlation" above 1.
    df = pd.DataFrame(
        {
            "a": [1, 2, 3, 4, 5, None, None, None],
            "b": [2, 1, 4, 3, 5, 1, 5, 3],
            "overall": [1, 2, 3, 4, 5, 3, 3, 3],
        }
    )
    r = ipa(_derived_instrument(), df, importance="derived", overall="overall")
    imp = r.set_index("question")["importance"]
    assert imp["a"] == pytest.approx(1.0)
    assert imp["b"] == pytest.approx(df["b"].corr(df["overall"]))
    # rescaling to 0-100 does not change correlations: pandas' pairwise-complete matrix
    np.testing.assert_allclose(imp.to_numpy(), df.corr().loc[["a", "b"], "overall"].to_numpy())
    assert (imp.abs() <= 1 + 1e-12).all()


def test_compare_constant_group_gives_no_warning_and_constant_pairs_no_test():
    # group b answers 3 every time: scipy warns of "precision loss" for it (an error
    # under filterwarnings = error) although its variance is exactly 0 and the test is
    # right; two constant groups have nothing to test (NaN, not t = 1e15)
    inst = Instrument("c", "C", questions=[Question("q", "likert", "Q", scale=Scale.likert(5))])
    df = pd.DataFrame({"organization": list("aaaabbbccc"), "q": [1, 5, 3, 3, 3, 3, 3, 4, 4, 4]})
    r = compare_groups(inst, df, pairwise=True, correction=None).set_index(["group_a", "group_b"])
    # a: mean 3, s^2 = 8/3; b: mean 3, s^2 = 0 -> t = 0 / sqrt(8/3/4) = 0, p = 1
    assert r.loc[("a", "b"), "statistic"] == pytest.approx(0.0)
    assert r.loc[("a", "b"), "p_value"] == pytest.approx(1.0)
    # a vs c (mean 4, s^2 = 0): t = -1 / sqrt(2/3) = -1.2247 on Welch df 3
    assert r.loc[("a", "c"), "statistic"] == pytest.approx(-1 / np.sqrt(2 / 3))
    assert np.isnan(r.loc[("b", "c"), "statistic"])


def test_ipa_items_on_the_axes_do_not_depend_on_row_order():
    # q1 and q2 are symmetric: performance 25/6 each (one 2 among six 1s) and derived
    # importance -0.25 each, so both sit exactly on both axes (the means) and are "high"
    # on both: keep up the good work. Rounding in the sums used to put one of them below
    # the importance axis, depending on the order of the rows.
    qs = [Question(q, "likert", q, dimension="d", scale=Scale.likert(5)) for q in ("q1", "q2")]
    qs.append(Question("q3", "likert", "Q3", scale=Scale.likert(5)))
    inst = Instrument("x", "X", dimensions=[SurveyDimension("d", "D")], questions=qs)
    df = pd.DataFrame(
        {"q1": [1, 2, 1, 1, 1, 1], "q2": [1, 1, 1, 1, 2, 1], "q3": [2, 1, 1, 1, 1, 1]}
    )
    for order in ([0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 5, 4], [0, 2, 4, 3, 1, 5]):
        r = ipa(inst, df.iloc[order], importance="derived", derived="regression", overall="q3")
        np.testing.assert_allclose(r["performance"], 25 / 6)
        np.testing.assert_allclose(r["importance"], -0.25)
        assert r["quadrant"].tolist() == ["keep_up_the_good_work"] * 2
