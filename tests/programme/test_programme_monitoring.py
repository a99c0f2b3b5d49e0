"""Monitoring of the annual quality plan: hand-computed tables and properties (issue 19)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.errors import DataError
from qualitapa.improvement import (
    ACTION_COLUMNS,
    ImprovementPlan,
    actions_from_expected,
    combine_actions,
)
from qualitapa.programme import (
    expected_vs_obtained,
    overdue,
    progress,
    progress_by_department,
)
from qualitapa.testing import catalog_with

ORG = "036023"
AS_OF = "2024-09-30"


def _activities() -> pd.DataFrame:
    rows = [
        # activity, department, type, start, end
        ("a1", "dem", "survey", "2024-02-01", "2024-06-30"),
        ("a2", "dem", "indicators", "2024-01-15", "2024-07-31"),
        ("a3", "cult", "charter", "2024-03-01", "2024-09-15"),
        ("a4", "cult", "training", "2024-05-01", "2024-12-15"),
        ("a5", "cult", "caf", "2024-01-10", "2024-06-30"),
        ("a6", "pol", "certification", "2024-01-01", "2024-08-31"),
        ("a7", "pol", "complaints", "2024-02-01", "2024-11-30"),
    ]
    frame = pd.DataFrame(
        rows, columns=["activity", "department", "type", "planned_start", "planned_end"]
    )
    return frame.assign(organization=ORG, year=2024, owner="p01")


def _history() -> pd.DataFrame:
    rows = [
        ("a1", "2024-02-05", "started", 0.2),
        ("a1", "2024-04-10", "started", 0.6),
        ("a1", "2024-06-20", "done", None),
        ("a2", "2024-03-01", "started", 0.3),
        ("a2", "2024-08-20", "done", None),
        ("a3", "2024-03-10", "started", 0.5),
        ("a3", "2024-07-01", "suspended", None),
        ("a5", "2024-02-01", "started", 0.1),
        ("a5", "2024-05-01", "cancelled", None),
        ("a6", "2024-03-15", "started", 0.7),
        ("a6", "2024-10-15", "done", None),  # after AS_OF: ignored
        ("a7", "2024-09-30", "started", 0.25),
        ("a7", "2024-09-30", "planned", None),  # same day: 'started' comes later in life
    ]
    frame = pd.DataFrame(rows, columns=["activity", "at", "status", "progress"])
    return frame.assign(organization=ORG, year=2024, by="p01")


def test_progress_hand_computed() -> None:
    got = progress(_activities(), _history(), as_of=AS_OF)
    cols = ["activity", "status", "progress", "overdue", "days_late"]
    expected = pd.DataFrame(
        [
            # cult (sorted by department, then activity)
            ("a3", "suspended", 0.5, True, 15),  # last progress 0.5; 30 Sep - 15 Sep = 15 days
            ("a4", "planned", 0.0, False, 0),  # no history: planned, progress 0
            ("a5", "cancelled", 0.1, False, 0),  # cancelled is never late
            # dem
            ("a1", "done", 1.0, False, 0),  # done 20 Jun, before its end (30 Jun)
            ("a2", "done", 1.0, False, 20),  # done 20 Aug, 31 Jul + 20 days: late, not overdue
            # pol
            ("a6", "started", 0.7, True, 30),  # done on 15 Oct is after AS_OF; 30 Sep - 31 Aug
            ("a7", "started", 0.25, False, 0),  # same-day tie: started after planned
        ],
        columns=cols,
    )
    pd.testing.assert_frame_equal(got[cols], expected)
    assert got.loc[got["activity"] == "a1", "status_on"].item() == pd.Timestamp("2024-06-20")
    assert pd.isna(got.loc[got["activity"] == "a4", "status_on"].item())


def test_progress_by_department_hand_computed() -> None:
    got = progress_by_department(_activities(), _history(), as_of=AS_OF)
    cols = ["department", "activities", "planned", "started", "suspended", "done",
            "cancelled", "overdue", "share_done", "mean_progress"]  # fmt: skip
    expected = pd.DataFrame(
        [
            # a3 suspended 0.5, a4 planned 0, a5 cancelled (left out of the shares):
            # share_done 0 / (3 - 1) = 0; mean progress (0.5 + 0) / 2 = 0.25
            ("cult", 3, 1, 0, 1, 0, 1, 1, 0.0, 0.25),
            # a1 and a2 done: 2 / 2 = 1; mean (1 + 1) / 2 = 1
            ("dem", 2, 0, 0, 0, 2, 0, 0, 1.0, 1.0),
            # a6 started 0.7 (overdue), a7 started 0.25: mean (0.7 + 0.25) / 2 = 0.475
            ("pol", 2, 0, 2, 0, 0, 0, 1, 0.0, 0.475),
        ],
        columns=cols,
    )
    pd.testing.assert_frame_equal(got[cols], expected)


def test_overdue_latest_first() -> None:
    got = overdue(_activities(), _history(), as_of=AS_OF)
    assert got["activity"].tolist() == ["a6", "a3"]  # 30 days, then 15
    assert got["days_late"].tolist() == [30, 15]


def test_nothing_overdue_on_the_first_day() -> None:
    assert overdue(_activities(), _history(), as_of="2024-01-01").empty


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("status", "finished", "unknown status"),
        ("at", "31/13/2024", "not a date"),
        ("progress", 1.5, "fraction from 0 to 1"),
    ],
)
def test_bad_history_cell_is_reported_with_its_row(column: str, value: object, message: str):
    hist = _history()
    hist[column] = hist[column].astype(object)
    hist.loc[3, column] = value
    with pytest.raises(DataError, match=message) as err:
        progress(_activities(), hist, as_of=AS_OF, source="stato.csv")
    assert err.value.row == 4
    assert err.value.column == column


def test_activity_listed_twice_is_an_error() -> None:
    acts = pd.concat([_activities(), _activities().iloc[[2]]], ignore_index=True)
    with pytest.raises(DataError, match="listed twice") as err:
        progress(acts, _history(), as_of=AS_OF)
    assert err.value.row == 8


# -- expected vs obtained ----------------------------------------------------------------------


def _expected_plan() -> pd.DataFrame:
    rows = [
        # activity, kind, id, operator, value, period
        ("e1", "indicator", "registry.average_wait", "<=", "10", ""),
        ("e2", "indicator", "registry.online_certificates_share", "", "40", ""),
        ("e3", "standard", "registry.std.served_within_10min", "", "", ""),
        ("e4", "standard", "registry.std.certificate_wait", "", "", ""),
        ("e5", "survey_index", "registry.counter", ">=", "70", ""),
        ("e6", "survey_index", "registry.counter:courtesy", ">=", "70", ""),
        ("e7", "indicator", "registry.average_wait", "<=", "9", "2023"),
        ("e8", "", "", "", "", ""),  # training: no measurable result
    ]
    frame = pd.DataFrame(
        rows,
        columns=["activity", "expected_kind", "expected_id", "expected_operator",
                 "expected_value", "expected_period"],
    )  # fmt: skip
    return frame.assign(
        organization=ORG,
        year=2024,
        department="dem",
        type="indicators",
        planned_start="2024-01-01",
        planned_end="2024-12-31",
    )


def _values() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": ORG,
            "period": 2024,
            "indicator": ["registry.average_wait", "registry.online_certificates_share"],
            "value": [8.9, 38.9],
        }
    )


def _compliance() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "standard": ["registry.std.served_within_10min", "registry.std.certificate_wait"],
            "organization": ORG,
            "period": "2024",
            "scope": ["general", "specific"],
            "value": [65.5, 6.1],
            "unit": ["%", "minutes"],
            "target": [">= 80", "<= 10"],
            "met": [False, False],
            "share_within": [np.nan, 0.85],
            "required_share": [np.nan, 0.9],
        }
    )


def _survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": ORG,
            "instrument": "registry.counter",
            "dimension": ["overall", "courtesy", "waiting"],
            "index": [69.5, 72.5, 60.0],
        }
    )


def test_expected_vs_obtained_hand_computed() -> None:
    catalog = catalog_with(installed=["registry"])
    got = expected_vs_obtained(
        _expected_plan(),
        values=_values(),
        compliance=_compliance(),
        survey=_survey(),
        catalog=catalog,
    )
    cols = ["activity", "operator", "expected", "obtained", "unit", "polarity", "outcome", "gap"]
    expected = pd.DataFrame(
        [
            # <= 10 minutes, 8.9 obtained: gap 10 - 8.9 = 1.1 (met, lower is better)
            ("e1", "<=", 10.0, 8.9, "minutes", "lower_is_better", "met", 1.1),
            # operator from the polarity (higher is better): 38.9 - 40 = -1.1
            ("e2", ">=", 40.0, 38.9, "%", "higher_is_better", "not_met", -1.1),
            # the standard's own target ">= 80": 65.5 - 80 = -14.5
            ("e3", ">=", 80.0, 65.5, "%", "higher_is_better", "not_met", -14.5),
            # specific standard: 85% of deliveries within 10 minutes, 90% required: -5 points
            ("e4", ">=", 90.0, 85.0, "%", "higher_is_better", "not_met", -5.0),
            # overall satisfaction index 69.5 against 70: -0.5
            ("e5", ">=", 70.0, 69.5, "points", "higher_is_better", "not_met", -0.5),
            # courtesy 72.5 against 70: +2.5
            ("e6", ">=", 70.0, 72.5, "points", "higher_is_better", "met", 2.5),
            # 2023 not measured: no data (e8 has no expected result: no row)
            ("e7", "<=", 9.0, np.nan, "minutes", "lower_is_better", "no_data", np.nan),
        ],
        columns=cols,
    )
    pd.testing.assert_frame_equal(got[cols], expected, check_exact=False, rtol=1e-12)
    assert set(got["period"]) == {"2024", "2023"}


def test_without_catalog_the_operator_must_be_written() -> None:
    with pytest.raises(DataError, match="write >= or <=") as err:
        expected_vs_obtained(_expected_plan(), values=_values())
    assert err.value.row == 2
    assert err.value.column == "expected_operator"


def test_unknown_id_names_its_row() -> None:
    plan = _expected_plan()
    plan.loc[4, "expected_id"] = "registry.counterr"
    with pytest.raises(DataError, match="not in the catalog") as err:
        expected_vs_obtained(plan, catalog=catalog_with(installed=["registry"]))
    assert err.value.row == 5


def test_missing_tables_give_no_data() -> None:
    got = expected_vs_obtained(_expected_plan(), catalog=catalog_with(installed=["registry"]))
    assert set(got["outcome"]) == {"no_data"}


def test_gaps_open_linked_actions() -> None:
    catalog = catalog_with(installed=["registry"])
    eo = expected_vs_obtained(
        _expected_plan(), values=_values(), compliance=_compliance(), survey=_survey(),
        catalog=catalog,
    )  # fmt: skip
    acts = actions_from_expected(eo)
    # four results not met: e2, e3, e4, e5
    assert sorted(acts["activity"]) == ["e2", "e3", "e4", "e5"]
    assert set(acts["department"]) == {"dem"}
    assert set(acts["source"]) == {"programme"}
    # shortfalls in percent of the target: e3 14.5 / 80 = 18.1% -> impact 1 + 0 = 1;
    # e4 5 / 90 = 5.6% -> 1; e2 1.1 / 40 -> 1; e5 0.5 / 70 -> 1
    assert set(acts["impact"]) == {1}
    plan = ImprovementPlan.from_frame(acts)
    assert plan.action(f"prog-e3-{ORG}").activity == "e3"
    assert list(plan.to_frame().columns) == ACTION_COLUMNS


def test_old_action_tables_without_links_still_load() -> None:
    old = pd.DataFrame({"id": ["a"], "title": ["Orari"], "status": ["planned"]})
    plan = ImprovementPlan.from_frame(old)
    assert plan.actions[0].department == ""
    # a full action table written before the links existed
    written = plan.to_frame().drop(columns=["department", "activity"])
    combined = combine_actions(written)
    assert combined.loc[0, "activity"] == ""
    assert list(combined.columns) == ACTION_COLUMNS


# -- properties --------------------------------------------------------------------------------

_DAYS = pd.date_range("2024-01-01", "2024-12-31", freq="D")


@st.composite
def _plans(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = draw(st.integers(1, 8))
    acts, hist = [], []
    for i in range(n):
        start = draw(st.integers(0, 300))
        end = draw(st.integers(start, 364))
        acts.append(
            {
                "organization": ORG,
                "year": 2024,
                "activity": f"a{i}",
                "department": draw(st.sampled_from(["dem", "cult", "pol"])),
                "type": "survey",
                "planned_start": _DAYS[start].date().isoformat(),
                "planned_end": _DAYS[end].date().isoformat(),
            }
        )
        for _ in range(draw(st.integers(0, 3))):
            hist.append(
                {
                    "organization": ORG,
                    "year": 2024,
                    "activity": f"a{i}",
                    "at": _DAYS[draw(st.integers(0, 364))].date().isoformat(),
                    "status": draw(st.sampled_from(["started", "done", "suspended", "cancelled"])),
                    "progress": draw(st.sampled_from([None, 0.0, 0.3, 0.8])),
                }
            )
    columns = ["organization", "year", "activity", "at", "status", "progress"]
    return pd.DataFrame(acts), pd.DataFrame(hist, columns=columns)


# each run costs pandas' fixed overhead (~50 ms): fewer examples keep the local loop fast
@settings(max_examples=15)
@given(_plans(), st.randoms(use_true_random=False), st.integers(0, 364))
def test_row_order_is_irrelevant(plan, rnd, day) -> None:
    acts, hist = plan
    as_of = _DAYS[day]
    first = progress(acts, hist, as_of=as_of)
    shuffled = progress(
        acts.sample(frac=1, random_state=rnd.randint(0, 10**6)),
        hist.sample(frac=1, random_state=rnd.randint(0, 10**6)),
        as_of=as_of,
    )
    pd.testing.assert_frame_equal(first, shuffled)


@pytest.mark.slow
@settings(max_examples=15)
@given(_plans(), st.integers(0, 364))
def test_by_department_equals_separate_runs(plan, day) -> None:
    acts, hist = plan
    as_of = _DAYS[day]
    whole = progress_by_department(acts, hist, as_of=as_of)
    for dept, part in acts.groupby("department"):
        alone = progress_by_department(
            part, hist[hist["activity"].isin(part["activity"])], as_of=as_of
        )
        row = whole[whole["department"] == dept].reset_index(drop=True)
        pd.testing.assert_frame_equal(alone, row)


@settings(max_examples=20)
@given(_plans(), st.integers(0, 364))
def test_done_before_its_end_is_never_overdue(plan, day) -> None:
    acts, hist = plan
    table = progress(acts, hist, as_of=_DAYS[day])
    done_on_time = table["status"].eq("done") & (table["status_on"] <= table["planned_end"])
    assert not table.loc[done_on_time, "overdue"].any()
    assert (table.loc[done_on_time, "days_late"] == 0).all()
    # and whatever is done or cancelled is never overdue
    assert not table.loc[table["status"].isin(["done", "cancelled"]), "overdue"].any()


@settings(max_examples=25)
@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.sampled_from([">=", "<="]),
)
def test_gap_sign_is_the_outcome(target: float, value: float, op: str) -> None:
    plan = pd.DataFrame(
        {"organization": ORG, "year": 2024, "activity": ["x"], "expected_kind": "indicator",
         "expected_id": "i", "expected_operator": op, "expected_value": [target]}
    )  # fmt: skip
    vals = pd.DataFrame({"organization": ORG, "period": 2024, "indicator": ["i"], "value": value})
    row = expected_vs_obtained(plan, values=vals).iloc[0]
    met = value >= target if op == ">=" else value <= target
    assert (row["outcome"] == "met") == (met or np.isclose(value, target, rtol=1e-9, atol=1e-12))
    assert (row["gap"] >= 0) == (row["outcome"] == "met")
