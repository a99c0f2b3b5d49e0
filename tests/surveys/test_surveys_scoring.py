"""Weighted scoring against hand-computed values and published interval tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qualitapa import DataError
from qualitapa.errors import OptionError
from qualitapa.surveys import (
    Instrument,
    Question,
    Scale,
    SurveyDimension,
    design_effect,
    distribution,
    effective_sample_size,
    nps,
    respondent_scores,
    score_dimensions,
    score_items,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        # Newcombe R.G. (1998) Two-sided confidence intervals for the single proportion:
        # comparison of seven methods. Statistics in Medicine 17:857-872, Table I,
        # method 3 (score interval without continuity correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998(x, n, low, high):
    lo, hi = wilson_interval(x, n)
    assert round(float(lo), 4) == low
    assert round(float(hi), 4) == high


def test_kish_effective_n():
    # Kish (1965): n_eff = (sum w)^2 / sum w^2; hand computed: 8^2 / 16 = 4
    w = [1, 1, 2, 1, 3]
    assert effective_sample_size(w) == 4.0
    assert design_effect(w) == 5 / 4


@pytest.fixture
def single() -> Instrument:
    return Instrument(
        "c", "C", questions=[Question("q", "likert", "Q", scale=Scale.likert(5, dont_know=[9]))]
    )


def test_weighted_item_scoring_by_hand(single):
    df = pd.DataFrame({"q": [5, 4, 4, 2, 1, 9], "w": [1, 1, 2, 1, 3, 5.0]})
    r = score_items(single, df, weights="w", min_n=1).iloc[0]
    # hand computation: sum w = 8, sum wy = 22, mean 2.75; sum w^2 = 16, n_eff = 4;
    # sum w (y - 2.75)^2 = 19.5, population variance 2.4375, s^2 = 2.4375 * 4/3 = 3.25
    assert r["n"] == 5
    assert r["n_dont_know"] == 1
    assert r["mean"] == pytest.approx(2.75)
    assert r["n_eff"] == pytest.approx(4.0)
    assert r["sd"] == pytest.approx(math.sqrt(3.25))
    assert r["se"] == pytest.approx(math.sqrt(3.25) / 2)
    t = 3.182446305284263  # t quantile 0.975 with 3 df
    assert r["ci_low"] == pytest.approx(2.75 - t * math.sqrt(3.25) / 2)
    assert r["index"] == pytest.approx(43.75)
    assert r["index_high"] == pytest.approx((2.75 + t * math.sqrt(3.25) / 2 - 1) / 4 * 100)
    # top box (4, 5): weight 4 of 8; Wilson with n_eff = 4: 2/4 -> 0.1500 to 0.8500
    assert r["top_box"] == pytest.approx(0.5)
    assert (round(r["top_box_low"], 4), round(r["top_box_high"], 4)) == (0.15, 0.85)
    # bottom box (1, 2): weight 4 of 8
    assert r["bottom_box"] == pytest.approx(0.5)


def test_unweighted_equals_classic_t_interval(single):
    df = pd.DataFrame({"q": [1, 2, 3, 4, 5, 5, 4]})
    r = score_items(single, df, min_n=1).iloc[0]
    x = df["q"].to_numpy(dtype=float)
    assert r["sd"] == pytest.approx(x.std(ddof=1))
    from scipy import stats

    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((lo, hi))


def test_grouping_and_small_sample_flag(single):
    df = pd.DataFrame({"org": ["a", "a", "a", "b"], "q": [5, 3, 4, 1]})
    r = score_items(single, df, by="org", min_n=3)
    assert r["org"].tolist() == ["a", "b"]
    assert r["mean"].tolist() == [4.0, 1.0]
    assert r["small_sample"].tolist() == [False, True]
    s = score_items(single, df, by="org", min_n=3, suppress=True)
    assert np.isnan(s.loc[1, "mean"])
    assert s.loc[1, "n"] == 1


def test_bootstrap_is_reproducible(single, synthetic):
    inst = Instrument("c", "C", questions=[Question("q", "likert", "Q", scale=Scale.likert(5))])
    df = synthetic.rename(columns={"speed": "q"})
    a = score_items(inst, df, method="bootstrap", n_boot=200, seed=3, by="organization")
    b = score_items(inst, df, method="bootstrap", n_boot=200, seed=3, by="organization")
    pd.testing.assert_frame_equal(a, b)
    k = score_items(inst, df, by="organization")
    assert (a["ci_low"] < a["mean"]).all()
    assert (a["ci_high"] > a["mean"]).all()
    # the bootstrap and the t interval agree on a sample of 200 to within 0.05 points
    assert np.allclose(a["ci_low"], k["ci_low"], atol=0.05)


def test_out_of_scale_values_are_refused(single):
    with pytest.raises(DataError, match="run validate"):
        score_items(single, pd.DataFrame({"q": [1, 6]}))


def test_dimension_indices_importance_weighted(counter):
    df = pd.DataFrame(
        {
            "wait": [5, 1],
            "speed": [3, 1],
            "courtesy": [4, 5],
            "rude": [2, 1],
            "imp_wait": [5, 3],
            "imp_courtesy": [3, 3],
        }
    )
    # by hand: time scores A = (100 + 50) / 2 = 75, B = 0; staff A = (75 + 75) / 2 = 75
    # (rude 2 reversed is 4), B = 100. Importance: time mean(5, 3) = 4, staff 3.
    # Overall A = (4*75 + 3*75) / 7 = 75, B = (4*0 + 3*100) / 7 = 42.857
    scores = respondent_scores(counter, df)
    assert scores["time"].tolist() == [75.0, 0.0]
    assert scores["staff"].tolist() == [75.0, 100.0]
    r = score_dimensions(counter, df, min_n=1, lang="it").set_index("dimension")
    assert r.loc["time", "index"] == pytest.approx(37.5)
    assert r.loc["staff", "index"] == pytest.approx(87.5)
    assert r.loc["overall", "index"] == pytest.approx((75 + 300 / 7) / 2)
    assert r.loc["time", "weight"] == 4.0
    assert r.loc["staff", "weight"] == 3.0
    assert set(r["weighting"]) == {"importance"}
    eq = score_dimensions(counter, df, weighting="equal", min_n=1, lang="it").set_index("dimension")
    assert eq.loc["overall", "index"] == pytest.approx((75 + 50) / 2)


def test_min_items_rule(counter):
    df = pd.DataFrame(
        {"wait": [5, None], "speed": [None, None], "courtesy": [4, 5], "rude": [2, 1]}
    )
    assert respondent_scores(counter, df)["time"].tolist()[0] == 100.0  # 1 of 2 answered
    assert np.isnan(respondent_scores(counter, df, min_items=2)["time"].tolist()[0])


def test_nps_by_hand(counter):
    df = pd.DataFrame({"recommend": [10, 9, 8, 7, 6, 0, 10, 3, 9, 9]})
    r = nps(counter, df, min_n=1).iloc[0]
    # promoters 5/10, passives 2/10, detractors 3/10 -> NPS 20;
    # se = 100 * sqrt((0.5 + 0.3 - 0.2^2) / 10)
    assert (r["promoters"], r["passives"], r["detractors"]) == pytest.approx((0.5, 0.2, 0.3))
    assert r["nps"] == pytest.approx(20.0)
    assert r["se"] == pytest.approx(100 * math.sqrt(0.076))
    assert r["ci_low"] == pytest.approx(20 - 1.959963984540054 * 100 * math.sqrt(0.076))


def test_distribution_shares(counter):
    df = pd.DataFrame(
        {"org": ["a", "a", "b"], "channel": ["web tel", "web", None], "wait": [9, 2, 2]}
    )
    d = distribution(counter, df, questions=["channel", "wait"], by="org")
    ch = d[(d["question"] == "channel") & (d["org"] == "a")].set_index("code")
    assert ch["share"].to_dict() == {"web": 1.0, "tel": 0.5, "app": 0.0}
    w = d[(d["question"] == "wait") & (d["org"] == "a")].set_index("code")
    assert w.loc["9", "share"] == 0.5
    assert w.loc["9", "n"] == 1
    assert np.isnan(d[(d["question"] == "channel") & (d["org"] == "b")]["share"]).all()


def test_dimension_rows_are_labelled_in_lang_and_the_overall_index_has_its_own_name():
    from qualitapa import Text
    from qualitapa.surveys import Instrument, Question, Scale, SurveyDimension, score_dimensions

    inst = Instrument(
        "x", "X",
        dimensions=[SurveyDimension("wait", Text("Attesa", "Waiting", "Wartezeit"))],
        questions=[Question("q", "likert", "Q", dimension="wait", scale=Scale.likert(5))],
    )  # fmt: skip
    df = pd.DataFrame({"q": [5, 3]})
    labels = {
        lang: score_dimensions(inst, df, min_n=1, lang=lang).set_index("dimension")["label"]
        for lang in ("it", "en", "de", "fr")
    }
    assert labels["it"].to_dict() == {
        "wait": "Attesa",
        "overall": "Indice complessivo di soddisfazione",
    }
    assert labels["en"].to_dict() == {"wait": "Waiting", "overall": "Overall satisfaction index"}
    assert labels["de"].to_dict() == {"wait": "Wartezeit", "overall": "Gesamtzufriedenheitsindex"}
    assert labels["fr"].to_dict() == labels["it"].to_dict()  # French falls back to Italian
    out = score_dimensions(inst, df, min_n=1, lang="de").set_index("dimension")
    assert "label_en" not in out.columns  # one label column, in lang
    with pytest.raises(OptionError, match="lang must be a language code"):
        score_dimensions(inst, df, lang="Deutsch")
    # the old layout (label in Italian, label_en) until 0.3.0, with a warning
    with pytest.warns(DeprecationWarning, match="without lang= gives 'label' in Italian"):
        old = score_dimensions(inst, df, min_n=1).set_index("dimension")
    assert old.loc["wait", ["label", "label_en"]].tolist() == ["Attesa", "Waiting"]
    assert old.loc["overall", ["label", "label_en"]].tolist() == [
        "Indice complessivo di soddisfazione",
        "Overall satisfaction index",
    ]
    assert old.drop(columns="label_en").equals(out.assign(label=old["label"]))
    # (5 - 1) / 4 = 100 and (3 - 1) / 4 = 50: mean index 75
    assert out.loc["wait", "index"] == pytest.approx(75.0)


def test_constant_answers_have_exactly_zero_spread(single):
    # 17 identical answers with weight 1.40017: the one-pass variance
    # sum w y^2 / sum w - mean^2 left rounding error (sd 5.4e-8, depending on row
    # order) where the spread is exactly 0; the two-pass variance gives 0.
    df = pd.DataFrame(
        {"org": ["a"] * 17 + ["b"] * 3, "q": 3.0, "w": [1.40017] * 17 + [2.95, 1.4, 1.4]}
    )
    r = score_items(single, df, by="org", weights="w", min_n=1)
    assert (r["sd"] == 0).all()
    assert (r["se"] == 0).all()
    assert (r["ci_low"] == 3.0).all()
    # so two constant groups are not "significantly different" with t = 1e8
    from qualitapa.surveys import compare_groups

    c = compare_groups(
        single, df.assign(q=np.where(df["org"] == "a", 3.0, 4.0)), by="org", weights="w"
    )
    assert np.isnan(c.loc[0, "statistic"])


def test_wilson_interval_ends_exactly_at_0_and_1():
    # 14 of 14 at 50%: the formula's upper end is 1 - 1.1e-16 in floating point
    lo, hi = wilson_interval([0, 14], [14, 14], confidence=0.5)
    assert lo[0] == 0.0
    assert hi[1] == 1.0


@pytest.mark.parametrize("score", [score_items, score_dimensions])
def test_an_unknown_interval_method_is_an_option_error(score):
    inst = Instrument(
        "c", "C", dimensions=[SurveyDimension("d", "D")],
        questions=[Question("q", "likert", "Q", dimension="d", scale=Scale.likert(5))],
    )  # fmt: skip
    with pytest.raises(OptionError, match="method must be 'kish' or 'bootstrap', not 'jackknife'"):
        score(inst, pd.DataFrame({"q": [5, 4]}), method="jackknife")
