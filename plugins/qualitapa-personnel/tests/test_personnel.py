"""qualitapa-personnel: definitions, hand-checked values, staff-climate questionnaire, demo data."""

from importlib.resources import files

import pandas as pd
import pytest

from qualitapa.indicators import compute
from qualitapa.surveys import score_items
from qualitapa.testing import assert_plugin_ok, catalog_with, load_installed_plugin

QCLUB = ["qclub"]


@pytest.fixture(scope="module")
def catalog():
    return catalog_with(("personnel", load_installed_plugin("personnel")), installed=QCLUB)


def test_definitions_are_valid():
    catalog = assert_plugin_ok(load_installed_plugin("personnel"), installed=QCLUB)
    indicators = catalog.indicators.by_service("personnel")
    assert len(indicators) >= 8
    for ind in indicators:
        assert ind.label.en
        assert ind.description is not None
        assert ind.description.en
        # every definition cites its source
        assert any(
            s in ind.description.it for s in ("Conto annuale", "Funzione Pubblica", "DPR", "D.Lgs")
        ), ind.id
    # Direttiva del Ministro per la PA 14/1/2025: at least 40 training hours per employee
    target = catalog.indicators["personnel.training_hours_per_employee"].target
    assert target.met([40.0, 39.9]).tolist() == [True, False]


def test_indicator_values_by_hand(catalog):
    data = pd.DataFrame(
        [
            {
                "organization": "036023",  # Modena (a Q-Club code: organizations must be known)
                "period": 2024,
                "personnel.staff": 1600,
                "personnel.training_hours": 40_000,
                "personnel.staff_trained": 1200,
                "personnel.training_spend": 240_000,
                "personnel.absence_days": 28_160,
                "personnel.workable_days": 352_000,
                "personnel.hires": 120,
                "personnel.separations": 80,
                "personnel.smart_workers": 320,
                "personnel.staff_mean_age": 49.5,
                "personnel.staff_aged_55_plus": 560,
                "personnel.managers": 80,
                "personnel.women_managers": 44,
                "population": 185_000,
            }
        ]
    )
    out = compute(catalog, data).set_index("indicator")["value"]
    expected = {
        "personnel.training_hours_per_employee": 25.0,  # 40,000 / 1,600
        "personnel.share_trained": 75.0,  # 1,200 / 1,600 * 100
        "personnel.training_spend_per_employee": 150.0,  # 240,000 / 1,600
        "personnel.absence_rate": 8.0,  # 28,160 / 352,000 * 100 (352,000 = 1,600 x 220)
        "personnel.turnover_rate": 12.5,  # (120 + 80) / 1,600 * 100
        "personnel.replacement_rate": 150.0,  # 120 / 80 * 100
        "personnel.staff_per_1000_inhabitants": 1600 / 185,  # 1,600 / 185,000 * 1,000 = 8.649
        "personnel.smart_working_share": 20.0,  # 320 / 1,600 * 100
        "personnel.average_age": 49.5,
        "personnel.share_aged_55_plus": 35.0,  # 560 / 1,600 * 100
        "personnel.women_in_management": 55.0,  # 44 / 80 * 100
    }
    for ind, value in expected.items():
        assert out[ind] == pytest.approx(value), ind


def test_staff_climate_questionnaire_is_consistent(catalog):
    inst = catalog.instruments["personnel.staff_climate"]
    assert inst.service == "personnel"
    # the nine ANAC areas A-I, the direct superior and the overall item
    assert len(inst.dimensions) == 11
    assert set(inst.dimension_items()) == {d.id for d in inst.dimensions}
    assert len(inst.items()) >= 30
    # ANAC 2013 model: six-point agreement scale, no middle point; 9 = don't know, not a score
    scale = inst.question("a01").scale
    assert scale.points == (1, 2, 3, 4, 5, 6)
    assert scale.dont_know == (9,)
    # negatively worded items are reverse-coded
    assert {q.id for q in inst.questions if q.reverse} == {"a04", "a05", "h03"}
    assert [q.id for q in inst.nps_questions()] == ["recommend"]
    ids = {q.id for q in inst.questions}
    assert {"sex", "age_class", "contract", "role", "seniority"} <= ids
    for q in inst.questions:
        assert q.label.en, q.id
        for c in q.choices:
            assert c.label.en, (q.id, c.code)


