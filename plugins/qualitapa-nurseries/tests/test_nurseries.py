"""The nurseries plugin: definitions, hand-checked indicators, questionnaire, demo data."""

from __future__ import annotations

import pandas as pd
import pytest

from qualitapa.indicators import compute
from qualitapa.models import Dimension
from qualitapa.standards import compliance
from qualitapa.testing import assert_plugin_ok, assert_plugin_translated, load_installed_plugin

QCLUB_IDS = {"022205", "015146", "001272", "010025", "027042", "016024", "021008", "036023"}


@pytest.fixture(scope="module")
def catalog():
    return assert_plugin_ok(load_installed_plugin("nurseries"), installed=["qclub"])


def test_definitions_are_valid_and_complete(catalog):
    inds = catalog.indicators.by_service("nurseries")
    assert len(inds) >= 8
    assert {i.dimension for i in inds} == set(Dimension)
    for ind in inds:
        assert ind.label.en
        assert ind.description is not None
        assert ind.description.en
    assert not set(catalog.variables) & set(catalog.indicators)
    (index,) = catalog.composites.by_service("nurseries")
    assert set(index.indicators()) <= set(catalog.indicators)
    assert "nurseries.fee_coverage" not in index.indicators()  # neutral: not in the index


def test_barcelona_targets(catalog):
    # European Council, Barcelona 2002: 33%; Council Recommendation of 8/12/2022: 45% by 2030
    assert str(catalog.indicators["nurseries.coverage"].target) == ">= 33"
    assert str(catalog.indicators["nurseries.participation"].target) == ">= 45"


def test_questionnaire(catalog):
    inst = catalog.instruments["nurseries.parents"]
    assert inst.service == "nurseries"
    assert len(inst.items()) >= 15
    assert set(inst.importance_items()) <= {q.id for q in inst.items()}
    assert [q.id for q in inst.nps_questions()] == ["recommend"]
    assert all(q.scale.dont_know == (9.0,) for q in inst.items())
    assert {"sex", "age_class", "citizenship", "education"} <= {q.id for q in inst.questions}


def test_charter_and_standards(catalog):
    charter = catalog.charters["nurseries.charter"]
    standards = charter.resolve_standards(catalog.standards)
    assert {s.dimension.value for s in standards} == {
        "accessibility",
        "timeliness",
        "transparency",
        "effectiveness",
    }
    (closure,) = [s for s in standards if s.refund is not None]
    # 15 EUR per day of unplanned closure, at most 150 EUR: 0, 1, 3 and 12 days
    assert closure.refund.amounts([0.0, 1.0, 3.0, 12.0]).tolist() == [0.0, 15.0, 45.0, 150.0]
    records = pd.DataFrame(
        {
            "organization": ["036023"] * 4,
            "period": [2024] * 4,
            "standard": "nurseries.std.no_unplanned_closure",
            "unplanned_closure_days": [0, 0, 2, 0],
        }
    )
    row = compliance(closure, deliveries=records).iloc[0]
    assert row["share_within"] == pytest.approx(0.75)  # 3 of 4 child-months without closure
    assert not row["met"]  # required share 0.98
    assert row["refund_amount"] == pytest.approx(30.0)  # 2 days x 15 EUR


def test_indicators_by_hand(catalog):
    wide = pd.DataFrame(
        {
            "organization": ["036023"],
            "period": [2024],
            "nurseries.children_0_2": [4_000],
            "nurseries.places_public": [1_000],
            "nurseries.places_private": [320],
            "nurseries.enrolled": [1_050],
            "nurseries.enrolled_private": [300],
            "nurseries.applications": [1_400],
            "nurseries.waiting_list": [280],
            "nurseries.cost": [12_600_000],
            "nurseries.fee_revenue": [2_520_000],
            "nurseries.educators_fte": [175.0],
        }
    )
    out = compute(catalog, wide, catalog=catalog).set_index("indicator")["value"]
    assert out["nurseries.coverage"] == pytest.approx(33.0)  # (1,000 + 320) / 4,000
    assert out["nurseries.participation"] == pytest.approx(33.75)  # (1,050 + 300) / 4,000
    assert out["nurseries.demand_met"] == pytest.approx(75.0)  # 1,050 / 1,400
    assert out["nurseries.waiting_list_share"] == pytest.approx(20.0)  # 280 / 1,400
    assert out["nurseries.occupancy"] == pytest.approx(105.0)  # 1,050 / 1,000
    assert out["nurseries.cost_per_child"] == pytest.approx(12_000.0)  # 12.6M / 1,050
    assert out["nurseries.net_cost_per_child"] == pytest.approx(9_600.0)  # 10.08M / 1,050
    assert out["nurseries.fee_coverage"] == pytest.approx(20.0)  # 2.52M / 12.6M
    assert out["nurseries.children_per_educator"] == pytest.approx(6.0)  # 1,050 / 175


def test_demo_data_covers_every_variable(catalog):
    (ds,) = [d for d in catalog.datasets.values() if d.kind == "indicator_data"]
    assert ds.synthetic
    data = pd.read_csv(ds.path, dtype={"organization": str})
    assert set(data["organization"]) == QCLUB_IDS
    assert set(data["period"]) == set(range(2009, 2025))
    assert set(data["variable"]) == {v.id for v in catalog.variables.by_service("nurseries")}
    wide = data.pivot_table(index=["organization", "period"], columns="variable", values="value")
    both = wide.dropna()
    assert (both["nurseries.enrolled"] <= 1.1 * both["nurseries.places_public"]).all()
    assert (both["nurseries.enrolled"] <= both["nurseries.applications"]).all()
    not_admitted = both["nurseries.applications"] - both["nurseries.enrolled"]
    assert (both["nurseries.waiting_list"] <= not_admitted).all()
    assert (both["nurseries.fee_revenue"] < both["nurseries.cost"]).all()
    values = compute(catalog, data, catalog=catalog)
    coverage = values[(values["indicator"] == "nurseries.coverage") & (values["period"] == 2024)]
    assert coverage["value"].between(15, 70).all()


def test_every_label_in_english_and_german():
    # a German (Bolzano) or English report falls back to Italian nowhere: every label of
    # every item (questions, choices, scales, standards, refunds, charter texts...)
    assert_plugin_translated(load_installed_plugin("nurseries"), ("en", "de"), installed=["qclub"])
