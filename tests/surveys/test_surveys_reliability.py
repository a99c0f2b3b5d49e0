"""Cronbach's alpha and the Feldt interval on published data sets."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from qualitapa.errors import OptionError
from qualitapa.surveys import (
    Instrument,
    Question,
    Scale,
    SurveyDimension,
    cronbach_alpha,
    item_analysis,
    reliability,
)

# pingouin's "cronbach_alpha" data set (www.real-statistics.com): 15 respondents x
# 10 items. pingouin.cronbach_alpha documents (0.591719, [0.195, 0.84]), tested there
# against R psych::alpha (raphaelvallat/pingouin, pingouin/reliability.py).
LIKERT = pd.DataFrame(
    {
        "Q1": [3, 5, 7, 2, 6, 1, 4, 2, 6, 5, 4, 4, 5, 6, 4],
        "Q2": [2, 4, 3, 4, 5, 2, 3, 4, 5, 4, 3, 2, 5, 5, 3],
        "Q3": [4, 6, 5, 3, 6, 3, 5, 4, 5, 6, 5, 3, 6, 5, 5],
        "Q4": [1, 3, 5, 3, 5, 4, 3, 3, 5, 4, 2, 2, 2, 4, 5],
        "Q5": [4, 5, 6, 2, 4, 2, 5, 7, 1, 3, 5, 5, 3, 2, 3],
        "Q6": [5, 1, 4, 2, 4, 5, 2, 2, 6, 5, 3, 3, 3, 2, 1],
        "Q7": [1, 2, 3, 2, 4, 2, 1, 2, 5, 3, 2, 4, 2, 1, 3],
        "Q8": [4, 5, 3, 6, 6, 3, 2, 4, 2, 1, 3, 2, 4, 4, 2],
        "Q9": [3, 5, 6, 6, 7, 5, 4, 6, 3, 7, 4, 3, 4, 6, 3],
        "Q10": [2, 5, 5, 3, 5, 2, 3, 5, 2, 2, 1, 4, 5, 5, 4],
    }
)

# pingouin's "cronbach_wide_missing" data set (binary items with missing values).
# Documented: pairwise 0.732661 [0.435, 0.909]; listwise 0.801695.
WIDE_MISSING = pd.read_csv(
    io.StringIO(
        """Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10,Q11
