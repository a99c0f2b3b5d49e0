"""The programme store: history kept across re-imports, bad rows named, conflicts, round trips."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.errors import DataError
from qualitapa.i18n import translator
from qualitapa.programme import (
    SHEETS,
    Activity,
    ProgrammeStore,
    StatusChange,
    check_sheet,
    write_template,
)
from tests.programme.conftest import AT, BY, filled_store, opened_copy

ORG = "036023"


def departments() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": [ORG, ORG, ORG],
            "department": ["S03", "S04", "S04.1"],
            "name_it": ["Servizi demografici", "Polizia locale", "Ufficio verbali"],
            "name_de": [None, "Ortspolizei", None],
            "parent": [None, None, "S04"],
            "kind": ["settore", "Settore", "ufficio"],
        }
    )


def people() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person": ["p01", "p02", "p03"],
            "name": ["Anna Bianchi", "Luca Verdi", "Marta Neri"],
            "email": ["anna.bianchi@comune.example", None, "marta@comune.example"],
            "category": ["D", "D", "C"],
        }
    )


def activities() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": [ORG] * 3,
            "year": [2024] * 3,
            "activity": ["A01", "A02", "A03"],
            "type": ["survey", "certification", "charter"],
            "department": ["S03", "S04", "S03"],
            "owner": ["p01", "p02", None],
            "objective": ["PEG-2024-03.2", None, "PEG-2024-03.4"],
            "title_it": ["Indagine anagrafe", "Audit ISO 9001", "Revisione carta anagrafe"],
            "planned_start": ["01/02/2024", "01/03/2024", "15/01/2024"],
            "planned_end": ["31/05/2024", "30/06/2024", "30/09/2024"],
            "expected_kind": ["survey_index", None, None],
            "expected_id": ["overall", None, None],
            "expected_operator": [">=", None, None],
            "expected_value": ["0,8", None, None],
            "expected_period": ["2024", None, None],
        }
    )


def statuses() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": [ORG] * 3,
            "year": [2024] * 3,
            "activity": ["A01", "A01", "A02"],
            "at": ["01/02/2024", "31/05/2024", "04/03/2024"],
            "status": ["started", "done", "started"],
            "progress": ["0,2", 1, 0.5],
            "note": [None, None, None],
            "by": ["p01", "p01", "p02"],
        }
    )


def full_workbook() -> dict[str, pd.DataFrame]:
    return {
        "departments": departments(),
        "people": people(),
        "activities": activities(),
        "activity_status": statuses(),
    }


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled_store(tmp_path_factory.mktemp("filled"), full_workbook(), "piano.xlsx")


@pytest.fixture
def store(filled: Path, tmp_path: Path) -> Iterator[ProgrammeStore]:
    """A store that imported the full workbook (a copy of one filled per module)."""
    with opened_copy(filled, tmp_path) as s:
        yield s


# -- reading a sheet --------------------------------------------------------------------


def test_first_import_adds_every_row_with_canonical_values(store: ProgrammeStore) -> None:
    acts = store.table("activities")
    assert acts["activity"].tolist() == ["A01", "A02", "A03"]
    assert acts.loc[0, "planned_end"] == pd.Timestamp("2024-05-31")  # 31/05/2024, day first
    assert acts.loc[0, "expected_value"] == 0.8  # "0,8"
    assert acts["year"].tolist() == [2024] * 3
    deps = store.table("departments")
    assert deps["kind"].tolist() == ["settore", "settore", "ufficio"]  # "Settore" normalised
    status = store.table("activity_status")
    assert status["progress"].tolist() == [0.2, 1.0, 0.5]


def test_models_from_the_stored_rows(store: ProgrammeStore) -> None:
    row = store.table("activities").iloc[0]
    activity = Activity.from_mapping(
        {k: (v.date().isoformat() if isinstance(v, pd.Timestamp) else v) for k, v in row.items()}
    )
    assert activity.planned_end == dt.date(2024, 5, 31)
    assert activity.expected_operator == ">="
    change = StatusChange.from_mapping(
        {"organization": ORG, "year": "2024", "activity": "A01", "at": "2024-02-01",
         "status": "started", "progress": "0.2"}
    )  # fmt: skip
    assert change.progress == 0.2


def test_bad_rows_name_sheet_row_and_column_with_suggestions() -> None:
    acts = activities()
    acts.loc[1, "department"] = "S4"  # unknown: S04 is the closest
    acts.loc[2, "planned_end"] = "31/13/2024"  # no such month
    acts.loc[0, "type"] = "surveys"  # not a type: survey is the closest
    with pytest.raises(DataError) as info:
        check_sheet(acts, "activities", source="piano.csv",
                    known={"departments": {"S03", "S04", "S04.1"}})  # fmt: skip
    cases = info.value.failure_cases
    got = sorted(zip(cases["row"], cases["column"], cases["rule"], strict=True))
    assert got == [
        (1, "type", "unknown_code"),
        (2, "department", "unknown_value"),
        (3, "planned_end", "not_a_date"),
    ]
    assert set(cases["sheet"]) == {"activities"}
    messages = " ".join(cases["message"])
    assert "did you mean S04" in messages
    assert "did you mean survey" in messages
    assert str(info.value).startswith("piano.csv, sheet 'activities', row 1, column 'type'")
    italian = info.value.render(translator("it"))  # the first problem, in a language
    assert italian == (
        "piano.csv, foglio 'activities', riga 1, colonna 'type': 'surveys' non è ammesso; "
        "forse survey?"
    )


def test_missing_required_value_unknown_column_and_duplicate_key() -> None:
    deps = departments().rename(columns={"kind": "kinds"})
    with pytest.raises(
        DataError,
        match="required column 'kind' is missing; unknown column 'kinds'; did you mean kind",
    ):
        check_sheet(deps, "departments")
    deps = departments()
    deps.loc[0, "name_it"] = " "
    deps.loc[2, "department"] = "S03"
    assert _faults(deps) == [(1, "name_it", "required"), (3, "department", "duplicate")]


def _faults(deps: pd.DataFrame) -> list[tuple[int, str, str]]:
    """The (row, column, rule) of each fault check_sheet finds in the departments."""
    with pytest.raises(DataError) as info:
        check_sheet(deps, "departments")
    cases = info.value.failure_cases
    return sorted(zip(cases["row"], cases["column"], cases["rule"], strict=True))


def test_only_complete_keys_repeat() -> None:
    # rows 1 and 4 lack the key's department: blank twice, never a repeat; row 5 repeats row 2
    deps = pd.concat([departments(), departments().iloc[[0, 1]]], ignore_index=True)
    deps.loc[[0, 3], "department"] = [None, " "]
    assert _faults(deps) == [
        (1, "department", "required"),
        (4, "department", "required"),
        (5, "department", "duplicate"),
    ]


def test_a_bad_row_writes_nothing(store: ProgrammeStore) -> None:
    before = len(store.history())
    acts = activities()
    acts.loc[3] = acts.loc[0]
    acts.loc[3, "activity"] = "A04"
    acts.loc[3, "owner"] = "p09"  # unknown person
    with pytest.raises(DataError, match="unknown person 'p09'"):
        store.import_sheet("activities", acts, by=BY)
    assert len(store.history()) == before
    assert "A04" not in store.table("activities")["activity"].tolist()


def test_activities_need_the_departments_first(tmp_path: Path) -> None:
    with ProgrammeStore(tmp_path / "p.db") as s:
        with pytest.raises(DataError, match="the departments sheet has none yet"):
            s.import_sheet("activities", activities(), by=BY)
        s.import_sheet("departments", departments(), by=BY)
        assert s.import_sheet("activities", activities(), by=BY).added == 3  # people later


def test_dates_out_of_order_and_progress_outside_zero_one() -> None:
    acts = activities()
    acts.loc[0, "planned_end"] = "01/01/2024"
    with pytest.raises(DataError, match="planned_end is before planned_start"):
        check_sheet(acts, "activities")
    hist = statuses()
    hist.loc[0, "progress"] = 20  # a percentage, not a fraction
    with pytest.raises(DataError, match="not a fraction between 0 and 1"):
        check_sheet(hist, "activity_status")


def test_an_expected_result_needs_all_its_parts() -> None:
    acts = activities()
    acts.loc[0, "expected_value"] = None
    with pytest.raises(DataError, match="expected result needs") as info:
        check_sheet(acts, "activities")
    assert info.value.column == "expected_value"


# -- history across re-imports ---------------------------------------------------------


def test_reimport_of_an_edited_sheet_keeps_both_versions(store: ProgrammeStore) -> None:
    acts = activities()
    acts.loc[1, "title_it"] = "Audit di sorveglianza ISO 9001"
    acts.loc[1, "planned_end"] = "31/07/2024"
    later = AT + dt.timedelta(days=30)
    report = store.import_sheet("activities", acts, by="p02", at=later, source="piano-v2.csv")
    assert (report.added, report.changed, report.unchanged) == (0, 1, 2)
    assert sorted(report.changes["column"]) == ["planned_end", "title_it"]
    change = report.changes.set_index("column").loc["planned_end"]
    assert (change["old"], change["new"], change["row"]) == ("2024-06-30", "2024-07-31", 2)
    history = store.history("activities")
    a02 = history[history["key"] == f"{ORG}/2024/A02"]
    assert a02["action"].tolist() == ["added", "changed"]
    assert a02["by"].tolist() == [BY, "p02"]
    assert a02["at"].tolist() == [AT.isoformat(), later.isoformat()]
    assert a02["source"].tolist() == ["piano.xlsx", "piano-v2.csv"]
    titles = [json.loads(d)["title_it"] for d in a02["data"]]
    assert titles == ["Audit ISO 9001", "Audit di sorveglianza ISO 9001"]  # nothing overwritten
    assert store.table("activities").loc[1, "title_it"] == "Audit di sorveglianza ISO 9001"


def test_status_rows_append_to_the_history(store: ProgrammeStore) -> None:
    hist = pd.concat(
        [statuses(), pd.DataFrame([{"organization": ORG, "year": 2024, "activity": "A02",
                                    "at": "15/04/2024", "status": "done", "by": "p02"}])]
    )  # fmt: skip
    report = store.import_sheet("activity_status", hist, by="p02")
    assert (report.added, report.unchanged) == (1, 3)
    assert len(store.table("activity_status")) == 4


def test_triggers_refuse_update_and_delete_of_the_history(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with ProgrammeStore(path) as s:
        s.import_sheets(full_workbook(), by=BY)
    db = sqlite3.connect(path)
    for sql in (
        "UPDATE records SET data = '{}'",
        "DELETE FROM records",
        "UPDATE imports SET by = 'someone else'",
        "DELETE FROM imports",
        "INSERT OR REPLACE INTO records SELECT * FROM records WHERE seq = 1",
        "UPDATE schema_version SET version = 9",
    ):
        with pytest.raises(sqlite3.DatabaseError, match=r"append-only|cannot be changed"):
            db.execute(sql)
    db.close()


def test_check_reports_dropped_protections(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with ProgrammeStore(path) as s:
        s.import_sheet("departments", departments(), by=BY)
        assert s.check() == []
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER records_no_update")
    db.commit()
    db.close()
    with ProgrammeStore(path, readonly=True) as s:
        assert s.check() == ["protection removed: trigger records_no_update is missing"]


def test_a_record_cannot_be_slipped_into_an_old_import(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with ProgrammeStore(path) as s:
        s.import_sheet("departments", departments(), by=BY)
        s.import_sheet("people", people(), by=BY)
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute(
            "INSERT INTO records VALUES ((SELECT MAX(seq) + 1 FROM records), 1, 'people', "
            "'[\"p09\"]', 'added', '{}')"
        )
    db.close()


def test_another_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE invoices (id INTEGER)")
    db.commit()
    db.close()
    with pytest.raises(DataError, match="not a qualitapa programme store"):
        ProgrammeStore(path)
    with pytest.raises(DataError, match="no programme store"):
        ProgrammeStore(tmp_path / "missing.db", readonly=True)


def test_readonly_store_reads_and_refuses_writes(store: ProgrammeStore) -> None:
    reader = ProgrammeStore(store.path, readonly=True)
    assert len(reader.table("activities")) == 3
    with pytest.raises(DataError, match=r"read-only|cannot"):
        reader.import_sheet("departments", departments().iloc[:1].assign(department="S09"),
                            by=BY)  # fmt: skip
    reader.close()


# -- conflicts -------------------------------------------------------------------------


def test_reopening_a_done_activity_needs_a_note(store: ProgrammeStore) -> None:
    back = {"organization": ORG, "year": 2024, "activity": "A01", "at": "03/06/2024",
            "status": "started", "by": "p01"}  # fmt: skip
    report = store.import_sheet(
        "activity_status", pd.concat([statuses(), pd.DataFrame([back])]), by="p01"
    )
    assert report.added == 0
    conflict = report.conflicts.iloc[0]
    assert (conflict["kind"], conflict["row"]) == ("reopened_without_note", 4)
    assert "needs a note" in conflict["message"]
    assert conflict["detail"] == "done|2024-05-31|started"
    with_note = {**back, "note": "riaperta: mancano i dati della sede decentrata"}
    report = store.import_sheet(
        "activity_status", pd.concat([statuses(), pd.DataFrame([with_note])]), by="p01"
    )
    assert report.added == 1
    assert report.conflicts.empty


def test_record_status_follows_the_same_rules(store: ProgrammeStore) -> None:
    report = store.record_status(ORG, 2024, "A01", "planned", by="p01", on="2024-06-10")
    assert report.conflicts["kind"].tolist() == ["reopened_without_note"]
    report = store.record_status(ORG, 2024, "A03", "started", by="p01", on=dt.date(2024, 2, 1),
                                 progress=0.1)  # fmt: skip
    assert report.added == 1
    with pytest.raises(DataError, match="unknown activity 'A09'"):
        store.record_status(ORG, 2024, "A09", "started", by="p01")


def test_a_row_deleted_from_the_sheet_is_kept_and_reported(store: ProgrammeStore) -> None:
    report = store.import_sheet("activities", activities().iloc[[0, 2]], by=BY)
    assert report.conflicts[["key", "kind"]].values.tolist() == [[f"{ORG}/2024/A02", "missing"]]
    assert "A02" in store.table("activities")["activity"].tolist()


def test_an_edited_key_is_reported_not_applied(store: ProgrammeStore) -> None:
    acts = activities()
    acts.loc[1, "activity"] = "A2"  # the same row, its code retyped
    report = store.import_sheet("activities", acts, by=BY)
    assert report.added == 0
    conflict = report.conflicts.iloc[0]
    assert (conflict["kind"], conflict["row"], conflict["key"]) == (
        "key_changed",
        2,
        f"{ORG}/2024/A2",
    )
    assert f"{ORG}/2024/A02" in conflict["message"]
    assert store.table("activities")["activity"].tolist() == ["A01", "A02", "A03"]


def test_an_edited_status_row_is_a_conflict_history_unchanged(store: ProgrammeStore) -> None:
    hist = statuses()
    hist.loc[2, "progress"] = 0.6
    report = store.import_sheet("activity_status", hist, by=BY)
    assert report.conflicts["kind"].tolist() == ["history_edited"]
    assert store.table("activity_status")["progress"].tolist() == [0.2, 1.0, 0.5]


# -- files -----------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["programma.xlsx", "programma"])
def test_export_then_import_changes_nothing(store: ProgrammeStore, tmp_path: Path,
                                            target: str) -> None:  # fmt: skip
    before = store.history()
    path = store.export(tmp_path / target)
    report = store.import_file(path, by=BY)
    assert not report.has_changes
    assert report.conflicts.empty
    assert report.unchanged == 3 + 3 + 3 + 3
    assert len(store.history()) == len(before)


def test_export_workbook_has_frozen_headers_dates_and_no_formulas(
    store: ProgrammeStore, tmp_path: Path
) -> None:
    acts = activities()
    acts.loc[2, "title_it"] = '=HYPERLINK("http://x")'
    store.import_sheet("activities", acts, by=BY)
    book = openpyxl.load_workbook(store.export(tmp_path / "p.xlsx"))
    assert book.sheetnames == [*SHEETS, "history"]
    ws = book["activities"]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold
    header = [c.value for c in ws[1]]
    end = ws.cell(row=2, column=header.index("planned_end") + 1)
    assert end.value == dt.datetime(2024, 5, 31)
    assert end.number_format == "DD/MM/YYYY"
    title = ws.cell(row=4, column=header.index("title_it") + 1)
    assert title.data_type == "s"  # text, never a formula
    assert title.value == '=HYPERLINK("http://x")'


def test_people_pseudonymised_on_export_and_erased_on_request(
    store: ProgrammeStore, tmp_path: Path
) -> None:
    secret = "0123456789abcdef-secret"
    shown = store.table("people", secret=secret)
    assert shown["name"].str.startswith("p_").all()
    assert "Anna" not in store.export(tmp_path / "p", secret=secret).joinpath(
        "people.csv"
    ).read_text(encoding="utf-8")
    assert "Anna" not in store.history().to_csv()  # names never enter the history
    assert store.erase_person("p01")
    assert pd.isna(store.table("people").loc[0, "name"])
    assert store.table("people").loc[0, "person"] == "p01"


def test_template_has_every_sheet_and_italian_instructions(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_template(tmp_path / "modello.xlsx"))
    assert book.sheetnames == ["istruzioni", *SHEETS]
    assert [c.value for c in book["activities"][1]] == list(SHEETS["activities"].columns)
    text = " ".join(str(c.value) for row in book["istruzioni"].iter_rows() for c in row)
    assert "nome in italiano; colonna obbligatoria; fa parte" not in text
    assert "nome in italiano; colonna obbligatoria" in text
    assert "delibera di Giunta" in text
    folder = write_template(tmp_path / "modello")
    assert sorted(p.stem for p in folder.glob("*.csv")) == sorted([*SHEETS, "istruzioni"])


def test_workbook_import_reads_each_sheet_by_name(tmp_path: Path) -> None:
    path = tmp_path / "piano.xlsx"
    with pd.ExcelWriter(path) as writer:
        for name, frame in full_workbook().items():
            frame.to_excel(writer, sheet_name=name, index=False)
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="appunti", index=False)
    with ProgrammeStore(tmp_path / "p.db") as s:
        report = s.import_file(path, by=BY)
        assert report.counts["sheet"].tolist() == list(full_workbook())
        assert report.added == 3 + 3 + 3 + 3
    with ProgrammeStore(tmp_path / "q.db") as s, pytest.raises(DataError, match="which"):
        s.import_file(tmp_path / "x.csv", by=BY)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("organization;department\n", encoding="utf-8")
    with ProgrammeStore(tmp_path / "q.db") as s, pytest.raises(DataError, match=r"fake\.xlsx"):
        s.import_file(fake, by=BY)


def test_an_empty_sheet_is_nothing_to_import(tmp_path: Path) -> None:
    with ProgrammeStore(tmp_path / "p.db") as s:
        with pytest.raises(DataError, match="nothing to import"):
            s.import_sheet("departments", departments().iloc[:0], by=BY)
        assert s.history().empty


# -- properties ------------------------------------------------------------------------

_ROWS = activities()


@pytest.mark.slow
@settings(max_examples=8)
@given(order=st.permutations(list(range(len(_ROWS)))), data=st.data())
def test_row_order_is_irrelevant_and_reimport_is_idempotent(
    order: list[int], data: st.DataObject
) -> None:
    sheets = full_workbook()
    hist = sheets["activity_status"]
    shuffled = {
        **sheets,
        "activities": sheets["activities"].iloc[order].reset_index(drop=True),
        "activity_status": hist.iloc[data.draw(st.permutations(list(range(len(hist)))))],
    }
    with ProgrammeStore(":memory:") as a, ProgrammeStore(":memory:") as b:
        first = a.import_sheets(sheets, by=BY, at=AT)
        second = b.import_sheets(shuffled, by=BY, at=AT)
        for name in SHEETS:
            pd.testing.assert_frame_equal(a.table(name), b.table(name))
        assert first.counts.equals(second.counts)
        again = b.import_sheets(shuffled, by=BY)
        assert not again.has_changes
        assert again.conflicts.empty
        assert len(b.history()) == len(a.history())
