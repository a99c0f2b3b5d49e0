"""Training (issue 20): hours per employee by hand, needs vs delivered, the personnel variables.

Every expected number below is computed by hand in a comment next to it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.errors import DataError, DataWarning
from qualitapa.indicators import compute
from qualitapa.programme import (
    COURSE_HOURS_COLUMNS,
    LABELS,
    SHEETS,
    TRAINING_HOURS_COLUMNS,
    TRAINING_LABELS,
    Attendance,
    Audience,
    Completion,
    CourseKind,
    NeedStatus,
    Priority,
    ProgrammeStore,
    check_sheet,
    course_hours,
    needs_vs_delivered,
    training_hours,
    training_variables,
    write_template,
)
from qualitapa.testing import catalog_with, load_installed_plugin

ORG = "036023"
BY = "ufficio.qualita"
AT = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)
TRAINING = ("training_needs", "courses", "course_sessions", "attendance", "staff")


def sessions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": ORG,
            "course": ["C1", "C1", "C2", "C2"],
            "session": ["1", "2", "1", "2"],
            "date": ["2024-03-05", "2024-03-12", "2024-10-01", "2025-01-20"],
            "hours": [3.0, 4.0, 2.5, 2.0],
            "place": ["Sala A", None, None, None],
        }
    )


def attendance() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": ORG,
            "course": ["C1", "C1", "C1", "C2", "C2", "C1"],
            "session": ["1", "2", "1", "1", "2", "2"],
            "person": ["e1", "e1", "e2", "e3", "e3", "e4"],
            "department": ["S03", "S03", "S03", "S04", "S04", "S04"],
            "hours_attended": [None, 2.0, None, None, None, 0.0],
            "completed": ["yes", "yes", "no", "yes", "yes", "no"],
        }
    )


def staff() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": ORG,
            "year": [2024, 2024, 2024, 2025],
            "department": ["S03", "S04", "S05", "S04"],
            "employees": [5, 10, 5, 10],
        }
    )


def courses() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": ORG,
            "course": ["C1", "C2", "C3"],
            "title": ["Privacy negli uffici", "La carta dei servizi", "Leadership"],
            "topic": ["privacy", "quality", "leadership"],
            "audience": ["staff", "referents", "managers"],
            "trainer": ["DPO", "Ufficio qualità", None],
            "kind": ["internal", "e_learning", "external"],
            "hours": [8.0, None, 12.0],
        }
    )


def needs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": ORG,
            "year": [2024, 2024, 2024, 2024],
            "department": ["S03", "S04", "S04", "S05"],
            "topic": ["privacy", "quality", "privacy", "leadership"],
            "audience": ["staff", "referents", "staff", "managers"],
            "people": [2, 2, 1, 1],
            "hours": [4.0, 2.0, 3.0, 6.0],
            "priority": ["high", "medium", "low", None],
            "reported_by": [None, None, None, None],
            "note": [None, None, None, None],
        }
    )


# -- hours per employee by hand ------------------------------------------------------------


def test_hours_per_employee_by_hand() -> None:
    out = training_hours(attendance(), sessions(), staff())
    assert list(out.columns) == TRAINING_HOURS_COLUMNS
    rows = out.set_index(["year", "level", out["department"].fillna("*")])
    # 2024, S03: e1 3 (session C1/1, blank = its 3 h) + 2 (C1/2, 2 of 4 h) + e2 3 (C1/1) = 8 h;
    # people trained e1, e2 = 2; 8 / 5 employees = 1.6 h; 2 / 5 = 0.4
    s03 = rows.loc[(2024, "department", "S03")]
    assert (s03["hours"], s03["people_trained"], s03["employees"]) == (8.0, 2, 5.0)
    assert s03["hours_per_employee"] == pytest.approx(1.6)
    assert s03["share_trained"] == pytest.approx(0.4)
    # 2024, S04: e3 2.5 (C2/1) + e4 0 (attended 0 h: not trained) = 2.5 h; 1 trained;
    # 2.5 / 10 = 0.25 h; 1 / 10 = 0.1 (e3's C2/2 is on 2025-01-20: the next year)
    s04 = rows.loc[(2024, "department", "S04")]
    assert (s04["hours"], s04["people_trained"]) == (2.5, 1)
    assert s04["hours_per_employee"] == pytest.approx(0.25)
    assert s04["share_trained"] == pytest.approx(0.1)
    # 2024, S05: a headcount of 5 and no training: 0 h, 0 / 5 = 0
    s05 = rows.loc[(2024, "department", "S05")]
    assert (s05["hours"], s05["people_trained"], s05["hours_per_employee"]) == (0.0, 0, 0.0)
    # 2024, organization: (8 + 2.5 + 0) / (5 + 10 + 5) = 10.5 / 20 = 0.525 h, 3 / 20 = 0.15;
    # the mean of the departments' ratios would be (1.6 + 0.25 + 0) / 3 = 0.6167
    total = rows.loc[(2024, "organization", "*")]
    assert (total["hours"], total["people_trained"], total["employees"]) == (10.5, 3, 20.0)
    assert total["hours_per_employee"] == pytest.approx(0.525)
    assert total["share_trained"] == pytest.approx(0.15)
    # 2025, S04: e3 2 h (C2/2) / 10 = 0.2
    assert rows.loc[(2025, "organization", "*")]["hours_per_employee"] == pytest.approx(0.2)
    # order: organization, year, departments, the total last
    assert out["level"].tolist() == ["department"] * 3 + ["organization", "department",
                                                           "organization"]  # fmt: skip
    assert out["department"].tolist() == ["S03", "S04", "S05", None, "S04", None]


def test_year_and_organization_level() -> None:
    only = training_hours(attendance(), sessions(), staff(), year=2024, by="organization")
    assert only["level"].tolist() == ["organization"]
    assert only["hours"].tolist() == [10.5]  # 8 + 2.5 + 0, as above


def test_person_counted_once_across_sessions_and_departments() -> None:
    # e1 attends three sessions; in the third they are listed under S04 (moved in the year)
    more = pd.concat(
        [
            attendance(),
            pd.DataFrame(
                {
                    "organization": [ORG],
                    "course": ["C2"],
                    "session": ["1"],
                    "person": ["e1"],
                    "department": ["S04"],
                    "hours_attended": [None],
                    "completed": [None],
                }
            ),
        ],
        ignore_index=True,
    )
    out = training_hours(more, sessions(), staff(), year=2024)
    by_department = out.set_index(out["department"].fillna("*"))["people_trained"]
    # S03: e1, e2 = 2; S04: e3, e1 = 2; organization: e1, e2, e3 = 3 (not 2 + 2 = 4)
    assert by_department.to_dict() == {"S03": 2, "S04": 2, "S05": 0, "*": 3}


def test_blank_hours_attended_is_the_session_hours() -> None:
    blank = attendance().iloc[[0]]  # e1 at C1/1, hours_attended blank
    given = blank.assign(hours_attended=[3.0])  # the session's 3 h written out
    a = training_hours(blank, sessions(), staff(), year=2024)
    b = training_hours(given, sessions(), staff(), year=2024)
    pd.testing.assert_frame_equal(a, b)
    assert a["hours"].iloc[0] == 3.0


def test_department_without_headcount_gives_no_ratio() -> None:
    out = training_hours(attendance(), sessions(), staff().iloc[[1, 2, 3]], year=2024)
    rows = out.set_index(out["department"].fillna("*"))
    # S03 trained 8 h but has no headcount: no ratio, and none for the organization
    # (10.5 / 15 = 0.7 would divide by the wrong base)
    assert np.isnan(rows.loc["S03", "hours_per_employee"])
    assert np.isnan(rows.loc["*", "employees"])
    assert np.isnan(rows.loc["*", "hours_per_employee"])
    assert rows.loc["S04", "hours_per_employee"] == pytest.approx(0.25)


def test_store_tables_give_the_same_figures() -> None:
    with ProgrammeStore(":memory:") as store:
        store.import_sheets(_workbook(), by=BY, at=AT)
        typed = training_hours(
            store.table("attendance"), store.table("course_sessions"), store.table("staff")
        )
    pd.testing.assert_frame_equal(typed, training_hours(attendance(), sessions(), staff()))


# -- bad input -----------------------------------------------------------------------------


def test_unknown_session_and_too_many_hours_name_sheet_row_column() -> None:
    bad = attendance()
    bad.loc[2, "session"] = "9"  # C1 has no session 9
    bad.loc[1, "hours_attended"] = 5.0  # C1/2 lasted 4 h
    with pytest.raises(DataError) as caught:
        training_hours(bad, sessions(), staff())
    cases = caught.value.failure_cases
    assert set(cases["sheet"]) == {"attendance"}
    found = sorted(zip(cases["row"].astype(int), cases["column"], strict=True))
    assert found == [(2, "hours_attended"), (3, "session")]


def test_bad_numbers_and_repeated_keys_are_all_listed() -> None:
    heads = staff().astype(object)
    heads.loc[0, "employees"] = -5
    heads.loc[1, "employees"] = "dieci"
    heads.loc[3, "department"] = "S03"
    heads.loc[3, "year"] = 2024  # repeats row 1's key (036023, 2024, S03)
    with pytest.raises(DataError) as caught:
        training_hours(attendance(), sessions(), heads)
    cases = caught.value.failure_cases
    assert sorted(zip(cases["row"].astype(int), cases["rule"], strict=True)) == [
        (1, "negative"),
        (2, "not_a_number"),
        (4, "duplicate"),
    ]
    assert "sheet 'staff'" in str(caught.value)


def test_missing_column_is_named() -> None:
    with pytest.raises(DataError, match="department"):
        training_hours(attendance().drop(columns="department"), sessions(), staff())


def test_unknown_option() -> None:
    with pytest.raises(ValueError, match="by"):
        training_hours(attendance(), sessions(), staff(), by="person")  # type: ignore[arg-type]


# -- metamorphic properties ----------------------------------------------------------------

_PEOPLE = [f"e{i}" for i in range(6)]
_DEPARTMENTS = ["S01", "S02", "S03"]


@st.composite
def _records(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    n_sessions = draw(st.integers(1, 4))
    hours = draw(st.lists(st.sampled_from([1.0, 2.0, 2.5, 4.0]), min_size=n_sessions,
                          max_size=n_sessions))  # fmt: skip
    years = draw(st.lists(st.sampled_from([2023, 2024]), min_size=n_sessions,
                          max_size=n_sessions))  # fmt: skip
    ses = pd.DataFrame({"organization": ORG, "course": "C1",
                        "session": [str(i) for i in range(n_sessions)],
                        "date": [f"{y}-05-0{i + 1}" for i, y in enumerate(years)],
                        "hours": hours})  # fmt: skip
    pairs = draw(st.lists(st.tuples(st.integers(0, n_sessions - 1), st.sampled_from(_PEOPLE)),
                          min_size=1, max_size=12, unique=True))  # fmt: skip
    departments = {p: draw(st.sampled_from(_DEPARTMENTS)) for p in _PEOPLE}
    att = pd.DataFrame({"organization": ORG, "course": "C1",
                        "session": [str(s) for s, _ in pairs], "person": [p for _, p in pairs],
                        "department": [departments[p] for _, p in pairs],
                        "hours_attended": [draw(st.sampled_from([None, 0.0, 0.5]))
                                           for _ in pairs]})  # fmt: skip
    heads = pd.DataFrame(
        [(ORG, y, d, draw(st.integers(1, 20))) for y in (2023, 2024) for d in _DEPARTMENTS],
        columns=["organization", "year", "department", "employees"],
    )
    return att, ses, heads


@pytest.mark.slow
@settings(max_examples=15, deadline=None)
@given(_records(), st.randoms(use_true_random=False))
def test_row_order_is_irrelevant(records, random) -> None:
    att, ses, heads = records
    shuffled = [f.sample(frac=1.0, random_state=random.randint(0, 2**31)) for f in records]
    pd.testing.assert_frame_equal(training_hours(att, ses, heads), training_hours(*shuffled))
    pd.testing.assert_frame_equal(
        training_variables(att, ses, heads), training_variables(*shuffled)
    )


@pytest.mark.slow
@settings(max_examples=15, deadline=None)
@given(_records())
def test_a_department_alone_gives_its_own_row(records) -> None:
    att, ses, heads = records
    whole = training_hours(att, ses, heads)
    parts = []
    for department in _DEPARTMENTS:
        alone = training_hours(att[att["department"] == department], ses,
                               heads[heads["department"] == department])  # fmt: skip
        parts.append(alone[alone["level"] == "department"])
    split = pd.concat(parts).sort_values(["year", "department"]).reset_index(drop=True)
    rows = whole[whole["level"] == "department"].reset_index(drop=True)
    pd.testing.assert_frame_equal(rows, split)
    # the organization's hours and employees are the sums of its departments'
    totals = whole[whole["level"] == "organization"].set_index("year")
    sums = rows.groupby("year")[["hours", "employees"]].sum()
    pd.testing.assert_frame_equal(totals[["hours", "employees"]], sums, check_names=False)


# -- the personnel plugin's variables --------------------------------------------------------


def test_training_variables_feed_the_personnel_indicators() -> None:
    variables = training_variables(attendance(), sessions(), staff(), year=2024)
    assert variables.to_dict("list") == {
        "organization": [ORG] * 3,
        "period": [2024] * 3,
        "variable": ["personnel.training_hours", "personnel.staff_trained", "personnel.staff"],
        "value": [10.5, 3.0, 20.0],  # 8 + 2.5 + 0 h; e1, e2, e3; 5 + 10 + 5 employees
    }
    catalog = catalog_with(("personnel", load_installed_plugin("personnel")), installed=["qclub"])
    out = compute(
        ["personnel.training_hours_per_employee", "personnel.share_trained"],
        variables,
        catalog=catalog,
    ).set_index("indicator")["value"]
    assert out["personnel.training_hours_per_employee"] == pytest.approx(0.525)  # 10.5 / 20
    assert out["personnel.share_trained"] == pytest.approx(15.0)  # 3 / 20 x 100 (scale 100)


def test_training_variables_leave_out_an_incomplete_headcount() -> None:
    variables = training_variables(attendance(), sessions(), staff().iloc[[1, 2, 3]], year=2024)
    assert "personnel.staff" not in set(variables["variable"])


# -- needs vs delivered ----------------------------------------------------------------------


def test_needs_vs_delivered_by_hand() -> None:
    out = needs_vs_delivered(needs(), courses(), sessions(), attendance())
    rows = out.set_index(["department", "topic"])
    # S03 privacy staff 2024: need 2 people x 4 h = 8 h; delivered (C1, privacy, staff)
    # 3 + 2 + 3 = 8 h to e1, e2: 8 >= 8 and 2 >= 2 -> met, coverage 1
    s03 = rows.loc[("S03", "privacy")]
    assert (s03["hours_needed"], s03["hours_delivered"], s03["people_trained"]) == (8.0, 8.0, 2)
    assert (s03["coverage"], s03["status"]) == (1.0, "met")
    # S04 quality referents: 2 x 2 = 4 h; delivered C2 (quality, referents) in 2024:
    # e3 2.5 h (C2/2 is in 2025) -> 2.5 / 4 = 0.625, 1 of 2 people -> partial
    s04 = rows.loc[("S04", "quality")]
    assert (s04["hours_delivered"], s04["people_trained"]) == (2.5, 1)
    assert s04["coverage"] == pytest.approx(0.625)
    assert s04["status"] == "partial"
    # S04 privacy staff: 1 x 3 = 3 h; e4 attended C1/2 for 0 h -> none, coverage 0
    s04p = rows.loc[("S04", "privacy")]
    assert (s04p["hours_delivered"], s04p["people_trained"], s04p["status"]) == (0.0, 0, "none")
    # S05 leadership managers: C3 has no session -> none
    assert rows.loc[("S05", "leadership"), "status"] == "none"
    assert set(out["status"]) <= {s.value for s in NeedStatus}


def test_more_hours_than_needed_but_too_few_people_is_partial() -> None:
    one = needs().iloc[[0]].assign(people=[3], hours=[2.0])  # 3 x 2 = 6 h needed
    out = needs_vs_delivered(one, courses(), sessions(), attendance())
    # delivered 8 h >= 6 (coverage capped at 1), but 2 people trained < 3 -> partial
    assert (out["coverage"].iloc[0], out["status"].iloc[0]) == (1.0, "partial")


def test_needs_attendance_at_an_unknown_course_is_named() -> None:
    with pytest.raises(DataError) as caught:
        needs_vs_delivered(needs(), courses().iloc[[1, 2]], sessions(), attendance())
    cases = caught.value.failure_cases
    assert set(cases["sheet"]) == {"attendance"}
    assert cases["row"].astype(int).tolist() == [1, 2, 3, 6]  # the rows of C1
    assert set(cases["column"]) == {"course"}


@pytest.mark.slow
@settings(max_examples=10, deadline=None)
@given(st.randoms(use_true_random=False))
def test_needs_row_order_is_irrelevant(random) -> None:
    frames = [needs(), courses(), sessions(), attendance()]
    shuffled = [f.sample(frac=1.0, random_state=random.randint(0, 2**31)) for f in frames]
    pd.testing.assert_frame_equal(needs_vs_delivered(*frames), needs_vs_delivered(*shuffled))


# -- course hours ----------------------------------------------------------------------------


def test_course_hours_come_from_sessions_when_given() -> None:
    out = course_hours(courses(), sessions())
    # C1: sessions 3 + 4 = 7 (not the sheet's 8); C2: 2.5 + 2 = 4.5 (the sheet has none);
    # C3: no session, the sheet's 12
    assert out["hours"].tolist() == [7.0, 4.5, 12.0]
    assert out["sessions"].tolist() == [2, 2, 0]
    assert out["hours_from"].tolist() == ["sessions", "sessions", "course"]


def test_course_without_hours_anywhere() -> None:
    out = course_hours(courses().assign(hours=None), sessions().iloc[:0])
    assert out["hours"].isna().all()
    assert out["hours_from"].isna().all()


def test_no_course_gives_an_empty_table() -> None:
    out = course_hours(courses().iloc[:0], sessions().iloc[:0])
    assert out.empty
    assert list(out.columns) == COURSE_HOURS_COLUMNS


def test_session_of_an_unknown_course_is_named() -> None:
    with pytest.raises(DataError, match="courses sheet") as caught:
        course_hours(courses().iloc[[0, 2]], sessions())
    assert caught.value.failure_cases["row"].astype(int).tolist() == [3, 4]


# -- sheets, models, labels, the store -------------------------------------------------------


def departments() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": ORG,
            "department": ["S03", "S04", "S05"],
            "name_it": ["Servizi demografici", "Polizia locale", "Personale"],
            "kind": "settore",
        }
    )


def _workbook() -> dict[str, pd.DataFrame]:
    return {
        "departments": departments(),
        "training_needs": needs(),
        "courses": courses(),
        "course_sessions": sessions(),
        "attendance": attendance(),
        "staff": staff(),
    }


def test_training_sheets_come_last_in_import_order() -> None:
    names = list(SHEETS)
    where = [names.index(n) for n in TRAINING]
    # after the plan's sheets, in an order where a sheet refers only to earlier ones
    assert where == sorted(where)
    assert min(where) > names.index("meeting_actions")
    for name in TRAINING:
        assert all(not c.isupper() and " " not in c for c in SHEETS[name].columns)
        assert set(SHEETS[name].help) == set(SHEETS[name].columns)


def test_check_sheet_reads_an_italian_csv_row_and_suggests() -> None:
    raw = pd.DataFrame({"organization": [ORG], "year": ["2024"], "department": ["S03"],
                        "topic": ["privacy"], "audience": ["Staf"], "people": ["12"],
                        "hours": ["2,5"]})  # fmt: skip
    with pytest.raises(DataError) as caught:
        check_sheet(raw, "training_needs", source="fabbisogni.csv")
    assert "row 1, column 'audience'" in str(caught.value)
    assert "staff" in caught.value.failure_cases["close"].iloc[0]
    clean = check_sheet(raw.assign(audience="Staff"), "training_needs")
    assert clean.iloc[0][["audience", "hours", "people"]].tolist() == ["staff", "2.5", "12"]


def test_unknown_department_in_attendance_is_named() -> None:
    with pytest.raises(DataError) as caught:
        check_sheet(attendance(), "attendance", known={"departments": {"S03"}})
    cases = caught.value.failure_cases
    assert cases["row"].astype(int).tolist() == [4, 5, 6]
    assert set(cases["column"]) == {"department"}


def test_models_from_the_store_rows() -> None:
    with ProgrammeStore(":memory:") as store:
        store.import_sheets(_workbook(), by=BY, at=AT)
        rows = store._text_table("attendance").to_dict("records")
    first = Attendance.from_mapping(rows[0])
    assert (first.course, first.session, first.hours_attended) == ("C1", "1", None)
    assert first.completed is Completion.YES
    for name in TRAINING:
        with ProgrammeStore(":memory:") as store:
            store.import_sheets(_workbook(), by=BY, at=AT)
            for row in store._text_table(name).to_dict("records"):
                SHEETS[name].model.from_mapping(row)  # every stored row makes its model


def test_every_training_code_has_italian_german_english_labels() -> None:
    for enum in (Audience, Priority, CourseKind, Completion, NeedStatus):
        for member in enum:
            label = TRAINING_LABELS[member]
            assert LABELS[member] is label  # the programme's one mapping has them
            assert label.it, member
            assert label.de, member
            assert label.en, member
            assert label.it != member.value or member.value in ("no",), member
    for name in TRAINING:
        for column, allowed in SHEETS[name].choices.items():
            assert all(any(m.value == v for m in LABELS) for v in allowed), (name, column)


def test_round_trip_through_the_store(tmp_path: Path) -> None:
    book = _workbook()
    with ProgrammeStore(tmp_path / "a.db") as a:
        first = a.import_sheets(book, by=BY, at=AT)
        assert first.added == sum(len(f) for f in book.values())
        path = a.export(tmp_path / "programma.xlsx")
        with ProgrammeStore(tmp_path / "b.db") as b:
            b.import_file(path, by=BY, at=AT)
            for name in SHEETS:
                pd.testing.assert_frame_equal(a.table(name), b.table(name))
        again = a.import_file(path, by=BY)
        assert not again.has_changes
        assert again.conflicts.empty
        folder = a.export(tmp_path / "csv")
        assert not a.import_file(folder, by=BY).has_changes


def test_a_workbook_without_the_training_sheets_still_imports(tmp_path: Path) -> None:
    with ProgrammeStore(tmp_path / "a.db") as a:
        a.import_sheets({"departments": departments()}, by=BY, at=AT)
        path = a.export(tmp_path / "vecchio.xlsx")
    book = openpyxl.load_workbook(path)
    for name in TRAINING:
        del book[name]
    book.save(path)
    with ProgrammeStore(tmp_path / "b.db") as b:
        report = b.import_file(path, by=BY, at=AT)
        assert report.added == 3
        assert not set(report.counts["sheet"]) & set(TRAINING)
        for name in TRAINING:
            assert b.table(name).empty
        assert training_hours(b.table("attendance"), b.table("course_sessions"),
                              b.table("staff")).empty  # fmt: skip


def test_template_has_the_training_sheets_with_italian_help(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_template(tmp_path / "modello.xlsx"))
    for name in TRAINING:
        assert [c.value for c in book[name][1]] == list(SHEETS[name].columns)
    text = " ".join(str(c.value) for row in book["istruzioni"].iter_rows() for c in row)
    assert "ore frequentate (vuoto = tutte le ore dell'edizione)" in text
    assert "dipendenti in servizio al 31/12 (numero intero); colonna obbligatoria" in text


def test_an_italian_office_csv_imports(tmp_path: Path) -> None:
    # cp1252, ';', day-first dates, decimal comma: as Excel in Italian saves it
    path = tmp_path / "edizioni.csv"
    path.write_bytes(
        "organization;course;session;date;hours;place\r\n"
        "036023;C1;1;05/03/2024;3;Sala Giunta\r\n"
        "036023;C1;2;12/03/2024;3,5;Città\r\n".encode("cp1252")
    )
    with ProgrammeStore(":memory:") as store:
        with pytest.warns(DataWarning, match="cp1252"):
            store.import_file(path, by=BY, sheet_name="course_sessions", at=AT)
        table = store.table("course_sessions")
    assert table["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-05", "2024-03-12"]
    assert table["hours"].tolist() == [3.0, 3.5]
    assert table["place"].tolist() == ["Sala Giunta", "Città"]
