"""Helpers of the programme's tests: a store filled once per module, copied for each test."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualitapa.catalog import default_catalog
from qualitapa.plugins import DISABLE_ENV, LOAD_ENV


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
