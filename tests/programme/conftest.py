"""Helpers of the programme's tests: a store filled once per module, copied for each test."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from qualitapa.catalog import default_catalog
from qualitapa.plugins import DISABLE_ENV, LOAD_ENV
from qualitapa.programme import ProgrammeStore

#: Who imports the sheets of the stores the tests fill, and when.
BY = "ufficio.qualita"
AT = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)


@contextlib.contextmanager
def as_in_a_test(plugins: str = "") -> Iterator[None]:
    """The environment tests/conftest.py gives each test, for a module-scoped fixture.

    ``plugins`` are the entry-point plugins loaded (none by default); no
    terminal size; the default catalog built again inside and after.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(LOAD_ENV, plugins)
        mp.delenv(DISABLE_ENV, raising=False)
        mp.delenv("COLUMNS", raising=False)
        mp.delenv("LINES", raising=False)
        default_catalog.cache_clear()
        try:
            yield
        finally:
            default_catalog.cache_clear()


def copy_folder(source: Path, target: Path) -> None:
    """Copy the files of ``source`` (a store and the files it was filled from) into ``target``."""
    for path in source.iterdir():
        shutil.copy2(path, target / path.name)


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
