"""The libraries plugin: definitions, hand-checked indicators, questionnaire, demo data."""

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
    return assert_plugin_ok(load_installed_plugin("libraries"), installed=["qclub"])


def test_definitions_are_valid_and_complete(catalog):
    inds = catalog.indicators.by_service("libraries")
    assert len(inds) >= 8
    assert {i.dimension for i in inds} == set(Dimension)
    for ind in inds:
        assert ind.label.en
        assert ind.description is not None
        assert ind.description.en
    assert not set(catalog.variables) & set(catalog.indicators)
    (index,) = catalog.composites.by_service("libraries")
    assert set(index.indicators()) <= set(catalog.indicators)
    assert "libraries.staff_per_10000" not in index.indicators()  # neutral: not in the index
    # IFLA/UNESCO Public Library Service Guidelines (2001): 1.5-2.5 books per capita
    assert str(catalog.indicators["libraries.collection_per_inhabitant"].target) == ">= 1.5"


def test_questionnaire(catalog):
    inst = catalog.instruments["libraries.users"]
    assert len(inst.items()) >= 15
    assert set(inst.importance_items()) <= {q.id for q in inst.items()}
    assert [q.id for q in inst.nps_questions()] == ["recommend"]
    assert all(q.scale.dont_know == (9.0,) for q in inst.items())
    assert {"sex", "age_class", "citizenship", "education", "frequency"} <= {
        q.id for q in inst.questions
    }


def test_indicators_by_hand(catalog):
    wide = pd.DataFrame(
        {
            "organization": ["016024"],
            "period": [2024],
            "libraries.loans": [144_000],
            "libraries.digital_loans": [16_000],
            "libraries.active_users": [12_000],
            "libraries.collection": [180_000],
            "libraries.acquisitions": [6_000],
            "libraries.cost": [2_400_000],
            "libraries.visits": [300_000],
        }
    )
    out = compute(catalog, wide, catalog=catalog).set_index("indicator")["value"]
    # Bergamo 120,000 inhabitants in the qclub plugin
    assert out["libraries.loans_per_inhabitant"] == pytest.approx(1.2)  # 144,000 / 120,000
    assert out["libraries.impact"] == pytest.approx(10.0)  # 12,000 / 120,000 * 100
    assert out["libraries.circulation"] == pytest.approx(0.8)  # 144,000 / 180,000
    assert out["libraries.collection_per_inhabitant"] == pytest.approx(1.5)  # 180k / 120k
    assert out["libraries.acquisitions_per_1000"] == pytest.approx(50.0)  # 6,000 / 120
    assert out["libraries.cost_per_loan"] == pytest.approx(15.0)  # 2.4M / (144k + 16k)
    assert out["libraries.loans_per_user"] == pytest.approx(12.0)  # 144,000 / 12,000
    assert out["libraries.digital_loans_share"] == pytest.approx(10.0)  # 16k / 160k
    assert out["libraries.visits_per_inhabitant"] == pytest.approx(2.5)  # 300k / 120k


def test_cost_per_loan_without_digital_loans(catalog):
    wide = pd.DataFrame(
        {
            "organization": ["016024"],
            "period": [2010],
            "libraries.loans": [100_000],
            "libraries.cost": [2_000_000],
        }
    )
    out = compute(["libraries.cost_per_loan"], wide, catalog=catalog)
    assert out["value"].iloc[0] == pytest.approx(20.0)  # digital loans missing count as 0


def test_charter_and_interlibrary_refund(catalog):
    charter = catalog.charters["libraries.charter"]
    standards = charter.resolve_standards(catalog.standards)
    assert {s.dimension.value for s in standards} == {
        "accessibility",
        "timeliness",
        "transparency",
        "effectiveness",
    }
    ill = catalog.standards["libraries.std.interlibrary_loan"]
    records = pd.DataFrame(
        {
            "organization": ["016024"] * 5,
            "period": [2024] * 5,
            "standard": "libraries.std.interlibrary_loan",
            "working_days": [5, 12, 15, 16, 30],
        }
    )
    row = compliance(ill, deliveries=records).iloc[0]
    assert row["n_within"] == 3  # 5, 12 and 15 working days
    assert row["share_within"] == pytest.approx(0.6)
    assert not row["met"]  # required 90%
    assert row["refund_amount"] == pytest.approx(6.0)  # 2 late requests x EUR 3


def test_demo_data_covers_every_variable(catalog):
    (ds,) = [d for d in catalog.datasets.values() if d.kind == "indicator_data"]
    assert ds.synthetic
    data = pd.read_csv(ds.path, dtype={"organization": str})
    assert set(data["organization"]) == QCLUB_IDS
    assert set(data["period"]) == set(range(2009, 2025))
    assert set(data["variable"]) == {v.id for v in catalog.variables.by_service("libraries")}
    values = compute(catalog, data, catalog=catalog)
    assert (values["status"] == "ok").mean() > 0.95
    ok = values[values["status"] == "ok"]
    per_user = ok.loc[ok["indicator"] == "libraries.loans_per_user", "value"]
    assert per_user.between(5, 25).all()
    loans = ok.loc[ok["indicator"] == "libraries.loans_per_inhabitant", "value"]
    assert loans.between(0.1, 4).all()


def test_every_label_in_english_and_german():
    # a German (Bolzano) or English report falls back to Italian nowhere: every label of
    # every item (questions, choices, scales, standards, refunds, charter texts...)
    assert_plugin_translated(load_installed_plugin("libraries"), ("en", "de"), installed=["qclub"])
