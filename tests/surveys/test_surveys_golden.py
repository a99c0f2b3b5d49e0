"""qualitapa.surveys against R: golden files written by ``golden/make_golden.R``.

The R script (R 4.2.2, survey 4.1.1, psych 2.2.9; regenerate with
``Rscript tests/surveys/golden/make_golden.R``) writes each input data set next
to R's results, so these tests run without R. Where qualitapa deliberately uses
another method than R (Kish effective-n standard errors instead of Taylor
linearisation; trimming that holds clipped units at their bound) the test says
so and compares only what must agree; the difference itself is pinned down
exactly, not hidden behind a tolerance.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qualitapa.surveys import (
    Instrument,
    Question,
    Scale,
    SurveyDimension,
    adjust_pvalues,
    cronbach_alpha,
    ipa,
    item_analysis,
    margins_from_frame,
    nps,
    poststratify,
    rake,
    reliability,
    score_items,
    trim_weights,
    wilson_interval,
)

GOLDEN = Path(__file__).parent / "golden"
RTOL = 1e-9  # same method: agreement to rounding


def read(name: str) -> pd.DataFrame:
    """A golden CSV; blank numbers are NaN, blank labels (group, item) are ""."""
    frame = pd.read_csv(GOLDEN / name, keep_default_na=False, na_values=[""])
    labels = [c for c in ("group", "item") if c in frame.columns]
    return frame.assign(**{c: frame[c].fillna("").astype(str) for c in labels})


# -- trimWeights -------------------------------------------------------------------------


def _trim_cases(expect: str) -> list[str]:
    t = read("trim_weights.csv")
    return sorted(t.loc[t["expect"] == expect, "case"].unique())


@pytest.mark.parametrize("case", _trim_cases("same"))
def test_trim_weights_matches_r_trimweights(case):
    # survey::trimWeights(strict = TRUE) with absolute bounds = our relative bounds x mean.
    # The cases: both bounds binding with one pass (issue 12), one bound only (clipped
    # units then stay on their bound in R too, however many passes: 9 and 14 here).
    t = read("trim_weights.csv").query("case == @case")
    lower, upper = t["lower"].iloc[0], t["upper"].iloc[0]
    got = trim_weights(
        t["w"].to_numpy(),
        lower=None if np.isnan(lower) else lower,
        upper=None if np.isnan(upper) else upper,
    )
    np.testing.assert_allclose(got, t["r_strict"].to_numpy(), rtol=RTOL, atol=1e-12)
    if (t["passes"] == 1).all():  # one pass: R's default strict = FALSE is the same
        np.testing.assert_allclose(got, t["r_once"].to_numpy(), rtol=RTOL)


def test_trim_weights_differs_from_r_only_where_r_reshares_clipped_units():
    # Documented difference (docs/surveys.md, "Trimming"). Weights 0.1, 0.9, 1, 1.2, 1.3,
    # 3.5 (mean 4/3), bounds 0.375 and 1.2 times the mean = 0.5 and 1.6.
    # Pass 1 (R and qualitapa): 0.1 -> 0.5 (-0.4), 3.5 -> 1.6 (+1.9), +1.5/4 = 0.375 to
    # the others: 0.5, 1.275, 1.375, 1.575, 1.675, 1.6 (R's strict = FALSE result).
    # Pass 2: 1.675 -> 1.6 (+0.075). qualitapa shares it among the 3 free units (+0.025):
    # 0.5, 1.3, 1.4, 1.6, 1.6, 1.6. R shares it among every unit not outside, including
    # the unit it raised to 0.5 in pass 1 (+0.01875 each), which leaves the lower bound.
    t = read("trim_weights.csv").query("case == 'both_passes'")
    w = t["w"].to_numpy()
    got = trim_weights(w, lower=0.375, upper=1.2)
    np.testing.assert_allclose(got, [0.5, 1.3, 1.4, 1.6, 1.6, 1.6], rtol=1e-12)
    np.testing.assert_allclose(t["r_once"], [0.5, 1.275, 1.375, 1.575, 1.675, 1.6], rtol=1e-12)
    r = t["r_strict"].to_numpy()
    np.testing.assert_allclose(r - got, [0.01875, -0.00625, -0.00625, -0.00625, 0, 0], atol=1e-12)
    assert r.sum() == pytest.approx(got.sum(), rel=1e-12)
    assert got[0] == 0.5 < r[0]


# -- weighted means: svymean / svyby -----------------------------------------------------


@pytest.fixture(scope="module")
def svy() -> pd.DataFrame:
    return read("svy_data.csv")


def _likert_instrument() -> Instrument:
    return Instrument(
        "g",
        "G",
        questions=[
            Question("y", "likert", "Y", scale=Scale.likert(5)),
            Question("rec", "recommend", "R"),
        ],
    )


def _svymean(weights: str) -> pd.DataFrame:
    r = read("svymean.csv")
    return r[r["weights"] == weights].set_index(["group", "variable"])


@pytest.mark.parametrize("weights", ["w", "one"])
def test_weighted_means_and_shares_match_svymean(svy, weights):
    # Point estimates are the same method (Hajek ratio means): agreement to rounding.
    inst = _likert_instrument()
    wcol = "w" if weights == "w" else None
    ref = _svymean(weights)
    items = score_items(inst, svy, questions=["y"], weights=wcol, min_n=1).iloc[0]
    assert items["mean"] == pytest.approx(ref.loc[("", "y"), "mean"], rel=RTOL)
    assert items["top_box"] == pytest.approx(ref.loc[("", "top"), "mean"], rel=RTOL)
    score = nps(inst, svy, weights=wcol, min_n=1).iloc[0]
    assert score["nps"] == pytest.approx(ref.loc[("", "nps_score"), "mean"], rel=RTOL)
    by = score_items(inst, svy, questions=["y"], by="g", weights=wcol, min_n=1).set_index("g")
    for g in ("a", "b", "c"):
        assert by.loc[g, "mean"] == pytest.approx(ref.loc[(g, "y"), "mean"], rel=RTOL)


def test_equal_weight_standard_errors_match_svymean(svy):
    # With equal weights Kish n_eff = n and se^2 = s^2 / n, which is svymean's
    # linearisation variance n/(n-1) sum (y - ybar)^2 / n^2: the same number.
    inst = _likert_instrument()
    ref = _svymean("one")
    n = len(svy)
    item = score_items(inst, svy, questions=["y"], min_n=1).iloc[0]
    assert item["se"] == pytest.approx(ref.loc[("", "y"), "se"], rel=RTOL)
    # NPS: qualitapa's se^2 = (P + D - (P - D)^2) / n is the population (1/n) variance
    # of the +100/0/-100 score over n; svymean divides it by n - 1 instead.
    score = nps(inst, svy, min_n=1).iloc[0]
    assert score["se"] ** 2 * n == pytest.approx(ref.loc[("", "nps_score"), "se"] ** 2 * (n - 1))
    # Groups (domains): svyby treats the group size as random and uses the whole sample's
    # n/(n-1); qualitapa analyses each group as its own sample, n_g/(n_g-1). Hence
    # se_R^2 (n-1)/n = sum_g (y - ybar_g)^2 / n_g^2 = se^2 (n_g-1)/n_g.
    by = score_items(inst, svy, questions=["y"], by="g", min_n=1).set_index("g")
    for g in ("a", "b", "c"):
        n_g = by.loc[g, "n"]
        assert by.loc[g, "se"] ** 2 * (n_g - 1) / n_g == pytest.approx(
            ref.loc[(g, "y"), "se"] ** 2 * (n - 1) / n, rel=RTOL
        )


def test_unequal_weight_standard_errors_are_kish_not_linearisation(svy):
    # Deliberate difference (docs/surveys.md, "Intervals under weights"; design-based
    # variances are issue 23). qualitapa: se^2 = sum w (y - ybar)^2 / sum w / (n_eff - 1);
    # svymean: n/(n-1) sum w^2 (y - ybar)^2 / (sum w)^2. Both are recomputed here from
    # the data to show each side computes its own formula exactly.
    inst = _likert_instrument()
    y, w = svy["y"].to_numpy(float), svy["w"].to_numpy(float)
    n = len(y)
    ybar = np.average(y, weights=w)
    n_eff = w.sum() ** 2 / (w**2).sum()
    kish = np.sum(w * (y - ybar) ** 2) / w.sum() / (n_eff - 1)
    lin = n / (n - 1) * np.sum(w**2 * (y - ybar) ** 2) / w.sum() ** 2
    item = score_items(inst, svy, questions=["y"], weights="w", min_n=1).iloc[0]
    assert item["se"] ** 2 == pytest.approx(kish, rel=RTOL)
    assert _svymean("w").loc[("", "y"), "se"] ** 2 == pytest.approx(lin, rel=RTOL)
    # on this sample (lognormal weights, sd 0.6 on the log scale, n_eff 59.9 of 80):
    # Kish 0.1728, linearisation 0.1804
    assert item["se"] == pytest.approx(0.17279, abs=5e-6)
    assert _svymean("w").loc[("", "y"), "se"] == pytest.approx(0.18042, abs=5e-6)


# -- rake / postStratify -----------------------------------------------------------------


def test_rake_matches_r_rake():
    # IPF with base weights d to three population margins (survey::rake, run to
    # epsilon 1e-9 in up to 1000 cycles): both converge to the same fixed point.
    data = read("rake_data.csv")
    margins = margins_from_frame(read("rake_margins.csv"))
    ref = read("rake_weights.csv")
    res = rake(data, margins, base_weights="d", total=10_000, tol=1e-13, max_iter=1000)
    np.testing.assert_allclose(res.weights.to_numpy(), ref["rake"].to_numpy(), rtol=1e-8)
    # R's own margins are met to 1e-9 (so 1e-8 is its convergence, not ours)
    for var, target in margins.items():
        achieved = ref.groupby(data[var])["rake"].sum()
        np.testing.assert_allclose(achieved[list(target)], list(target.values()), rtol=1e-9)


def test_poststratify_matches_r_poststratify():
    # survey::postStratify(design, ~sex + age, population): w_i N_h / sum_{h} w (exact).
    data = read("rake_data.csv")
    pop = read("poststrat_population.csv")
    ref = read("rake_weights.csv")
    res = poststratify(
        data, pop, cells=["sex", "age"], count="Freq", base_weights="d", total=pop["Freq"].sum()
    )
    np.testing.assert_allclose(res.weights.to_numpy(), ref["poststratify"].to_numpy(), rtol=1e-12)


# -- Cronbach's alpha (psych) ------------------------------------------------------------


def _alpha_ref(data: str) -> pd.DataFrame:
    a = read("alpha.csv")
    return a[a["data"] == data].set_index("item")


def _five_items() -> Instrument:
    qs = [
        Question(f"q{i}", "likert", f"Q{i}", dimension="d", scale=Scale.likert(5))
        for i in range(1, 6)
    ]
    return Instrument("a", "A", dimensions=[SurveyDimension("d", "D")], questions=qs)


@pytest.mark.parametrize(
    ("data", "file"), [("complete", "alpha_complete.csv"), ("missing", "alpha_missing.csv")]
)
def test_alpha_item_statistics_and_feldt_match_psych(data, file):
    # psych::alpha(use = "pairwise"): raw_alpha, Feldt interval (n = rows), r.drop
    # (item-rest correlation) and alpha.drop (alpha if item deleted) from the same
    # pairwise covariance matrix as qualitapa.
    x = read(file).drop(columns="respondent")
    ref = _alpha_ref(data)
    got = cronbach_alpha(x).iloc[0]
    assert got["alpha"] == pytest.approx(ref.loc["", "raw_alpha"], rel=RTOL)
    assert got["n"] == ref.loc["", "n"]
    assert got["ci_low"] == pytest.approx(ref.loc["", "feldt_low"], rel=RTOL)
    assert got["ci_high"] == pytest.approx(ref.loc["", "feldt_high"], rel=RTOL)
    rel = reliability(_five_items(), x).iloc[0]
    assert rel["alpha"] == pytest.approx(got["alpha"], rel=1e-12)
    ia = item_analysis(_five_items(), x).set_index("question")
    items = [f"q{i}" for i in range(1, 6)]
    np.testing.assert_allclose(ia.loc[items, "item_rest_r"], ref.loc[items, "r_drop"], rtol=RTOL)
    np.testing.assert_allclose(
        ia.loc[items, "alpha_if_deleted"], ref.loc[items, "raw_alpha"], rtol=RTOL
    )


def test_listwise_alpha_matches_psych_on_complete_rows():
    # psych::alpha on the 95 complete rows; psych::alpha.ci(alpha, 95, 5) for the Feldt
    # interval (psych's alpha(use = "complete.obs") would still count all 150 rows in
    # its Feldt interval; qualitapa counts the rows it used).
    x = read("alpha_missing.csv").drop(columns="respondent")
    ref = _alpha_ref("missing_listwise").loc[""]
    got = cronbach_alpha(x, nan_policy="listwise").iloc[0]
    assert got["n"] == ref["n"] == 95
    assert got["alpha"] == pytest.approx(ref["raw_alpha"], rel=RTOL)
    assert (got["ci_low"], got["ci_high"]) == pytest.approx(
        (ref["feldt_low"], ref["feldt_high"]), rel=RTOL
    )


# -- IPA derived importance: cor(use = "pairwise") ---------------------------------------


def test_derived_importance_matches_r_pairwise_correlations():
    data = read("cor_data.csv")
    qs = [Question(q, "likert", q, dimension="d", scale=Scale.likert(5)) for q in "abc"]
    qs.append(Question("overall", "likert", "O", scale=Scale.likert(5)))
    inst = Instrument("x", "X", dimensions=[SurveyDimension("d", "D")], questions=qs)
    ref = read("cor_pairwise.csv").set_index("item")
    for method in ("correlation", "regression"):
        got = ipa(inst, data, importance="derived", derived=method, overall="overall")
        np.testing.assert_allclose(
            got.set_index("question").loc[list("abc"), "importance"], ref[method], rtol=RTOL
        )


# -- p.adjust and prop.test --------------------------------------------------------------


@pytest.mark.parametrize("method", ["holm", "bonferroni", "fdr_bh"])
def test_adjust_pvalues_matches_r_p_adjust(method):
    # stats::p.adjust(p, "holm" | "bonferroni" | "BH"), NA left out and kept in place
    t = read("p_adjust.csv")
    got = adjust_pvalues(t["p"].to_numpy(), method)
    np.testing.assert_allclose(got, t[method].to_numpy(), rtol=1e-12, equal_nan=True)


def test_wilson_interval_matches_r_prop_test():
    # stats::prop.test(x, n, correct = FALSE)$conf.int is the Wilson score interval
    t = read("wilson.csv")
    low, high = wilson_interval(t["x"], t["n"])
    np.testing.assert_allclose(low, t["low"], rtol=RTOL, atol=1e-15)
    np.testing.assert_allclose(high, t["high"], rtol=RTOL)
