"""The demo's programme steps on small hand-made sheets (issue 20): training records feed the
personnel variables, training hours and needs, certification alerts, practice suggestions and
the summary's lines (fast: no demo run)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitapa.catalog import Catalog
from qualitapa.demo import _steps_programme as sp
from qualitapa.demo._profile import DemoProfile
from qualitapa.demo._state import DemoOptions, DemoResult, DemoState
from qualitapa.demo._summary import _programme
from qualitapa.indicators import benchmark
from qualitapa.io import read_table
from qualitapa.testing import isolated_plugins

CITY = "c1"
VARIABLES = list(sp.TRAINING_VARIABLES)


@pytest.fixture(scope="module")
def catalog():
    with isolated_plugins(["personnel"]):
        return Catalog.build()


def sheets() -> dict[str, pd.DataFrame]:
    """c1's records (2023 and 2024) and c2's, as read from CSV (text)."""
    sessions = pd.DataFrame(
        {"organization": ["c1", "c1", "c1", "c2"], "course": ["K1", "K1", "K2", "K1"],
         "session": ["1", "2", "1", "1"],
         "date": ["2024-03-05", "2024-10-01", "2023-05-02", "2024-02-01"],
         "hours": ["3", "4", "5", "7"]}
    )  # fmt: skip
    attendance = pd.DataFrame(
        {"organization": ["c1", "c1", "c1", "c1", "c2"],
         "course": ["K1", "K1", "K1", "K2", "K1"], "session": ["1", "2", "1", "1", "1"],
         "person": ["e1", "e1", "e2", "e3", "e9"], "department": ["D1", "D1", "D2", "D2", "D1"],
         "hours_attended": [None, "2", None, None, None]}
    )  # fmt: skip
    staff = pd.DataFrame(
        {"organization": ["c1", "c1", "c1", "c2"], "year": ["2024", "2024", "2023", "2024"],
         "department": ["D1", "D2", "D2", "D1"], "employees": ["4", "6", "6", "100"]}
    )  # fmt: skip
    courses = pd.DataFrame(
        {"organization": ["c1", "c1", "c2"], "course": ["K1", "K2", "K1"],
         "title": ["Privacy", "Qualità", "Privacy"], "topic": ["privacy", "quality", "privacy"],
         "audience": "staff"}
    )  # fmt: skip
    needs = pd.DataFrame(
        {"organization": "c1", "year": ["2024", "2024", "2023"], "department": ["D1", "D2", "D2"],
         "topic": ["privacy", "quality", "quality"], "audience": "staff",
         "people": ["1", "2", "1"], "hours": ["5", "2", "5"]}
    )  # fmt: skip
    certifications = pd.DataFrame(
        {"organization": ["c1", "c2"], "certificate": ["CE1", "CE9"], "department": ["D1", "D1"],
         "standard": "ISO 9001:2015", "issued": ["2022-03-16", "2020-01-01"],
         "expires": ["2025-03-15", "2023-01-01"], "status": "valid"}
    )  # fmt: skip
    audits = pd.DataFrame(
        {"organization": "c1", "audit": ["AU1"], "certificate": ["CE1"], "kind": ["surveillance"],
         "date": ["2024-05-17"]}
    )  # fmt: skip
    findings = pd.DataFrame(
        {"organization": "c1", "audit": "AU1", "finding": ["1", "2"],
         "kind": ["minor_nc", "observation"], "due": ["2024-09-30", None], "closed": None}
    )  # fmt: skip
    practices = pd.DataFrame(
        {"organization": ["c1", "c2", "c3"], "practice": ["BP0", "BP1", "BP2"],
         "title_it": ["Nostra", "Corsi brevi", "Piano della formazione"],
         "indicators": ["personnel.training_hours_per_employee",
                        "personnel.training_hours_per_employee",
                        "personnel.training_hours_per_employee, personnel.share_trained"]}
    )  # fmt: skip
    return {"course_sessions": sessions, "attendance": attendance, "staff": staff,
            "courses": courses, "training_needs": needs, "certifications": certifications,
            "audits": audits, "findings": findings, "practices": practices}  # fmt: skip


def typed_raw(hours: float = 20.0) -> pd.DataFrame:
    """The indicator data as typed: c1 2024 (hours differ from the records), 2023, c2."""
    rows = [
        ("c1", 2024, "personnel.training_hours", hours),
        ("c1", 2024, "personnel.staff_trained", 2.0),
        ("c1", 2024, "personnel.staff", 10.0),
        ("c1", 2024, "personnel.hires", 5.0),
        ("c1", 2023, "personnel.training_hours", 99.0),
        ("c2", 2024, "personnel.training_hours", 50.0),
    ]
    return pd.DataFrame(rows, columns=["organization", "period", "variable", "value"])


def make_state(catalog, tmp_path, raw=None, programme=None, lang="it") -> DemoState:
    options = DemoOptions(profile=DemoProfile("p", "P"), organization=CITY, lang=lang)
    state = DemoState(catalog=catalog, options=options, result=DemoResult(out=tmp_path))
    state.raw = typed_raw() if raw is None else raw
    state.programme = sheets() if programme is None else programme
    state.period = 2024
    return state


def test_training_records_replace_the_typed_variables_of_the_city_and_year(catalog, tmp_path):
    state = make_state(catalog, tmp_path)
    sp.join_training(state)
    raw = state.raw.set_index(["organization", "period", "variable"])["value"]
    # c1 2024: e1 3 h (session 1, whole) + 2 h (session 2) + e2 3 h = 8 h; e1, e2 trained;
    # staff D1 4 + D2 6 = 10 (the 2023 session of e3 and c2's records do not count)
    assert raw[("c1", 2024, "personnel.training_hours")] == 8.0
    assert raw[("c1", 2024, "personnel.staff_trained")] == 2.0
    assert raw[("c1", 2024, "personnel.staff")] == 10.0
    # every other row as typed
    assert raw[("c1", 2024, "personnel.hires")] == 5.0
    assert raw[("c1", 2023, "personnel.training_hours")] == 99.0
    assert raw[("c2", 2024, "personnel.training_hours")] == 50.0
    assert len(raw) == 6
    assert raw.index.is_unique
    written = read_table(tmp_path / "training_variables.csv").set_index("variable")
    assert (
        list(written.columns) == sp.TRAINING_VARIABLE_COLUMNS[:2] + sp.TRAINING_VARIABLE_COLUMNS[3:]
    )
    hours = written.loc["personnel.training_hours", ["typed", "computed", "difference"]]
    assert hours.tolist() == [20.0, 8.0, -12.0]  # 8 - 20 = -12
    (note,) = state.result.notes
    assert note.startswith("formazione: Ore di formazione fruite, Dipendenti formati e Personale")
    assert "differiscono: Ore di formazione fruite: inserito 20, dai registri 8" in note
    assert "Dipendenti formati:" not in note  # equal values are not listed as differences
    assert "personnel." not in note


def test_a_variable_not_typed_is_added(catalog, tmp_path):
    raw = typed_raw()
    raw = raw[raw["variable"] != "personnel.staff_trained"].reset_index(drop=True)
    state = make_state(catalog, tmp_path, raw=raw)
    sp.join_training(state)
    pd.testing.assert_frame_equal(state.raw.iloc[:5, :3], raw.iloc[:, :3])  # order kept
    assert state.raw.iloc[5].tolist() == ["c1", 2024, "personnel.staff_trained", 2.0]
    assert "Dipendenti formati: inserito nessun valore, dai registri 2" in state.result.notes[0]


def test_equal_typed_and_computed_values_are_said_equal(catalog, tmp_path):
    state = make_state(catalog, tmp_path, raw=typed_raw(hours=8.0))
    sp.join_training(state)
    (note,) = state.result.notes
    assert "uguali ai valori inseriti nei dati" in note


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    typed=st.lists(st.floats(0, 1e6, allow_nan=False), min_size=3, max_size=3),
    rows=st.permutations(range(6)),
)
def test_join_touches_only_the_city_and_year_whatever_was_typed(catalog, tmp_path, typed, rows):
    raw = typed_raw().iloc[list(rows)].reset_index(drop=True)
    mask = (raw["organization"] == CITY) & (raw["period"] == 2024) & raw["variable"].isin(VARIABLES)
    raw.loc[mask, "value"] = raw.loc[mask, "variable"].map(dict(zip(VARIABLES, typed, strict=True)))
    state = make_state(catalog, tmp_path, raw=raw)
    sp.join_training(state)
    key = ["organization", "period", "variable"]
    others = raw[~mask].sort_values(key).reset_index(drop=True)
    kept = state.raw[~state.raw.set_index(key).index.isin(raw[mask].set_index(key).index)]
    pd.testing.assert_frame_equal(kept.sort_values(key).reset_index(drop=True), others)
    joined = state.raw[state.raw.set_index(key).index.isin(raw[mask].set_index(key).index)]
    assert dict(zip(joined["variable"], joined["value"], strict=True)) == {
        "personnel.training_hours": 8.0,
        "personnel.staff_trained": 2.0,
        "personnel.staff": 10.0,
    }


def test_without_programme_sheets_nothing_changes(catalog, tmp_path):
    state = make_state(catalog, tmp_path, programme={})
    before = state.raw.copy()
    sp.join_training(state)
    sp.training(state)
    assert sp.certification_actions(state) is None
    sp.practices(state)
    sp.programme(state)
    pd.testing.assert_frame_equal(state.raw, before)
    assert state.result.files == []
    assert state.result.notes == []
    assert _programme(state) == []


def test_training_hours_and_needs_of_the_city_and_year(catalog, tmp_path):
    state = make_state(catalog, tmp_path)
    sp.training(state)
    hours = read_table(tmp_path / "training_hours.csv", text_columns=["organization"])
    assert set(hours["organization"]) == {"c1"}
    assert set(hours["year"]) == {2024}
    total = hours[hours["level"] == "organization"].iloc[0]
    assert total["hours"] == 8.0
    assert total["employees"] == 10.0
    assert total["hours_per_employee"] == pytest.approx(0.8)  # 8 h / 10 employees
    assert total["share_trained"] == pytest.approx(0.2)  # 2 trained / 10
    needs = read_table(tmp_path / "training_needs.csv")
    # D1 privacy: 1 person x 5 h = 5 h needed, e1 attended K1 (privacy) 3 + 2 = 5 h: met;
    # D2 quality: 2 x 2 = 4 h needed, no quality course in 2024: none; the 2023 need left out
    assert needs[["department", "hours_needed", "hours_delivered", "status"]].values.tolist() == [
        ["D1", 5.0, 5.0, "met"], ["D2", 4.0, 0.0, "none"]]  # fmt: skip


def test_certification_alerts_on_31_december_and_actions(catalog, tmp_path):
    state = make_state(catalog, tmp_path)
    actions = sp.certification_actions(state)
    alerts = read_table(tmp_path / "certification_alerts.csv")
    # c1 only (c2's expired certificate is another city's); as of 2024-12-31:
    # finding 1 due 2024-09-30: 31 (Oct) + 30 (Nov) + 31 (Dec) = 92 days late;
    # CE1 expires 2025-03-15: 31 (Jan) + 28 (Feb) + 15 = 74 days left (within 90)
    assert alerts[["certificate", "kind"]].values.tolist() == [
        ["CE1", "action_overdue"], ["CE1", "expiring"]]  # fmt: skip
    assert alerts["days_late"].iloc[0] == 92
    assert alerts["days_left"].iloc[1] == 74
    assert actions is not None
    assert actions["id"].tolist() == ["nc-AU1-1-c1"]  # the observation is no action
    assert actions["urgency"].tolist() == [5]  # due before 31 December


def _benchmark(catalog) -> pd.DataFrame:
    values = pd.DataFrame(
        {"organization": ["c1", "c2", "c3"] * 2, "period": 2024,
         "indicator": ["personnel.training_hours_per_employee"] * 3
         + ["personnel.share_trained"] * 3,
         "value": [0.8, 2.0, 1.0, 20.0, 10.0, 50.0]}
    )  # fmt: skip
    return benchmark(values, catalog=catalog)


def test_practice_suggestions_of_the_better_cities(catalog, tmp_path):
    state = make_state(catalog, tmp_path)
    state.benchmark = _benchmark(catalog)
    sp.practices(state)
    found = read_table(tmp_path / "practice_suggestions.csv", text_columns=["organization"])
    # hours per employee: c1 worst (relative gap (2.0 - 0.8) / (2.0 - 0.8) = 1), c2 then c3
    # better; share trained: c1 2nd, relative gap (50 - 20) / (50 - 10) = 0.75, c3 better;
    # c1's own practice BP0 never suggested
    assert found[["indicator", "practice_organization", "practice"]].values.tolist() == [
        ["personnel.training_hours_per_employee", "c2", "BP1"],
        ["personnel.training_hours_per_employee", "c3", "BP2"],
        ["personnel.share_trained", "c3", "BP2"],
    ]
    assert found["relative_gap"].tolist() == pytest.approx([1.0, 1.0, 0.75])


def test_summary_lines_recomputed(catalog, tmp_path):
    state = make_state(catalog, tmp_path)
    state.benchmark = _benchmark(catalog)
    sp.training(state)
    sp.certification_actions(state)
    sp.practices(state)
    assert _programme(state) == [
        "## Formazione, certificazioni e buone pratiche",
        "",
        # 8 h / 10 employees = 0,8; 2 / 10 = 20%; needs: D1 met, D2 none
        "- Formazione: 0,8 ore per dipendente, 20% del personale formato (c1, 2024; "
        "training_hours.csv); fabbisogni formativi soddisfatti: 1 su 2, in parte: 0 "
        "(training_needs.csv)",
        "- Certificazioni: 2 avvisi al 31/12/2024 (azione correttiva in ritardo: 1; "
        "certificato in scadenza: 1; certification_alerts.csv)",
        "- Buone pratiche: 3 suggerimenti per c1 (indicatori con i divari maggiori: 2; città "
        "che fanno meglio: 2; practice_suggestions.csv)",
        "",
    ]


def test_summary_lines_with_nothing_found(catalog, tmp_path):
    programme = sheets()
    programme["findings"] = programme["findings"].iloc[1:]  # the observation only
    programme["certifications"] = programme["certifications"].assign(expires="2027-03-15")
    programme["practices"] = programme["practices"].iloc[:1]  # c1's own only
    state = make_state(catalog, tmp_path, programme=programme)
    state.benchmark = _benchmark(catalog)
    sp.certification_actions(state)
    sp.practices(state)
    assert _programme(state)[2:4] == [
        "- Certificazioni: nessun avviso al 31/12/2024 (certification_alerts.csv)",
        "- Buone pratiche: nessun suggerimento per c1 (nessuna città che fa meglio sui suoi "
        "divari ha registrato una pratica)",
    ]
