"""The programme store's file: damaged, foreign, empty, locked or read-only (issue 14).

The store opens its file as the complaint register does (``qualitapa._sqlite``):
every problem is a :class:`~qualitapa.errors.DataError` naming the file, in the
register's words, never a raw ``sqlite3`` error. Also: the status rows that set a
closed activity back, found vectorised, agree with the rule written row by row.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.errors import DataError
from qualitapa.programme import ProgrammeStore
from qualitapa.programme._models import ActivityStatus
from qualitapa.programme._store import _reopenings

ORG = "036023"
BY = "ufficio.qualita"


def _departments() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": [ORG, ORG],
            "department": ["S03", "S04"],
            "name_it": ["Servizi demografici", "Polizia locale"],
            "kind": ["settore", "settore"],
        }
    )


def _filled(path: Path) -> Path:
    """A store of a few pages: 150 departments, imported, then all renamed."""
    codes = [f"S{i:03d}" for i in range(150)]
    names = [f"Settore {c} dei servizi al cittadino" for c in codes]
    frame = pd.DataFrame(
        {"organization": ORG, "department": codes, "kind": "settore", "name_it": names}
    )
    with ProgrammeStore(path) as store:
        store.import_sheet("departments", frame, by=BY)
        store.import_sheet("departments", frame.assign(name_it=frame["name_it"] + " (2024)"), by=BY)
        store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _read_everything(path: Path, *, readonly: bool) -> None:
    with ProgrammeStore(path, readonly=readonly) as store:
        store.tables()
        store.history()
        store.check()


@pytest.mark.parametrize("readonly", [False, True], ids=["writing", "reading"])
@pytest.mark.parametrize(
    "content",
    [random.Random(14).randbytes(8192), b"organization;department\n036023;S03\n" * 200],
    ids=["random bytes", "a CSV file"],
)
def test_a_file_that_is_not_a_database_is_said_clearly(
    tmp_path: Path, content: bytes, readonly: bool
) -> None:
    path = tmp_path / "piano.db"
    path.write_bytes(content)
    with pytest.raises(
        DataError,
        match=r"piano\.db.*the file is damaged or not a programme store \(file is not a "
        r"database\); restore it from a backup",
    ):
        _read_everything(path, readonly=readonly)
    assert path.read_bytes() == content  # left untouched


def _damaged(tmp: Path) -> Iterator[tuple[str, Path]]:
    data = _filled(tmp / "good.db").read_bytes()
    noise = random.Random(14)
    cases = {
        "truncated header": data[:50],
        "truncated to half": data[: len(data) // 2],
        "zeroed pages": data[:4096] + bytes(len(data) - 4096),
        "garbage after the header": data[:100] + noise.randbytes(len(data) - 100),
    }
    for name, content in cases.items():
        path = tmp / f"{name.replace(' ', '_')}.db"
        path.write_bytes(content)
        yield name, path


@pytest.mark.parametrize("readonly", [False, True], ids=["writing", "reading"])
def test_a_damaged_store_gives_a_typed_error_naming_the_file(
    tmp_path: Path, readonly: bool
) -> None:
    said = {}
    for name, path in _damaged(tmp_path):
        try:
            _read_everything(path, readonly=readonly)
        except DataError as exc:  # any other exception fails the test
            said[name] = (path.name, str(exc))
    assert {"truncated header", "zeroed pages"} <= set(said)
    assert all(file in message for file, message in said.values()), said


def test_an_empty_database_read_only_says_how_to_create_a_store(tmp_path: Path) -> None:
    path = tmp_path / "vuoto.db"
    path.write_bytes(b"")
    with pytest.raises(
        DataError,
        match=r"vuoto\.db.*not a qualitapa programme store \(an empty database\): give the "
        r"programme store's file, or create one with 'qualitapa programme init'",
    ):
        ProgrammeStore(path, readonly=True)
    with pytest.raises(DataError, match="a programme store opened read-only needs the path"):
        ProgrammeStore(":memory:", readonly=True)
    assert path.read_bytes() == b""


def test_a_store_opened_read_only_refuses_writes_before_reading(tmp_path: Path) -> None:
    path = _filled(tmp_path / "piano.db")
    with ProgrammeStore(path, readonly=True) as store:
        message = (
            r"piano\.db.*the programme store was opened read-only: open it without readonly "
            "to change it"
        )
        with pytest.raises(DataError, match=message):
            store.import_sheet("departments", _departments(), by=BY)  # nothing would change
        with pytest.raises(DataError, match=message):
            store.erase_person("p01")


def test_a_store_locked_by_another_connection_waits_then_says_so(tmp_path: Path) -> None:
    path = _filled(tmp_path / "piano.db")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with (
            ProgrammeStore(path, busy_timeout=0.2) as store,
            pytest.raises(
                DataError,
                match=r"piano\.db.*the programme store is locked by another process "
                r"\(waited 0\.2 s\): try again when it has finished",
            ),
        ):
            store.import_sheet("departments", _departments().iloc[:1], by=BY)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# -- set back without a note: vectorised = the rule row by row ----------------------------

_ORDER = {s.value: i for i, s in enumerate(ActivityStatus)}


def _reopened_row_by_row(
    data: Mapping[str, Any],
    stored: Mapping[str, Mapping[str, Any]],
    new: list[tuple[int, str, Mapping[str, Any]]],
) -> tuple[str, str] | None:
    """The rule as first written (one scan of the history per row): the reference."""
    if ActivityStatus(data["status"]).is_closed or data.get("note"):
        return None
    ident = (data["organization"], data["year"], data["activity"])
    history = [*stored.values(), *(d for _, _, d in new)]
    earlier = [
        d
        for d in history
        if (d["organization"], d["year"], d["activity"]) == ident
        and (d["at"], _ORDER[d["status"]]) < (data["at"], _ORDER[data["status"]])
    ]
    if not earlier:
        return None
    last = max(earlier, key=lambda d: (d["at"], _ORDER[d["status"]]))
    if not ActivityStatus(last["status"]).is_closed:
        return None
    return (
        f"the activity was {last['status']} on {last['at']}: setting it back to "
        f"{data['status']} needs a note saying why",
        f"{last['status']}|{last['at']}|{data['status']}",
    )


_ROW = st.fixed_dictionaries(
    {
        "organization": st.sampled_from([ORG, "021008"]),
        "year": st.sampled_from(["2024", "2025"]),
        "activity": st.sampled_from(["A01", "A02"]),
        "at": st.sampled_from(["2024-02-01", "2024-05-31", "2024-06-03", "2024-09-30"]),
        "status": st.sampled_from([s.value for s in ActivityStatus]),
        "note": st.sampled_from([None, "", "riaperta"]),
    }
)


@settings(max_examples=100, deadline=None)
@given(stored=st.lists(_ROW, max_size=12), new=st.lists(_ROW, max_size=12))
def test_set_back_rows_vectorised_match_the_row_by_row_rule(
    stored: list[dict[str, Any]], new: list[dict[str, Any]]
) -> None:
    stored_map = {f"s{i}": row for i, row in enumerate(stored)}
    new_rows = [(i + 1, f"n{i}", row) for i, row in enumerate(new)]
    expected = {
        i: found
        for i, (_, _, row) in enumerate(new_rows)
        if (found := _reopened_row_by_row(row, stored_map, new_rows)) is not None
    }
    assert _reopenings(stored_map, new_rows) == expected


def test_set_back_rows_by_hand() -> None:
    done = {"organization": ORG, "year": "2024", "activity": "A01", "at": "2024-05-31",
            "status": "done", "note": None}  # fmt: skip
    back = {**done, "at": "2024-06-03", "status": "started"}
    same_day = {**done, "status": "started"}  # started < done on the same day: before it
    other = {**back, "activity": "A02"}  # another activity: nothing closed before it
    new = [(1, "a", back), (2, "b", same_day), (3, "c", other), (4, "d", {**back, "note": "x"})]
    assert _reopenings({"k": done}, new) == {
        0: (
            "the activity was done on 2024-05-31: setting it back to started needs a note "
            "saying why",
            "done|2024-05-31|started",
        )
    }
