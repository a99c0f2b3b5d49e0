"""Compliance of general and specific standards, refunds (hand-computed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualitapa.errors import DataError
from qualitapa.standards import QualityStandard, compliance, refunds_due

WAIT = QualityStandard.from_mapping(
    {
        "id": "registry.wait",
        "service": "registry",
        "dimension": "timeliness",
        "label": "Attesa allo sportello",
        "formula": "waiting_minutes",
        "target": "<= 20",
        "unit": "minutes",
        "scope": "specific",
        "required_share": 0.9,
        "refund": {"amount": 5, "per_unit": 1, "unit_size": 10, "cap": 20},
    }
)
ONLINE = QualityStandard(
    "registry.online", "registry", "accessibility", "Certificati online", ">= 70",
    formula="registry.online / registry.total * 100", unit="%", sub_dimension="multichannel",
)  # fmt: skip
SATISFACTION = QualityStandard(
    "registry.satisfaction", "registry", "effectiveness", "Soddisfazione",
    {"comparator": "between", "value": [70, 100]}, indicator="registry.satisfaction_index",
)  # fmt: skip


def _deliveries() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "standard": ["registry.wait"] * 8 + ["other"],
            "organization": ["mo"] * 6 + ["re"] * 2 + ["mo"],
            "period": [2024] * 9,
            "waiting_minutes": [5, 15, 20, 25, 41, None, 10, 12, 99],
        }
    )


def test_specific_standard_share_and_refunds() -> None:
    res = compliance([WAIT], deliveries=_deliveries()).set_index("organization")
    mo = res.loc["mo"]
    # measurable: 5, 15, 20, 25, 41 (one missing); within <= 20: 3 of 5
    assert mo["n_deliveries"] == 6
    assert mo["n_missing"] == 1
    assert mo["n_within"] == 3
    assert mo["share_within"] == pytest.approx(0.6)
    assert not mo["met"]  # 0.6 < 0.9
    assert mo["margin"] == pytest.approx(-0.3)
    assert mo["value"] == pytest.approx(106 / 5)  # mean wait, for information
    # 25 min: 5 past -> 5 + 1 * ceil(5/10) = 6; 41 min: 21 past -> 5 + 1 * 3 = 8
    assert mo["refunds_due"] == 2
    assert mo["refund_amount"] == 14.0
    re = res.loc["re"]
    assert re["share_within"] == 1.0
    assert re["met"]
    assert re["margin"] == pytest.approx(0.1)
    assert re["refund_amount"] == 0.0
    assert mo["period"] == "2024"
    assert mo["target"] == "<= 20"
    assert mo["required_share"] == 0.9


def test_refunds_per_delivery() -> None:
    owed = refunds_due([WAIT], _deliveries())
    assert owed["delivery"].tolist() == [4, 5]  # 1-based rows of the deliveries table
    assert owed["excess"].tolist() == [5.0, 21.0]
    assert owed["refund"].tolist() == [6.0, 8.0]
    assert owed["currency"].unique().tolist() == ["EUR"]


def test_general_standard_from_indicator_values() -> None:
    values = pd.DataFrame(
        {
            "organization": ["mo", "re", "pr"],
            "period": [2024, 2024, 2024],
            "indicator": "registry.satisfaction_index",
            "value": [82.0, 65.0, np.nan],
        }
    )
    res = compliance(SATISFACTION, indicator_values=values).set_index("organization")
    assert res.loc["mo", "met"]
    assert res.loc["mo", "margin"] == 12.0  # min(82 - 70, 100 - 82)
    assert not res.loc["re", "met"]
    assert res.loc["re", "margin"] == -5.0
    assert pd.isna(res.loc["pr", "met"])
    assert res.loc["pr", "reason"] == "value missing"


def test_general_standard_with_own_formula_over_raw_values() -> None:
    values = pd.DataFrame(
        {
            "organization": ["mo", "mo", "re", "re"],
            "period": [2024] * 4,
            "indicator": ["registry.online", "registry.total"] * 2,
            "value": [300, 400, 130, 200],
        }
    )
    res = compliance([ONLINE], indicator_values=values).set_index("organization")
    # 300 / 400 * 100 = 75 >= 70; 130 / 200 * 100 = 65
    assert res.loc["mo", "value"] == 75.0
    assert res.loc["mo", "margin"] == 5.0
    assert res.loc["mo", "met"]
    assert res.loc["re", "margin"] == -5.0
    assert not res.loc["re", "met"]


def test_complaint_answer_times_feed_timeliness_standards() -> None:
    # a complaints table with answer_days, as the complaints KPIs produce it
    complaints = pd.DataFrame(
        {"organization": "mo", "period": 2024, "answer_days": [10, 31, 29, 45, 20]}
    )
    specific = QualityStandard(
        "urp.answer", "urp", "timeliness", "Risposta ai reclami", "<= 30",
        formula="answer_days", scope="specific",
    )  # fmt: skip
    mean = QualityStandard(
        "urp.answer_mean", "urp", "timeliness", "Tempo medio di risposta", "<= 25",
        formula="answer_days",
    )  # fmt: skip
    p90 = QualityStandard(
        "urp.answer_p90", "urp", "timeliness", "90° percentile", "<= 40",
        formula="answer_days", aggregate="p90",
    )  # fmt: skip
    res = compliance(
        [specific, mean, p90],
        deliveries={"urp.answer": complaints, "urp.answer_mean": complaints,
                    "urp.answer_p90": complaints},
    ).set_index("standard")  # fmt: skip
    assert res.loc["urp.answer", "share_within"] == 0.6  # 10, 29, 20 of 5
    assert not res.loc["urp.answer", "met"]
    assert res.loc["urp.answer_mean", "value"] == 27.0  # 135 / 5
    assert res.loc["urp.answer_mean", "margin"] == -2.0
    # numpy linear quantile of 10, 20, 29, 31, 45 at 0.9: 31 + 0.6 * 14 = 39.4
    assert res.loc["urp.answer_p90", "value"] == pytest.approx(39.4)
    assert res.loc["urp.answer_p90", "met"]


def test_standards_without_data_are_reported_not_dropped() -> None:
    res = compliance([WAIT, SATISFACTION], indicator_values=None, deliveries=None)
    assert len(res) == 2
    assert res["met"].isna().all()
    assert res.loc[0, "reason"].startswith("no delivery records")
    assert res.loc[1, "reason"] == "no indicator values given"


def test_non_numeric_delivery_value_names_row_and_column() -> None:
    d = _deliveries().astype({"waiting_minutes": object})
    d.loc[3, "waiting_minutes"] = "twenty"
    with pytest.raises(DataError) as info:
        compliance([WAIT], deliveries=d, source="wait.csv")
    assert info.value.column == "waiting_minutes"
    assert info.value.row == 4
    assert info.value.source == "wait.csv"


def test_duplicate_indicator_values_are_an_error() -> None:
    values = pd.DataFrame(
        {"organization": ["mo", "mo"], "period": [2024, 2024],
         "indicator": ["x", "x"], "value": [1, 2]}
    )  # fmt: skip
    with pytest.raises(DataError, match="twice") as info:
        compliance([SATISFACTION], indicator_values=values)
    assert info.value.row == 2


def test_input_frames_are_not_mutated() -> None:
    d = _deliveries()
    before = d.copy()
    compliance([WAIT], deliveries=d)
    pd.testing.assert_frame_equal(d, before)
