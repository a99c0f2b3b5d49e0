"""The programme store's file: damaged, foreign, empty, locked or read-only (issue 14).

The store opens its file as the complaint register does (``qualitapa._sqlite``):
every problem is a :class:`~qualitapa.errors.DataError` naming the file, in the
register's words, never a raw ``sqlite3`` error. Also: the status rows that set a
closed activity back, found vectorised, agree with the rule written row by row.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from qualitapa.errors import DataError
from qualitapa.programme import ProgrammeStore

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
