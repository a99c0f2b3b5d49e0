"""Modena's synthetic quality programme of 2024: the sheets are valid and tell the year."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest

from qualitapa.programme import (
    SHEETS,
    ProgrammeStore,
    check_sheet,
    overdue,
    progress,
    read_sheet,
)
from qualitapa.testing import catalog_with, load_installed_plugin

FOLDER = Path(str(files("qualitapa_modena") / "programme"))
BASE = ["qclub", "registry", "libraries", "nurseries", "personnel"]


@pytest.fixture(scope="module")
def catalog():
    return catalog_with(("modena", load_installed_plugin("modena")), installed=BASE)


@pytest.fixture(scope="module")
def sheets(catalog):
    found = {d.path.stem: d.read() for d in catalog.datasets.values()
             if d.kind == "programme" and d.id.startswith("modena.")}  # fmt: skip
    # every sheet of the plan (issue 19) and of training, certification and practices
    # (issue 20: tests/test_modena_quality.py)
    assert set(found) == set(SHEETS)
    return {name: read_sheet(FOLDER / f"{name}.csv", name) for name in found}


def test_every_sheet_is_valid(sheets):
    for name, frame in sheets.items():
        check_sheet(frame, name, source=f"{name}.csv")


def test_every_dataset_says_it_is_synthetic(catalog):
    programme = [d for d in catalog.datasets.values()
                 if d.kind.startswith("programme") and d.id.startswith("modena.")]  # fmt: skip
    # 18 sheets and the plan of February (programme_draft); qclub ships its own
    assert len(programme) == 19
    assert all(d.synthetic and "sintetic" in d.label.it for d in programme)
    assert "SINTETICI" in (FOLDER / "LEGGIMI.md").read_text(encoding="utf-8")


def test_people_are_fake(sheets):
    people = sheets["people"]
    assert people["email"].str.endswith("@example.org").all()
    referents = sheets["roles"].query("role == 'referent'")["person"]
    assert set(people.set_index("person").loc[referents, "category"]) <= {"D", "C"}


def test_expected_results_name_catalog_items(sheets, catalog):
    acts = sheets["activities"]
    kinds = {"indicator": catalog.indicators, "standard": catalog.standards,
             "survey_index": catalog.instruments}  # fmt: skip
    for kind, items in kinds.items():
        ids = acts.loc[acts["expected_kind"] == kind, "expected_id"].str.split(":").str[0]
        assert len(ids)
        assert set(ids) <= set(items)


def test_the_year_has_every_type_and_some_trouble(sheets):
    acts, hist = sheets["activities"], sheets["activity_status"]
    assert len(acts) == 25
    assert set(acts["type"]) == {"survey", "indicators", "charter", "caf", "complaints",
                                 "certification", "training", "benchmarking"}  # fmt: skip
    table = progress(acts, hist, as_of="2024-12-31")
    counts = table["status"].value_counts().to_dict()
    # counted from activity_status.csv: 16 done, 5 started (A03, A11, A16, A22, A25),
    # 2 suspended (A10, A24), 1 cancelled (A14), 1 never started (A23)
    assert counts == {"done": 16, "started": 5, "suspended": 2, "cancelled": 1, "planned": 1}
    late = overdue(acts, hist, as_of="2024-12-31")
    # A11 and A25 ended 30 Sep (92 days), A03 and A23 31 Oct (61), A10 and A24 30 Nov (31)
    assert late["activity"].tolist() == ["A11", "A25", "A03", "A23", "A10", "A24"]
    assert late["days_late"].tolist() == [92, 92, 61, 61, 31, 31]
    assert len(sheets["meetings"]) == 4


def test_version_2_of_the_plan_is_recorded_as_differences(tmp_path, sheets):
    store = ProgrammeStore(tmp_path / "programme.db")
    february = {name: sheets[name] for name in ("departments", "people", "roles")}
    february["plans"] = read_sheet(FOLDER / "piano-v1" / "plans.csv", "plans")
    february["activities"] = read_sheet(FOLDER / "piano-v1" / "activities.csv", "activities")
    first = store.import_sheets(february, by="P02", at="2024-02-28T09:00+01:00", partial=True)
    assert first.counts.set_index("sheet").loc["activities", "added"] == 23
    july = store.import_sheets(sheets, by="P02", at="2024-07-17T09:00+02:00")
    act = july.counts.set_index("sheet").loc["activities"]
    # A10 and A24 added; A09 (owner) and A11 (planned end) changed
    assert (act["added"], act["changed"]) == (2, 2)
    plans = store.table("plans").set_index("version")
    assert plans.loc[1, "status"] == "superseded"
    assert plans.loc[2, "resolution"] == "412/2024"
    assert isinstance(store.history(), pd.DataFrame)
    store.close()
