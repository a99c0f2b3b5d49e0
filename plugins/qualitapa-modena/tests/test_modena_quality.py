"""Modena's synthetic training, certification and good-practice sheets of 2024 (issue 20)."""

from __future__ import annotations

import importlib.util
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.programme import (
    ProgrammeStore,
    certification_alerts,
    check_sheet,
    course_hours,
    needs_vs_delivered,
    read_sheet,
    training_hours,
    training_variables,
)
from qualitapa.testing import catalog_with, load_installed_plugin

PLUGIN = Path(__file__).resolve().parents[1]
FOLDER = Path(str(files("qualitapa_modena") / "programme"))
SCRIPT = PLUGIN / "scripts" / "make_quality_data.py"
BASE = ["qclub", "registry", "libraries", "nurseries", "personnel"]
QUALITY_SHEETS = ["training_needs", "courses", "course_sessions", "attendance", "staff",
                  "certifications", "audits", "findings", "practices"]  # fmt: skip
PLAN_SHEETS = ["departments", "people", "roles", "plans", "activities", "milestones",
               "activity_status", "meetings", "meeting_actions"]  # fmt: skip


def _script():
    spec = importlib.util.spec_from_file_location("make_quality_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def catalog():
    return catalog_with(("modena", load_installed_plugin("modena")), installed=BASE)


@pytest.fixture(scope="module")
def sheets():
    return {name: read_sheet(FOLDER / f"{name}.csv", name) for name in PLAN_SHEETS + QUALITY_SHEETS}


def test_the_script_writes_the_shipped_bytes(tmp_path):
    _script().main(tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(f"{name}.csv" for name in QUALITY_SHEETS)
    for name in written:
        assert (tmp_path / name).read_bytes() == (FOLDER / name).read_bytes(), name


def test_every_sheet_is_a_dataset_and_valid(catalog, sheets):
    declared = {d.path.name: d for d in catalog.datasets.values()
                if d.kind == "programme" and d.id.startswith("modena.")}  # fmt: skip
    for name in QUALITY_SHEETS:
        assert declared[f"{name}.csv"].id == f"modena.programme.{name}"
        dataset = declared[f"{name}.csv"]
        assert dataset.synthetic
        assert "sintetic" in dataset.label.it
        assert dataset.label.en
        assert dataset.label.de
        check_sheet(sheets[name], name, source=f"{name}.csv")


def test_the_store_imports_every_sheet(tmp_path, sheets):
    with ProgrammeStore(tmp_path / "programme.db") as store:
        report = store.import_sheets(sheets, by="P02", at="2025-01-15T09:00+01:00")
        attended = len(store.table("attendance"))
    assert len(report.conflicts) == 0
    added = report.counts.set_index("sheet")["added"]
    for name in QUALITY_SHEETS:
        assert added[name] == len(sheets[name]), name
    assert attended == 4510


def test_the_cli_imports_the_new_sheets_one_by_one(tmp_path):
    db = tmp_path / "programme.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["programme", "init", "--db", str(db)]).exit_code == 0
    # the sheets the new ones refer to first (audits name plan activities), in SHEETS' order
    for name in ["departments", "people", "roles", "plans", "activities", *QUALITY_SHEETS]:
        result = runner.invoke(cli, ["programme", "import", name, str(FOLDER / f"{name}.csv"),
                                     "--db", str(db), "--by", "P02"])  # fmt: skip
        assert result.exit_code == 0, (name, result.output)
    with ProgrammeStore(db) as store:
        assert len(store.table("attendance")) == 4510
        assert len(store.table("findings")) == 6


def test_people_are_staff_numbers_or_fake_names(sheets):
    attendance = sheets["attendance"]
    people = set(sheets["people"]["person"])
    staff_numbers = attendance.loc[~attendance["person"].isin(people), "person"]
    assert staff_numbers.str.fullmatch(r"M\d{4}").all()
    assert sheets["people"]["email"].str.endswith("@example.org").all()


def test_training_gives_the_personnel_plugins_figures(sheets):
    # qualitapa-personnel demo/indicator_data.csv, Modena 2024: personnel.staff 1731,
    # personnel.staff_trained 1393, personnel.training_hours 65940
    personnel = Path(str(files("qualitapa_personnel") / "demo" / "indicator_data.csv"))
    typed = pd.read_csv(personnel, dtype={"organization": str})
    typed = typed.query("organization == '036023' and period == 2024").set_index("variable")
    computed = training_variables(sheets["attendance"], sheets["course_sessions"],
                                  sheets["staff"], year=2024).set_index("variable")  # fmt: skip
    for variable in ("personnel.staff", "personnel.staff_trained", "personnel.training_hours"):
        assert computed.loc[variable, "value"] == typed.loc[variable, "value"], variable
    assert computed["value"].tolist() == [65940.0, 1393.0, 1731.0]
    # the staff sheet: 24 + 96 + 548 + 142 + 236 + 58 + 6 + 356 + 265 = 1731
    employees = sheets["staff"]["employees"].astype(int)
    assert employees.sum() == 24 + 96 + 548 + 142 + 236 + 58 + 6 + 356 + 265


def test_hours_of_the_quality_courses_by_hand(sheets):
    att, ses = sheets["attendance"], sheets["course_sessions"]
    hours = course_hours(sheets["courses"], ses).set_index("course")["hours"]
    # C01: 4 days of 6 hours; C05: 4 days of 8 hours
    assert (hours["C01"], hours["C05"]) == (4 * 6, 4 * 8)
    c01 = att[att["course"] == "C01"]
    # 14 participants on days 1-3, 13 on day 4 (P05 absent): (3 * 14 + 13) * 6 = 330
    assert c01.groupby("session")["person"].nunique().tolist() == [14, 14, 14, 13]
    total = training_hours(c01, ses, sheets["staff"], year=2024, by="organization")
    assert total["hours"].item() == (3 * 14 + 13) * 6 == 330
    assert total["people_trained"].item() == 14
    c05 = att[att["course"] == "C05"]
    # the 8 internal auditors of the police (activity A17), 4 days of 8 hours: 256
    assert c05["person"].nunique() == 8
    assert set(c05["department"]) == {"S04"}
    assert training_hours(c05, ses, sheets["staff"], by="organization")["hours"].item() == 256


def test_hours_per_employee_by_hand(sheets):
    table = training_hours(sheets["attendance"], sheets["course_sessions"], sheets["staff"],
                           year=2024).set_index("department", drop=False)  # fmt: skip
    city = table[table["level"] == "organization"].iloc[0]
    # 65940 hours / 1731 employees = 38.0935...; below the 40 hours of activity A20
    assert city["hours_per_employee"] == pytest.approx(65940 / 1731)
    assert round(city["hours_per_employee"], 2) == 38.09
    # 1393 trained / 1731 = 80.5%
    assert city["share_trained"] == pytest.approx(0.8047, abs=1e-4)
    departments = table[table["level"] == "department"]
    assert departments["hours"].sum() == 65940
    assert departments["employees"].sum() == 1731


def test_needs_are_partly_delivered(sheets):
    table = needs_vs_delivered(sheets["training_needs"], sheets["courses"],
                               sheets["course_sessions"], sheets["attendance"])  # fmt: skip
    assert table["status"].value_counts().to_dict() == {"met": 9, "partial": 4, "none": 3}
    row = table.set_index(["department", "topic"]).loc[("S04", "reclami")]
    # 15 people x 5 hours needed = 75; 10 people attended the 5-hour session: 50
    assert (row["hours_needed"], row["hours_delivered"], row["status"]) == (75, 50, "partial")
    assert row["coverage"] == pytest.approx(50 / 75)
    none = table[table["status"] == "none"][["department", "topic"]]
    assert none.values.tolist() == [["S03", "soddisfazione_utenti"], ["S07", "caf"],
                                    ["S07", "iso9001"]]  # fmt: skip


def test_the_police_certificate_alerts_on_31_december(sheets):
    args = (sheets["certifications"], sheets["audits"], sheets["findings"])
    alerts = certification_alerts(*args, as_of="2024-12-31", warn_days=90)
    assert alerts["kind"].tolist() == ["action_overdue", "expiring"]
    overdue, expiring = alerts.iloc[0], alerts.iloc[1]
    # due 31/10/2024, open: 30 (November) + 31 (December) = 61 days late
    assert (overdue["audit"], overdue["finding"], overdue["days_late"]) == ("AU2024-S", "2", 61)
    # expires 15/03/2025: 31 (January) + 28 (February) + 15 = 74 days left
    assert expiring["days_left"] == 74
    quiet = certification_alerts(*args, as_of="2024-12-31", warn_days=60)
    assert quiet["kind"].tolist() == ["action_overdue"]
    # the 2024 surveillance audit (22/05/2024) keeps the certificate out of "overdue"
    assert "surveillance_overdue" not in set(alerts["kind"])
    findings = sheets["findings"]
    assert findings["kind"].value_counts().to_dict() == {"observation": 3, "minor_nc": 2,
                                                         "opportunity": 1}  # fmt: skip
    cert = sheets["certifications"].iloc[0]
    assert (cert["department"], cert["standard"], cert["first_issued"][:4]) == (
        "S04",
        "ISO 9001:2015",
        "2004",
    )


def test_practices_name_catalog_indicators(sheets, catalog):
    practices = sheets["practices"]
    assert 2 <= len(practices) <= 3
    assert (practices["organization"] == "036023").all()
    named = {i.strip() for cell in practices["indicators"] for i in cell.split(",")}
    assert named <= set(catalog.indicators)
    assert set(practices["contact"]) <= set(sheets["people"]["person"])


def test_the_clubs_register_joins_modenas_in_one_store(tmp_path):
    # Modena's people and practices, then the Q-Club's (qualitapa-qclub), one file at a time
    # as `qualitapa programme import` does: every row is added, with no conflict. The club's
    # contacts name their cities (the people sheet's organization), so Modena's people are
    # not missing from the club's file (they were, 19 conflicts, before the column), and no
    # club contact is taken for a Modena person
    club = Path(str(files("qualitapa_qclub") / "programme"))
    with ProgrammeStore(tmp_path / "programme.db") as store:
        reports = [
            store.import_file(path, by="P02", sheet_name=path.stem)
            for path in (FOLDER / "people.csv", FOLDER / "practices.csv",
                         club / "people.csv", club / "practices.csv")
        ]  # fmt: skip
        practices = store.table("practices")
        people = store.table("people")
        assert len(people) == 19 + 7
    added = [r.counts["added"].sum() for r in reports]
    assert added == [19, 3, 7, 11]
    assert [len(r.conflicts) for r in reports] == [0, 0, 0, 0]
    by_city = people["organization"].value_counts()
    assert by_city["036023"] == 19
    assert len(by_city) == 1 + 7  # Modena and seven cities
    # 3 of Modena's own and 11 of seven other cities
    assert practices["organization"].value_counts()["036023"] == 3
    assert len(practices) == 3 + 11


@pytest.mark.slow
def test_practices_are_of_the_best_performers_of_the_demo(catalog):
    # the claim of definitions.toml and both READMEs: Modena's practices name indicators on
    # which Modena is first of its population class in the demo's 2024 benchmark, the
    # club's practices indicators on which their city is first or second (qualitapa demo
    # benchmarks within qclub.size)
    from qualitapa import indicators as ind

    club = Path(str(files("qualitapa_qclub") / "programme"))
    own = read_sheet(FOLDER / "practices.csv", "practices")
    others = read_sheet(club / "practices.csv", "practices")
    links = pd.concat([own.assign(best=1), others.assign(best=2)], ignore_index=True)
    links["indicator"] = links["indicators"].str.split(",")
    links = links.explode("indicator").assign(indicator=lambda f: f["indicator"].str.strip())
    raw = pd.concat(
        [d.read() for d in catalog.datasets.values() if d.kind == "indicator_data"],
        ignore_index=True,
    )
    wanted = [catalog.indicators[i] for i in sorted(set(links["indicator"]))]
    values = ind.compute(wanted, raw, catalog=catalog, errors="report")
    bench = ind.benchmark(values, catalog=catalog, peer_groups="qclub.size")
    bench = bench[bench["period"].astype(str) == "2024"]
    rank = bench.set_index(["organization", "indicator"])["rank"]
    ranks = [rank[(o, i)] for o, i in zip(links["organization"], links["indicator"], strict=True)]
    assert (pd.Series(ranks, index=links.index) <= links["best"]).all()
    assert len(links) == 6 + 15  # 6 links of Modena's 3 practices, 15 of the club's 11
