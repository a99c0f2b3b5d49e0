"""CAF validation, consolidation, aggregation and comparison (hand-computed values)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qualitapa.caf import (
    caf_model,
    caf_scores,
    compare_assessments,
    consolidate,
    subcriterion_ids,
    validate_scores,
)
from qualitapa.errors import DataError


def _scores() -> pd.DataFrame:
    """Three assessors; 50/60/70 everywhere except 1.1 (40/50/75) and 9.2 (80/90/not assessed)."""
    rows = []
    for sub in subcriterion_ids():
        for assessor, base in (("anna", 50), ("bruno", 60), ("carla", 70)):
            score: float | None = base
            flag = ""
            if sub == "1.1":
                score = {"anna": 40, "bruno": 50, "carla": 75}[assessor]
            if sub == "9.2":
                score = {"anna": 80, "bruno": 90, "carla": None}[assessor]
                flag = "yes" if assessor == "carla" else ""
            rows.append(
                {
                    "assessor": assessor,
                    "subcriterion": sub,
                    "score": score,
                    "not_assessed": flag,
                    "strengths": "clear mission" if sub == "1.1" and assessor != "carla" else "",
                    "improvements": "no PDCA review" if sub == "1.1" else "",
                }
            )
    return pd.DataFrame(rows)


def test_consolidation_statistics_and_flags() -> None:
    c = consolidate(_scores()).set_index("subcriterion")
    row = c.loc["1.1"]
    # 40, 50, 75: mean 55, median 50, sd sqrt((15^2 + 5^2 + 20^2) / 2) = sqrt(325)
    assert row["mean"] == 55.0
    assert row["median"] == 50.0
    assert row["sd"] == pytest.approx(math.sqrt(325))
    assert (row["min"], row["max"], row["range"]) == (40.0, 75.0, 35.0)
    assert bool(row["disagreement"])
    assert bool(row["needs_discussion"])
    assert row["final_score"] == 55.0
    assert row["final_source"] == "mean"
    assert row["band"] == "51-70"
    assert row["strengths"] == "clear mission"  # duplicates joined once
    assert row["improvements"] == "no PDCA review"
    # 50/60/70: range 20 is not MORE than the threshold 20
    assert not c.loc["1.2", "disagreement"]
    # 9.2: two assessors, one explicitly not assessed
    assert c.loc["9.2", "n_assessors"] == 2
    assert c.loc["9.2", "n_not_assessed"] == 1
    assert c.loc["9.2", "mean"] == 85.0
    assert c.loc["9.2", "sd"] == pytest.approx(math.sqrt(50))
    assert c.index.tolist() == subcriterion_ids()


def test_threshold_and_spread_are_configurable() -> None:
    assert (
        not consolidate(_scores(), threshold=40)
        .set_index("subcriterion")
        .loc["1.1", "disagreement"]
    )
    by_sd = consolidate(_scores(), spread="sd", threshold=15).set_index("subcriterion")
    assert by_sd.loc["1.1", "disagreement"]  # sd 18.03 > 15
    assert not by_sd.loc["1.2", "disagreement"]  # sd 10
    flagged = consolidate(_scores(), threshold=19.9)["disagreement"].sum()
    assert flagged == 27  # every sub-criterion except 9.2 (range 10)


def test_median_fallback() -> None:
    c = consolidate(_scores(), fallback="median").set_index("subcriterion")
    assert c.loc["1.1", "final_score"] == 50.0
    assert c.loc["1.1", "final_source"] == "median"
    none = consolidate(_scores(), fallback=None).set_index("subcriterion")
    assert np.isnan(none.loc["1.1", "final_score"])
    assert none.loc["1.1", "final_source"] == "none"


def test_consensus_replaces_the_mean_and_clears_the_flag() -> None:
    consensus = pd.DataFrame(
        {"subcriterion": ["1.1"], "consensus_score": [60], "rationale": ["strategic plan seen"]}
    )
    c = consolidate(_scores(), consensus=consensus).set_index("subcriterion")
    assert c.loc["1.1", "final_score"] == 60.0
    assert c.loc["1.1", "final_source"] == "consensus"
    assert c.loc["1.1", "rationale"] == "strategic plan seen"
    assert c.loc["1.1", "disagreement"]
    assert not c.loc["1.1", "needs_discussion"]
    # criterion 1 = (60 + 3 * 60) / 4 = 60; total = (5 * 60 + 3 * 60 + 72.5) / 9
    agg = caf_scores(c.reset_index()).set_index("id")
    assert agg.loc["1", "score"] == 60.0
    assert agg.loc["total", "score"] == pytest.approx(552.5 / 9)


def test_consensus_needs_a_rationale() -> None:
    consensus = pd.DataFrame({"subcriterion": ["1.1"], "consensus_score": [60], "rationale": [""]})
    with pytest.raises(DataError, match="rationale") as info:
        consolidate(_scores(), consensus=consensus)
    assert info.value.column == "rationale"


def test_criterion_enablers_results_total() -> None:
    agg = caf_scores(consolidate(_scores())).set_index("id")
    # criterion 1: (55 + 60 + 60 + 60) / 4; criterion 9: (60 + 85) / 2
    assert agg.loc["1", "score"] == 58.75
    assert agg.loc["9", "score"] == 72.5
    assert agg.loc["2", "score"] == 60.0
    # enablers: (58.75 + 4 * 60) / 5; results: (3 * 60 + 72.5) / 4
    assert agg.loc["enablers", "score"] == pytest.approx(59.75)
    assert agg.loc["enablers", "points"] == pytest.approx(298.75)
    assert agg.loc["results", "score"] == pytest.approx(63.125)
    assert agg.loc["results", "points"] == pytest.approx(252.5)
    assert agg.loc["total", "score"] == pytest.approx(551.25 / 9)
    assert agg.loc["total", "points"] == pytest.approx(551.25)
    assert agg.loc["total", "max_points"] == 900
    assert agg.loc["total", "n_subcriteria"] == 28
    assert agg.loc["4", "n_subcriteria"] == 6


def test_criterion_with_nothing_scored_is_missing() -> None:
    c = consolidate(_scores())
    c.loc[c.criterion == "8", "final_score"] = np.nan
    agg = caf_scores(c).set_index("id")
    assert np.isnan(agg.loc["8", "score"])
    assert agg.loc["8", "n_scored"] == 0
    assert agg.loc["results", "score"] == pytest.approx((120 + 72.5) / 3)


def test_compare_with_previous_assessment() -> None:
    now = consolidate(_scores())
    before = now.copy()
    before["final_score"] = 60.0
    before.loc[before.subcriterion == "9.2", "final_score"] = np.nan
    cmp = compare_assessments(now, before, tolerance=1).set_index("id")
    assert cmp.loc["1.1", "change"] == -5.0
    assert cmp.loc["1.1", "direction"] == "worsened"
    assert cmp.loc["1.2", "direction"] == "unchanged"
    assert cmp.loc["9.2", "direction"] == "new"
    assert cmp.loc["1", "change"] == -1.25
    assert cmp.loc["1", "direction"] == "worsened"
    assert cmp.loc["9", "previous"] == 60.0
    assert cmp.loc["9", "current"] == 72.5


def test_fine_tuned_scores_are_the_mean_of_the_parts() -> None:
    t = pd.DataFrame(
        {
            "assessor": ["anna", "anna"],
            "subcriterion": ["3.2", "7.1"],
            "plan": [40, None],
            "do": [35, None],
            "check": [20, None],
            "act": [5, None],
            "trends": [None, 70],
            "targets": [None, 45],
        }
    )
    v, problems = validate_scores(t, require_complete=False, mode="strict")
    assert problems.empty
    # (40 + 35 + 20 + 5) / 4 = 25; (70 + 45) / 2 = 57.5
    assert v["score"].tolist() == [25.0, 57.5]
    assert v.attrs["caf_method"] == "fine_tuned"


def test_fine_tuned_incomplete_phases_and_wrong_parts() -> None:
    t = pd.DataFrame(
        {
            "assessor": ["anna", "anna"],
            "subcriterion": ["3.2", "7.1"],
            "plan": [40, 10],
            "do": [35, None],
            "check": [None, None],
            "act": [5, None],
            "trends": [None, 70],
            "targets": [None, 45],
        }
    )
    with pytest.raises(DataError) as info:
        validate_scores(t, require_complete=False, mode="strict")
    cases = info.value.failure_cases
    assert info.value.row == 1
    assert info.value.column == "check"
    assert set(zip(cases.row, cases.column, strict=True)) == {(1, "check"), (2, "plan")}


def test_validation_collects_every_problem() -> None:
    t = pd.DataFrame(
        {
            "assessor": ["anna", "anna", "", "anna", "anna", "bruno"],
            "subcriterion": ["1.1", "1.5", "1.2", "1.1", "2.1", "2.2"],
            "score": ["50", "40", "30", "45", None, "tanto"],
            "not_assessed": ["", "", "", "", "", "forse"],
        }
    )
    with pytest.raises(DataError) as info:
        validate_scores(t, source="scores.csv", mode="strict")
    err = info.value
    assert err.source == "scores.csv"
    assert err.row == 1  # anna scored 1.1 on rows 1 and 4: both copies are named
    assert err.column == "subcriterion"
    cases = err.failure_cases
    found = set(zip(cases.row.astype("Int64"), cases.column, strict=True))
    assert (1, "subcriterion") in found  # anna scored 1.1 twice (rows 1 and 4)
    assert (2, "subcriterion") in found  # 1.5 does not exist
    assert (3, "assessor") in found  # missing assessor
    assert (4, "subcriterion") in found  # anna scored 1.1 twice
    assert (5, "score") in found  # no score, not marked not_assessed
    assert (6, "score") in found  # not a number
    assert (6, "not_assessed") in found
    # the 24 sub-criteria absent from the table are listed without a row
    assert cases.row.isna().sum() == 24


def test_score_out_of_range_names_row_and_column() -> None:
    t = pd.DataFrame({"assessor": ["a", "a"], "subcriterion": ["1.1", "1.2"], "score": [50, 101]})
    with pytest.raises(DataError, match=r"row 2, column 'score'.*outside 0-100"):
        validate_scores(t, require_complete=False, mode="strict")


def test_not_assessed_with_a_score_is_an_error() -> None:
    t = pd.DataFrame(
        {"assessor": ["a"], "subcriterion": ["1.1"], "score": [50], "not_assessed": ["x"]}
    )
    with pytest.raises(DataError, match="not_assessed but has a score"):
        validate_scores(t, require_complete=False, mode="strict")


def test_numeric_subcriterion_ids_from_csv_are_accepted() -> None:
    t = pd.DataFrame({"assessor": ["a", "a"], "subcriterion": [1.1, 4.6], "score": [50, 60]})
    v, _ = validate_scores(t, require_complete=False, mode="strict")
    assert v["subcriterion"].tolist() == ["1.1", "4.6"]
    assert v["kind"].tolist() == ["enablers", "enablers"]


def test_caller_frame_is_not_mutated() -> None:
    t = _scores()
    before = t.copy()
    consolidate(t)
    pd.testing.assert_frame_equal(t, before)


def test_model_order_is_kept_when_rows_are_shuffled() -> None:
    shuffled = _scores().sample(frac=1, random_state=3)
    c = consolidate(shuffled)
    assert c["subcriterion"].tolist() == [s.id for s in caf_model().subcriteria]
    assert c.set_index("subcriterion").loc["1.1", "mean"] == 55.0