def test_reverse_item_is_scored_so_that_100_is_best(catalog):
    inst = catalog.instruments["personnel.staff_climate"]
    answers = pd.DataFrame({"a04": [1, 2, 9]})  # "I have been harassed": 1 = strongly disagree
    row = score_items(inst, answers, questions=["a04"], min_n=1).iloc[0]
    assert row["n"] == 2
    assert row["n_dont_know"] == 1
    # reversed: 1 -> 6 and 2 -> 5; index = mean of (6-1)/5*100 = 100 and (5-1)/5*100 = 80
    assert row["index"] == pytest.approx(90.0)


def test_demo_data_covers_every_variable_city_and_year(catalog):
    assert catalog.datasets["personnel.demo.indicators"].synthetic
    path = files("qualitapa_personnel") / "demo" / "indicator_data.csv"
    with path.open(encoding="utf-8") as fh:
        data = pd.read_csv(fh, dtype={"organization": str})
    variables = {v.id for v in catalog.variables.by_service("personnel")}
    assert set(data["variable"]) == variables
    for _, group in data.groupby("variable"):
        assert set(group["organization"]) == set(catalog.organizations)
        assert set(group["period"]) == set(range(2009, 2025))
    expected = 8 * 16 * len(variables)
    assert 0.97 * expected <= len(data) < expected  # a few missing values
    wide = data.pivot_table(index=["organization", "period"], columns="variable", values="value")
    for part, whole in [
        ("personnel.staff_trained", "personnel.staff"),
        ("personnel.smart_workers", "personnel.staff"),
        ("personnel.women_managers", "personnel.managers"),
        ("personnel.absence_days", "personnel.workable_days"),
    ]:
        pair = wide[[part, whole]].dropna()
        assert (pair[part] <= pair[whole]).all(), part
    values = compute(catalog, data)
    rate = values.loc[values["indicator"] == "personnel.absence_rate", "value"].dropna()
    assert rate.between(2, 20).all()


def test_composite_index_by_hand(catalog):
    from qualitapa.composite import composite

    values = pd.DataFrame(
        {
            "organization": ["a", "b", "c"],
            "period": [2024, 2024, 2024],
            "personnel.training_hours_per_employee": [10.0, 20.0, 30.0],  # min-max 0, .5, 1
            "personnel.share_trained": [50.0, 70.0, 90.0],  # 0, .5, 1
            "personnel.training_spend_per_employee": [100.0, 200.0, 150.0],  # 0, 1, .5
            "personnel.absence_rate": [6.0, 8.0, 10.0],  # lower is better: 1, .5, 0
            "personnel.smart_working_share": [10.0, 30.0, 20.0],  # 0, 1, .5
            "personnel.staff_per_1000_inhabitants": [8.0, 9.0, 10.0],  # lower: 1, .5, 0
        }
    )
    out = composite(values, "personnel.index", catalog=catalog, include_subindices=False)
    index = out.set_index("organization")["value"]
    # development 0, 2/3, 2.5/3; work organisation .5, .75, .25; staffing 1, .5, 0
    assert index["a"] == pytest.approx(50.0)  # (0 + .5 + 1) / 3 * 100
    assert index["b"] == pytest.approx(100 * (2 / 3 + 0.75 + 0.5) / 3)  # 63.89
    assert index["c"] == pytest.approx(100 * (2.5 / 3 + 0.25 + 0) / 3)  # 36.11
    assert out.set_index("organization")["rank"].to_dict() == {"a": 2, "b": 1, "c": 3}
