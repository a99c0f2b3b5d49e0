"""Improvement plans: priority rule, status tracking, derivation from CAF and compliance."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from qualitapa.caf import consolidate, subcriterion_ids
from qualitapa.errors import DataError, DefinitionError, TransitionError
from qualitapa.improvement import (
    Action,
    ImprovementPlan,
    actions_from_benchmark,
    actions_from_caf,
    actions_from_compliance,
    actions_from_survey,
    combine_actions,
)
from qualitapa.standards import QualityStandard, compliance


def test_priority_rule_and_order() -> None:
    plan = ImprovementPlan(
        (
            Action("a", "A", impact=2, urgency=3, effort=3),  # 2.0
            Action("b", "B", impact=5, urgency=4, effort=2, due="2025-09-30"),  # 10.0
            Action("c", "C", impact=5, urgency=2, effort=1, due="2025-06-30"),  # 10.0, earlier
        )
    )
    frame = plan.to_frame()
    assert frame["id"].tolist() == ["c", "b", "a"]
    assert frame["priority"].tolist() == [10.0, 10.0, 2.0]
    with pytest.raises(DefinitionError) as info:
        Action("x", "X", impact=6)
    assert info.value.field == "impact"
    with pytest.raises(DefinitionError, match="twice"):
        ImprovementPlan((Action("a", "A"), Action("a", "B")))


def test_status_tracking_appends_events() -> None:
    t0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
    plan = ImprovementPlan((Action("a", "A"),))
    plan = plan.transition("a", "planned", who="anna", when=t0)
    plan = plan.transition("a", "in_progress", who="bruno", when=t0 + dt.timedelta(days=3))
    plan = plan.transition("a", "on_hold", who="bruno", when=t0 + dt.timedelta(days=9),
                           note="waiting for budget")  # fmt: skip
    history = plan.history()
    assert history["to_status"].tolist() == ["planned", "in_progress", "on_hold"]
    assert history["from_status"].tolist() == ["proposed", "planned", "in_progress"]
    assert history["note"].iloc[-1] == "waiting for budget"
    with pytest.raises(TransitionError, match="'on_hold' to 'done'"):
        plan.transition("a", "done", who="x")
    done = plan.transition("a", "in_progress", who="x").transition("a", "done", who="x")
    with pytest.raises(TransitionError):
        done.transition("a", "planned", who="x")
    assert plan.action("a").status.value == "on_hold"  # the older plan is unchanged


def test_progress_counts_overdue_open_actions() -> None:
    plan = ImprovementPlan(
        (
            Action("a", "A", due="2025-01-31"),
            Action("b", "B", due="2025-01-31", status="done"),
            Action("c", "C", due="2025-12-31", status="in_progress"),
        )
    )
    prog = plan.progress(today=dt.date(2025, 6, 1)).set_index("status")
    assert prog.loc["proposed", "overdue"] == 1
    assert prog.loc["done", "overdue"] == 0
    assert prog.loc["in_progress", "overdue"] == 0


def test_from_frame_round_trip_and_errors() -> None:
    plan = ImprovementPlan((Action("a", "A", source="caf", reference="3.2", impact=4,
                                   due="2025-10-01"),))  # fmt: skip
    again = ImprovementPlan.from_frame(plan.to_frame())
    assert again.actions == plan.actions
    bad = pd.DataFrame(
        {"id": ["a", "a", "c"], "title": ["A", "B", "C"], "impact": [3, 9, "x"],
         "status": ["proposed", "maybe", "done"], "due": ["", "2025-02-30", ""]}
    )  # fmt: skip
    with pytest.raises(DataError) as info:
        ImprovementPlan.from_frame(bad, source="plan.csv")
    cases = info.value.failure_cases
    assert set(zip(cases.row, cases.column, strict=True)) == {
        (2, "impact"), (3, "impact"), (2, "status"), (2, "due"), (2, "id")
    }  # fmt: skip


def _caf() -> pd.DataFrame:
    rows = []
    for sub in subcriterion_ids():
        for assessor, base in (("anna", 60), ("bruno", 70)):
            score = base
            if sub == "3.2":
                score = {"anna": 20, "bruno": 30}[assessor]  # mean 25
            if sub == "6.1":
                score = {"anna": 40, "bruno": 50}[assessor]  # mean 45
            if sub == "5.1":
                score = {"anna": 40, "bruno": 90}[assessor]  # mean 65, range 50
            rows.append({"assessor": assessor, "subcriterion": sub, "score": score,
                         "improvements": "piano formazione" if sub == "3.2" else ""})  # fmt: skip
    return consolidate(pd.DataFrame(rows))


def test_actions_from_caf() -> None:
    acts = actions_from_caf(_caf()).set_index("id")
    assert sorted(acts.index) == ["caf-3.2", "caf-5.1", "caf-6.1"]
    # 3.2: score 25 -> impact 1 + floor(75 / 20) = 4; enabler -> urgency 4; 4 * 4 / 3
    assert acts.loc["caf-3.2", "impact"] == 4
    assert acts.loc["caf-3.2", "urgency"] == 4
    assert acts.loc["caf-3.2", "priority"] == pytest.approx(16 / 3)
    # the assessors' areas for improvement are evidence, not an effect (review #22)
    assert acts.loc["caf-3.2", "expected_effect"] == "punteggio CAF oltre 50"
    assert acts.loc["caf-3.2", "evidence"].endswith(". Aree di miglioramento: piano formazione")
    assert acts.loc["caf-3.2", "evidence_de"].endswith(". Verbesserungsbereiche: piano formazione")
    # 6.1: score 45 -> impact 1 + floor(55 / 20) = 3; result -> urgency 3
    assert acts.loc["caf-6.1", "impact"] == 3
    assert acts.loc["caf-6.1", "urgency"] == 3
    # 5.1: mean 65 but assessors 50 points apart and no consensus -> clarify the evidence
    assert acts.loc["caf-5.1", "title"].startswith("Chiarire")
    assert acts.loc["caf-5.1", "impact"] == 2
    assert list(acts.index[:1]) == ["caf-3.2"]  # highest priority first
    assert len(actions_from_caf(_caf(), include_disagreement=False)) == 2


def test_optional_columns_missing_or_blank_are_empty_text() -> None:
    # organization and period may be absent, or blank in some rows
    t = pd.DataFrame(
        {"standard": ["r.wait", "r.desk"], "organization": ["mo", None], "scope": "general",
         "met": [False, False], "margin": [-1.0, -2.0], "target": ["<= 20", "<= 5"]}
    )  # fmt: skip
    acts = actions_from_compliance(t).set_index("id")
    assert sorted(acts.index) == ["std-r.desk", "std-r.wait-mo"]
    assert acts.loc["std-r.desk", "organization"] == ""
    assert acts.loc["std-r.desk", "evidence"] == ": scarto -2"  # no period column
    s = pd.DataFrame({"dimension": ["waiting"], "index": [30.0]})
    assert actions_from_survey(s).loc[0, "organization"] == ""


def test_a_categorical_column_with_a_blank_is_empty_text() -> None:
    # the demo's compliance table has categorical organization codes; a blank one
    # made fillna("") fail ("Cannot setitem on a Categorical with a new category")
    t = pd.DataFrame(
        {"standard": ["r.wait", "r.desk"], "organization": pd.Categorical(["mo", None]),
         "scope": "general", "met": [False, False], "margin": [-1.0, -2.0],
         "target": ["<= 20", "<= 5"]}
    )  # fmt: skip
    acts = actions_from_compliance(t).set_index("id")
    assert sorted(acts.index) == ["std-r.desk", "std-r.wait-mo"]
    assert acts.loc["std-r.desk", "organization"] == ""


def test_actions_from_compliance_and_combination() -> None:
    wait = QualityStandard(
        "registry.wait", "registry", "timeliness", "Attesa", "<= 20",
        formula="minutes", scope="specific", refund={"amount": 5},
    )  # fmt: skip
    deliveries = pd.DataFrame(
        {"organization": ["mo", "mo", "re"], "period": 2024, "minutes": [10, 30, 5]}
    )
    table = compliance([wait], deliveries=deliveries)
    acts = actions_from_compliance(table)
    assert acts["id"].tolist() == ["std-registry.wait-mo"]
    assert acts.loc[0, "impact"] == 5  # refunds were due
    assert acts.loc[0, "urgency"] == 5  # specific standard
    assert "rimborsi 5,00\xa0€" in acts.loc[0, "evidence"]  # one delivery late: 1 * 5 euro
    survey = actions_from_survey(
        pd.DataFrame({"dimension": ["waiting", "courtesy"], "index": [30.0, 75.0]})
    )
    # gap 30 points -> impact 1 + floor(30 / 20) = 2
    assert survey[["id", "impact"]].values.tolist() == [["survey-waiting", 2]]
    bench = actions_from_benchmark(
        pd.DataFrame(
            {
                "indicator": ["loans"],
                "organization": ["mo"],
                "value": [1.5],
                "polarity": ["higher_is_better"],
                "gap_to_median": [-8.5],
            }
        )
    )
    # median 1.5 + 8.5 = 10, gap 8.5 / 10 = 85% -> impact 1 + floor(85 / 20) = 5
    assert bench.loc[0, "impact"] == 5
    plan = combine_actions(actions_from_caf(_caf()), acts, survey, bench, acts)
    assert plan["id"].is_unique
    assert plan["id"].iloc[0] == "std-registry.wait-mo"  # 5 * 5 / 3
    loaded = ImprovementPlan.from_frame(plan)
    assert len(loaded.actions) == 6