1.0,1,1.0,1,1.0,1,1,1,1.0,1,1
1.0,1,1.0,1,1.0,1,1,1,0.0,1,0
,0,1.0,1,,1,1,1,1.0,0,0
1.0,1,1.0,0,1.0,1,0,1,1.0,0,0
1.0,1,1.0,1,1.0,0,0,0,1.0,0,0
0.0,1,,0,1.0,1,1,1,0.0,0,0
1.0,1,1.0,1,0.0,0,1,0,0.0,0,0
1.0,1,1.0,1,1.0,0,0,0,0.0,0,0
0.0,1,0.0,1,1.0,0,0,0,0.0,1,0
1.0,0,0.0,1,0.0,1,0,0,,0,0
1.0,1,1.0,0,0.0,0,0,0,0.0,0,0
1.0,0,0.0,1,0.0,0,0,0,0.0,0,0
"""
    )
)


def test_alpha_and_feldt_interval_match_published_values():
    r = cronbach_alpha(LIKERT).iloc[0]
    assert round(r["alpha"], 6) == 0.591719
    assert (round(r["ci_low"], 3), round(r["ci_high"], 3)) == (0.195, 0.840)
    assert (r["n"], r["k"]) == (15, 10)


def test_pairwise_and_listwise_missing():
    r = cronbach_alpha(WIDE_MISSING).iloc[0]
    assert round(r["alpha"], 6) == 0.732661
    assert (round(r["ci_low"], 3), round(r["ci_high"], 3)) == (0.435, 0.909)
    lw = cronbach_alpha(WIDE_MISSING, nan_policy="listwise").iloc[0]
    assert round(lw["alpha"], 6) == 0.801695
    # The interval uses the 9 complete respondents. (pingouin prints [0.581, 0.933]
    # because it takes n = 12 rows before the listwise deletion.)
    assert lw["n"] == 9
    assert (round(lw["ci_low"], 3), round(lw["ci_high"], 3)) == (0.533, 0.947)


def test_alpha_refuses_an_unknown_nan_policy():
    with pytest.raises(
        OptionError, match="nan_policy must be 'pairwise' or 'listwise', not 'drop'"
    ):
        cronbach_alpha(LIKERT, nan_policy="drop")


def test_alpha_by_group_is_the_alpha_of_each_group():
    df = pd.concat(
        [
            LIKERT.assign(g="a"),
            WIDE_MISSING.iloc[:, :10].set_axis(list(LIKERT.columns), axis=1).assign(g="b"),
        ],
        ignore_index=True,
    )
    r = cronbach_alpha(df, by="g").set_index("g")
    assert round(r.loc["a", "alpha"], 6) == 0.591719
    single_b = cronbach_alpha(WIDE_MISSING.iloc[:, :10]).iloc[0]["alpha"]
    assert r.loc["b", "alpha"] == pytest.approx(single_b)


def _instrument(reverse: set[str]) -> Instrument:
    qs = [
        Question(c.lower(), "likert", c, dimension="d", scale=Scale.likert(7), reverse=c in reverse)
        for c in LIKERT.columns
    ]
    return Instrument("x", "X", dimensions=[SurveyDimension("d", "D")], questions=qs)


def test_reverse_coding_from_schema():
    inst = _instrument({"Q6"})
    data = LIKERT.rename(columns=str.lower)
    turned = data.assign(q6=8 - data["q6"])
    expected = cronbach_alpha(turned).iloc[0]["alpha"]
    got = reliability(inst, data).iloc[0]
    assert got["alpha"] == pytest.approx(expected)
    assert got["alpha"] != pytest.approx(cronbach_alpha(data).iloc[0]["alpha"])


def test_item_analysis_against_direct_computation():
    inst = _instrument(set())
    data = LIKERT.rename(columns=str.lower)
    ia = item_analysis(inst, data).set_index("question")
    total = data.sum(axis=1)
    for q in ("q1", "q5", "q10"):
        rest = total - data[q]
        assert ia.loc[q, "item_rest_r"] == pytest.approx(np.corrcoef(data[q], rest)[0, 1])
        dropped = cronbach_alpha(data.drop(columns=q)).iloc[0]["alpha"]
        assert ia.loc[q, "alpha_if_deleted"] == pytest.approx(dropped)
    assert np.allclose(ia["alpha"], 0.591719, atol=1e-6)


def test_alpha_of_a_group_does_not_depend_on_the_other_groups():
    # group a answers 2, 2 to both items three times: no variance, alpha undefined (NaN),
    # alone or next to group z. The old one-pass covariance, centred on all groups'
    # mean, left rounding error that read as alpha = 1.0 when z was there.
    a = pd.DataFrame({"i0": [2.0] * 3, "i1": [2.0] * 3, "g": "a"})
    z = pd.DataFrame({"i0": [1.0] * 4, "i1": [1.0] * 4, "g": "z"})
    alone = cronbach_alpha(a.drop(columns="g")).iloc[0]
    both = cronbach_alpha(pd.concat([a, z], ignore_index=True), by="g").set_index("g")
    assert np.isnan(alone["alpha"])
    assert np.isnan(both.loc["a", "alpha"])


def test_alpha_without_answers_is_nan_without_warnings():
    # filterwarnings = error: numpy's "Mean of empty slice" used to escape
    r = cronbach_alpha(pd.DataFrame({"i0": [np.nan] * 3, "i1": [np.nan] * 3})).iloc[0]
    assert np.isnan(r["alpha"])
