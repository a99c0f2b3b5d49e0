"""The store's rename detection (``key_changed``): only unique and meaningful matches.

A new row is reported as a stored row under another key only when the compared content
(the non-key columns, and for ``people`` the name and e-mail through the store's contacts)
has at least two filled values and is held by exactly one missing row and one new row.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.programme import ProgrammeStore

ORG = "036023"
BY = "ufficio.qualita"


def people() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person": ["p01", "p02", "p03"],
            "name": ["Anna Bianchi", "Luca Verdi", "Marta Neri"],
            "email": ["anna.bianchi@comune.example", None, "marta@comune.example"],
            "category": ["D", "D", "C"],
        }
    )


def activities(codes: list[str], titles: list[str]) -> pd.DataFrame:
    n = len(codes)
    return pd.DataFrame(
        {
            "organization": [ORG] * n,
            "year": [2024] * n,
            "activity": codes,
            "type": ["survey"] * n,
            "department": ["S03"] * n,
            "title_it": titles,
            "planned_start": ["01/02/2024"] * n,
            "planned_end": ["31/05/2024"] * n,
        }
    )


def departments() -> pd.DataFrame:
    return pd.DataFrame(
        {"organization": [ORG], "department": ["S03"], "name_it": ["Servizi demografici"],
         "kind": ["settore"]}
    )  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ProgrammeStore]:
    s = ProgrammeStore(tmp_path / "programme.db")
    s.import_sheets({"departments": departments(), "people": people()}, by=BY)
    yield s
    s.close()


def test_a_new_person_with_a_removed_persons_category_is_added(store: ProgrammeStore) -> None:
    # p02 (category D) leaves the sheet, p04 (another person, category D) comes in:
    # only the category is shared, so p04 is not p02 renamed.
    sheet = people().iloc[[0, 2]]
    sheet = pd.concat([sheet, pd.DataFrame([{"person": "p04", "name": "Sara Gialli",
                                             "email": None, "category": "D"}])])  # fmt: skip
    report = store.import_sheet("people", sheet, by=BY)
    assert report.conflicts[["key", "kind"]].values.tolist() == [["p02", "missing"]]
    assert report.added == 1
    assert store.table("people")["person"].tolist() == ["p01", "p02", "p03", "p04"]


def test_a_person_whose_code_is_retyped_is_a_rename(store: ProgrammeStore) -> None:
    # the same name, e-mail and category under a new code: compared with the stored contact
    sheet = people()
    sheet.loc[2, "person"] = "p3"
    report = store.import_sheet("people", sheet, by=BY)
    assert report.conflicts[["key", "kind", "detail"]].values.tolist() == [
        ["p3", "key_changed", "p03"]
    ]
    assert report.added == 0


def test_a_real_rename_of_an_activity_is_still_key_changed(store: ProgrammeStore) -> None:
    store.import_sheet("activities", activities(["A01", "A02"], ["Indagine", "Audit"]), by=BY)
    report = store.import_sheet("activities", activities(["A01", "A2"], ["Indagine", "Audit"]),
                                by=BY)  # fmt: skip
    assert report.conflicts[["row", "key", "kind", "detail"]].values.tolist() == [
        [2, f"{ORG}/2024/A2", "key_changed", f"{ORG}/2024/A02"]
    ]
    assert report.added == 0


def test_several_missing_rows_with_one_content_match_nothing(store: ProgrammeStore) -> None:
    # A01..A03 identical but for the code; all three leave, one identical row A09 comes:
    # which of the three it renames cannot be told, so none is chosen.
    same = ["Indagine"] * 3
    store.import_sheet("activities", activities(["A01", "A02", "A03"], same), by=BY)
    report = store.import_sheet("activities", activities(["A09"], ["Indagine"]), by=BY)
    assert report.conflicts[["key", "kind"]].values.tolist() == [
        [f"{ORG}/2024/A01", "missing"],
        [f"{ORG}/2024/A02", "missing"],
        [f"{ORG}/2024/A03", "missing"],
    ]
    assert report.added == 1


def test_two_new_rows_with_a_missing_rows_content_match_nothing(store: ProgrammeStore) -> None:
    store.import_sheet("activities", activities(["A01", "A02"], ["Indagine", "Audit"]), by=BY)
    sheet = activities(["A01", "A2", "A3"], ["Indagine", "Audit", "Audit"])
    report = store.import_sheet("activities", sheet, by=BY)
    assert report.conflicts[["key", "kind"]].values.tolist() == [[f"{ORG}/2024/A02", "missing"]]
    assert report.added == 2


_people = st.lists(
    st.tuples(st.sampled_from(["A", "B", "C", "D"]), st.booleans()), min_size=1, max_size=8
)


@settings(max_examples=30, deadline=None)
@given(rows=_people, data=st.data())
def test_reimporting_a_permutation_reports_no_conflict(rows: list[tuple[str, bool]],
                                                      data: st.DataObject) -> None:  # fmt: skip
    sheet = pd.DataFrame({
        "person": [f"p{i:02d}" for i in range(len(rows))],
        "name": [f"Persona {i}" for i in range(len(rows))],
        "email": [f"p{i}@comune.example" if mail else None for i, (_, mail) in enumerate(rows)],
        "category": [c for c, _ in rows],
    })  # fmt: skip
    order = data.draw(st.permutations(range(len(rows))))
    with tempfile.TemporaryDirectory() as tmp, ProgrammeStore(Path(tmp) / "p.db") as s:
        s.import_sheet("people", sheet, by=BY)
        report = s.import_sheet("people", sheet.iloc[list(order)], by=BY)
    assert report.conflicts.empty
    assert not report.has_changes
    assert report.unchanged == len(rows)


@settings(max_examples=30, deadline=None)
@given(categories=st.lists(st.sampled_from(["C", "D"]), min_size=2, max_size=8), data=st.data())
def test_new_people_are_added_whatever_the_categories_of_those_removed(
    categories: list[str], data: st.DataObject
) -> None:
    # every person has another name, so no new row is a removed one renamed
    n = len(categories)
    removed = data.draw(st.integers(1, n - 1))
    sheet = pd.DataFrame({"person": [f"p{i:02d}" for i in range(n)],
                          "name": [f"Persona {i}" for i in range(n)], "email": None,
                          "category": categories})  # fmt: skip
    drawn = data.draw(st.lists(st.sampled_from(["C", "D"]), min_size=removed, max_size=removed))
    new = pd.DataFrame({"person": [f"q{i:02d}" for i in range(removed)],
                        "name": [f"Nuova {i}" for i in range(removed)], "email": None,
                        "category": drawn})  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, ProgrammeStore(Path(tmp) / "p.db") as s:
        s.import_sheet("people", sheet, by=BY)
        report = s.import_sheet("people", pd.concat([sheet.iloc[removed:], new]), by=BY)
    assert report.added == removed
    assert report.conflicts["kind"].tolist() == ["missing"] * removed


def test_a_row_of_another_organization_is_not_a_rename(tmp_path: Path) -> None:
    # ORG's A01 leaves the sheet; the other city's new A09 has A01's content: not a rename
    other = "036024"
    deps = pd.concat([departments(), departments().assign(organization=other)])
    first = activities(["A01", "B01"], ["Indagine", "Audit"])
    second = pd.concat([first.iloc[[1]], first.iloc[[0]].assign(organization=other,
                                                                  activity="A09")])  # fmt: skip
    with ProgrammeStore(tmp_path / "p.db") as s:
        s.import_sheets({"departments": deps, "people": people()}, by=BY)
        s.import_sheet("activities", first, by=BY)
        report = s.import_sheet("activities", second, by=BY)
    assert report.conflicts[["key", "kind"]].values.tolist() == [[f"{ORG}/2024/A01", "missing"]]
    assert report.added == 1


def test_one_shared_value_is_not_enough_for_a_rename(tmp_path: Path) -> None:
    # staff: S03 (10 employees) leaves, S04 (10 employees too) comes in; one value only
    deps = pd.concat([departments(), departments().assign(department="S04")])
    staff = pd.DataFrame({"organization": [ORG], "year": [2024], "department": ["S03"],
                          "employees": [10]})  # fmt: skip
    with ProgrammeStore(tmp_path / "p.db") as s:
        s.import_sheets({"departments": deps, "staff": staff}, by=BY)
        report = s.import_sheet("staff", staff.assign(department="S04"), by=BY)
    assert report.conflicts[["key", "kind"]].values.tolist() == [[f"{ORG}/2024/S03", "missing"]]
    assert report.added == 1
