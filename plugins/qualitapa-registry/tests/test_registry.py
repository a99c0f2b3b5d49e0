"""The registry plugin: definitions, hand-checked indicators, questionnaire, demo data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qualitapa.complaints import ComplaintRegister, validate_history
from qualitapa.indicators import compute
from qualitapa.models import Dimension
from qualitapa.standards import compliance
from qualitapa.surveys import DEFAULT_EXTRA_COLUMNS, design_columns, design_from_mapping, validate
from qualitapa.testing import assert_plugin_ok, assert_plugin_translated, load_installed_plugin

QCLUB_IDS = {"022205", "015146", "001272", "010025", "027042", "016024", "021008", "036023"}


@pytest.fixture(scope="module")
def catalog():
    return assert_plugin_ok(load_installed_plugin("registry"), installed=["qclub"])


def _dataset(catalog, kind: str) -> pd.DataFrame:
    (ds,) = [d for d in catalog.datasets.values() if d.kind == kind]
    assert ds.synthetic
    return pd.read_csv(ds.path, dtype={"organization": str}, keep_default_na=True)


def test_definitions_are_valid_and_complete(catalog):
    assert set(catalog.services) >= {"registry", "registry.civil_status", "registry.foreigners"}
    inds = catalog.indicators.by_service("registry")
    assert len(inds) >= 8
    assert {i.dimension for i in inds} == set(Dimension)
    for ind in inds:
        assert ind.label.en
        assert ind.description is not None
        assert ind.description.en
        assert ind.unit
    for var in catalog.variables.by_service("registry"):
        assert var.label.en
        assert var.description is not None
        assert var.description.en
        assert var.unit
    # an id is either a variable or an indicator, never both (values share one column)
    assert not set(catalog.variables) & set(catalog.indicators)
    (index,) = catalog.composites.by_service("registry")
    assert set(index.indicators()) <= set(catalog.indicators)


def test_charter_and_standards(catalog):
    charter = catalog.charters["registry.charter"]
    standards = charter.resolve_standards(catalog.standards)
    assert {s.dimension.value for s in standards} == {
        "accessibility",
        "timeliness",
        "transparency",
        "effectiveness",
    }
    specific = [s for s in standards if s.scope.value == "specific"]
    assert any(s.refund is not None for s in specific)
    for s in standards:
        if s.indicator is not None:
            assert s.indicator in catalog.indicators
    assert charter.complaint_procedure.answer_days == 30


def test_complaint_categories_tree(catalog):
    cats = catalog.complaint_categories
    assert str(cats["registry.access.waiting"].deadline) == "10 working days"
    assert cats["registry.online.booking"].parent == "registry.online"
    assert {c.service for c in cats.values()} == {
        "registry",
        "registry.civil_status",
        "registry.foreigners",
    }


def test_indicators_by_hand(catalog):
    data = pd.DataFrame(
        {
            "organization": ["036023"] * 9,
            "period": [2024] * 9,
            "variable": [
                "registry.certificates",
                "registry.certificates_online",
                "registry.fte",
                "registry.counter_wait_minutes",
                "registry.counter_tickets",
                "registry.cie_issued",
                "registry.residence_changes",
                "registry.residence_changes_2days",
                "registry.cost",
            ],
            "value": [60_000, 24_000, 40, 450_000, 50_000, 22_200, 10_000, 9_650, 2_590_000],
        }
    )
    ids = [
        "registry.certificates_per_fte",
        "registry.online_certificates_share",
        "registry.average_wait",
        "registry.cie_per_1000",
        "registry.residence_changes_on_time",
        "registry.cost_per_inhabitant",
    ]
    out = compute(ids, data, catalog=catalog).set_index("indicator")["value"]
    assert out["registry.certificates_per_fte"] == pytest.approx(1500.0)  # 60,000 / 40
    assert out["registry.online_certificates_share"] == pytest.approx(40.0)  # 24k / 60k * 100
    assert out["registry.average_wait"] == pytest.approx(9.0)  # 450,000 min / 50,000 tickets
    # Modena's population in the qclub plugin is 185,000: 22,200 / 185,000 * 1,000 = 120
    assert out["registry.cie_per_1000"] == pytest.approx(120.0)
    assert out["registry.residence_changes_on_time"] == pytest.approx(96.5)  # 9,650 / 10,000
    assert out["registry.cost_per_inhabitant"] == pytest.approx(14.0)  # 2.59M / 185,000


def test_staff_per_10000_sums_the_three_offices(catalog):
    wide = pd.DataFrame(
        {
            "organization": ["022205"],
            "period": [2024],
            "registry.fte": [30.0],
            "registry.civil_status.fte": [8.0],
            "registry.foreigners.fte": [4.0],
        }
    )
    out = compute(["registry.staff_per_10000"], wide, catalog=catalog)
    # Trento 119,000 inhabitants: (30 + 8 + 4) / 119,000 * 10,000 = 3.5294...
    assert out["value"].iloc[0] == pytest.approx(42 / 11.9)


def test_demo_indicator_data_covers_every_variable(catalog):
    data = _dataset(catalog, "indicator_data")
    assert list(data.columns) == ["organization", "period", "variable", "value"]
    assert set(data["organization"]) == QCLUB_IDS
    assert set(data["period"]) == set(range(2009, 2025))
    assert set(data["variable"]) == {v.id for v in catalog.variables.by_service("registry")}
    expected = len(QCLUB_IDS) * 16 * len(set(data["variable"]))
    assert 0 < expected - len(data) < 0.02 * expected  # a few values missing on purpose
    wide = data.pivot_table(index=["organization", "period"], columns="variable", values="value")
    for part, whole in [
        ("registry.certificates_online", "registry.certificates"),
        ("registry.counter_served_10min", "registry.counter_tickets"),
        ("registry.residence_changes_2days", "registry.residence_changes"),
        ("registry.procedures_published", "registry.procedures"),
        (
            "registry.foreigners.citizenship_completed_on_time",
            "registry.foreigners.citizenship_grants",
        ),
    ]:
        both = wide[[part, whole]].dropna()
        assert (both[part] <= both[whole]).all(), part
    values = compute(catalog, data, catalog=catalog)
    assert (values["status"] == "ok").mean() > 0.98


def test_demo_survey_fits_the_questionnaire(catalog):
    inst = catalog.instruments["registry.counter"]
    responses = _dataset(catalog, "survey_responses")
    assert 2_500 <= len(responses) <= 3_500
    (dataset,) = [d for d in catalog.datasets.values() if d.kind == "survey_responses"]
    extra = (*DEFAULT_EXTRA_COLUMNS, *design_columns(dataset.design))
    result = validate(inst, responses, extra_columns=extra)
    # only the respondents without the required overall rating are dropped
    assert set(result.problems["question"]) == {"overall"}
    assert len(result.clean) > 0.98 * len(responses)
    assert (responses["wait_time"] == 9).any()
    assert responses["wait_time"].isna().any()
    # acc_booking is asked only of those who booked
    assert responses.loc[responses["booked"] == 0, "acc_booking"].isna().all()
    margins = _dataset(catalog, "survey_margins")
    cells = margins.groupby("organization").size()
    assert set(cells.index) == QCLUB_IDS
    assert (cells == 8).all()
    assert set(zip(responses["sex"], responses["age_class"], strict=True)) <= set(
        zip(margins["sex"], margins["age_class"], strict=True)
    )
    assert margins.groupby("organization")["share"].sum().to_numpy() == pytest.approx(1, abs=1e-3)


def test_demo_survey_declares_its_sampling_design(catalog):
    (dataset,) = [d for d in catalog.datasets.values() if d.kind == "survey_responses"]
    assert dataset.design == {
        "strata": "sportello", "clusters": "date", "fpc": "giorni_apertura", "nest": True
    }  # fmt: skip
    responses = _dataset(catalog, "survey_responses")
    design = design_from_mapping(responses, dataset.design)
    # 2 to 4 counters per city, each with 6 to 10 survey days out of 24 or 30 opening days
    per_city = responses.groupby("organization")["sportello"].nunique()
    assert per_city.between(2, 4).all()
    assert design.n_psu.min() >= 6
    assert design.n_psu.max() <= 10
    assert set(design.population) == {24.0, 30.0}


def test_demo_complaints_import_and_histories(catalog, tmp_path):
    (ds,) = [d for d in catalog.datasets.values() if d.kind == "complaints"]
    events = _dataset(catalog, "complaint_events")
    assert validate_history(events).empty
    with ComplaintRegister.open(tmp_path / "register.db") as reg:
        report = reg.import_csv(ds.path, catalog=catalog)
        assert report.problems.empty
        assert 300 <= report.imported <= 2_000
        current = reg.to_frame().set_index("id")["status"]
    last = events.sort_values("seq").drop_duplicates("complaint_id", keep="last")
    assert (current.reindex(last["complaint_id"]).to_numpy() == last["to_status"]).all()
    statuses = set(last["to_status"])
    assert {"closed", "answered", "forwarded", "rejected", "in_progress"} <= statuses
    assert {"suspended", "reopened"} <= set(events["to_status"])


def test_demo_deliveries_feed_compliance(catalog):
    deliveries = _dataset(catalog, "deliveries")
    assert len(deliveries) > 3_000
    result = compliance(catalog.standards, deliveries=deliveries)
    wait = result[result["standard"] == "registry.std.certificate_wait"]
    assert set(wait["organization"]) == QCLUB_IDS
    rows = deliveries[deliveries["standard"] == "registry.std.certificate_wait"]
    late = rows["waiting_minutes"] > 10
    # every wait over 10 minutes is owed the flat EUR 5 refund
    assert wait["refund_amount"].sum() == pytest.approx(5.0 * late.sum())
    assert not math.isnan(float(wait["share_within"].mean()))
    assert np.isin(wait["met"].astype(object), [True, False]).all()


def test_every_label_in_english_and_german():
    # a German (Bolzano) or English report falls back to Italian nowhere: every label of
    # every item (questions, choices, scales, standards, refunds, charter texts...)
    assert_plugin_translated(load_installed_plugin("registry"), ("en", "de"), installed=["qclub"])


#: The German of South Tyrol's registry counters (Stadtgemeinde Bozen, Südtiroler
#: Bürgernetz: Wohnsitzwechsel, Wohnsitzerklärung, Einbürgerungsdekret, Eidesleistung,
#: Überschreibung), and the words the plugin used for the same things before (issue 15).
SOUTH_TYROL_TERMS = {
    "Ansässigkeit": "Wohnsitz",
    "Wohnsitzänderung": "Wohnsitzwechsel",
    "Staatsbürgerschaftsdekret": "Einbürgerungsdekret",
    "Einbürgerungen": "Einbürgerungsdekrete",
    "Übertragung": "Überschreibung",
    "Eid und": "Eidesleistung und",
}


def _german(catalog):
    """The German text of every label of the registry plugin's items."""
    from qualitapa.catalog import KINDS
    from qualitapa.models import Text

    out = []

    def walk(obj, seen):
        if isinstance(obj, Text):
            out.append(obj.de or "")
        elif isinstance(obj, (list, tuple)):
            for x in obj:
                walk(x, seen)
        elif hasattr(obj, "__attrs_attrs__") and id(obj) not in seen:
            seen.add(id(obj))
            for a in obj.__attrs_attrs__:
                walk(getattr(obj, a.name), seen)

    for kind in KINDS:
        coll = catalog.collection(kind.name)
        for item_id, item in coll.items():
            if coll.plugin_of(item_id) != "qclub":  # the registry plugin (under test)
                walk(item, set())
    return out


def test_the_german_is_that_of_south_tyrol_registry_counters(catalog):
    german = _german(catalog)
    assert len(german) > 100
    for old, new in SOUTH_TYROL_TERMS.items():
        assert not [t for t in german if old in t], f"write {new!r}, not {old!r}"
    # the indicator, its standards and the survey's answer name the same thing alike
    labels = {t for t in german if "Wohnsitzwechsel" in t}
    assert len(labels) >= 4
