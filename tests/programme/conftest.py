"""Helpers of the programme's tests: a store filled once per module, copied for each test."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from qualitapa.programme import ProgrammeStore
from tests.conftest import as_in_a_test, copy_folder

#: Who imports the sheets of the stores the tests fill, and when.
BY = "ufficio.qualita"
AT = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)


def filled_store(folder: Path, sheets: dict[str, pd.DataFrame], source: str) -> Path:
    """``folder/programme.db``: a store that imported ``sheets`` (by BY, at AT), closed."""
    with as_in_a_test(), ProgrammeStore(folder / "programme.db") as store:
        store.import_sheets(sheets, by=BY, at=AT, source=source)
    return folder


@contextlib.contextmanager
def opened_copy(filled: Path, tmp_path: Path) -> Iterator[ProgrammeStore]:
    """The store of :func:`filled_store` copied to ``tmp_path/programme.db``, open."""
    copy_folder(filled, tmp_path)
    with ProgrammeStore(tmp_path / "programme.db") as store:
        yield store
