"""Test configuration: tests never see plugins that merely happen to be installed."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from qualitapa.catalog import default_catalog
from qualitapa.plugins import DISABLE_ENV, LOAD_ENV

# Property tests: a quick profile for the local loop, a thorough one for CI
# (`HYPOTHESIS_PROFILE=ci`, set by .ci/run). Tests that need another example count
# set it themselves; the deadline is off because the machines are shared.
settings.register_profile("dev", max_examples=40, deadline=None)
settings.register_profile("ci", max_examples=200, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# Python's bytecode cache, even where the environment turns it off
# (PYTHONDONTWRITEBYTECODE, as on this project's CI machines): the suite starts
# hundreds of interpreters (the xdist workers, the CLI run as a user runs it, forked
# writers), and without the cache each one compiles qualitapa again (importing the
# CLI took 2.0 s instead of 0.5 s) and pytest rewrites every test module's asserts
# again in each worker (collection 10.3 s instead of 4.6 s). The caches are
# __pycache__ folders, ignored by git. This conftest is read before the workers start
# and before any test module is imported.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def _temporary_files_in_memory(folder: Path = Path("/dev/shm")) -> None:
    """The tests' temporary files in memory-backed ``/dev/shm`` (Linux's tmpfs), where it is.

    The stores and registers the tests fill are SQLite files written with
    ``synchronous = FULL``: on a disk every commit waits for the disk to confirm it
    (0.5-5 ms on this project's CI machine): a property test opening a store per
    example took 7 s for 1 s of work. No test checks what survives a power cut,
    which only a disk gives. ``tmp_path``, :mod:`tempfile` and the processes
    the tests start all follow ``TMPDIR``; a ``TMPDIR`` already set is kept.
    """
    if "TMPDIR" in os.environ or not (folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)):
        return
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = None  # tempfile.gettempdir() reads TMPDIR again


_temporary_files_in_memory()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order the tests marked slow: first in a parallel run, last in one process.

    In a parallel run (pytest-xdist, the default ``-n auto``; each worker collects and
    orders the same list) the slow tests start first: the worksteal scheduler hands each
    worker a contiguous share of that order and lets an idle worker take the tail of
    another's queue, so the run ends on quick tests and no core sits idle behind one
    long test started late. In one process (``-n 0``, ``--pdb``) they run last, as in
    pytest's own conftest: a quick failure shows first. The sort is stable, so each group
    keeps its collection order: a module's tests stay together, so a worker builds a
    module-scoped fixture once unless a steal splits the module. ``-m "not slow"`` (the
    fast local loop, CONTRIBUTING.md) leaves them out.
    """
    slow_first = "PYTEST_XDIST_WORKER" in os.environ
    items.sort(key=lambda item: (item.get_closest_marker("slow") is None) == slow_first)


@pytest.fixture(autouse=True)
def _no_installed_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load no entry-point plugins unless a test asks (see qualitapa.testing.isolated_plugins)."""
    monkeypatch.setenv(LOAD_ENV, "")
    monkeypatch.delenv(DISABLE_ENV, raising=False)
    default_catalog.cache_clear()


@pytest.fixture(autouse=True)
def _no_terminal_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables are drawn as into a pipe unless a test sets ``COLUMNS`` itself.

    pytest-xdist's workers have ``COLUMNS=80`` and ``LINES=24`` in their environment
    (a single process has neither, unless the shell exported them): the CLI would then
    wrap its tables to 80 columns, and a test's result would depend on how it was run.
    """
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)


@contextlib.contextmanager
def as_in_a_test(plugins: str = "") -> Iterator[None]:
    """The environment the two fixtures above give a test, for a module-scoped fixture.

    A module fixture is built before a test's own fixtures: one that runs commands
    (fills a store once, for its tests to copy) sets what they set. ``plugins`` are
    the entry-point plugins loaded (none by default); the default catalog is built
    again inside and after.
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
