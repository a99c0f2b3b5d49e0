"""The demo, run once per test session with every Q-Club plugin (README's main job)."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitapa.catalog import Catalog
from qualitapa.cli import cli
from qualitapa.testing import isolated_plugins

PLUGINS = ["qclub", "registry", "nurseries", "libraries", "finance", "personnel", "modena"]

#: The demo runs made in this session: (base temporary folder, run's name) -> run.
_RUNS: dict[tuple[Path, str], tuple[Path, Catalog, str]] = {}


def run_demo(
    tmp_path_factory: pytest.TempPathFactory, lang: str | None = None
) -> tuple[Path, Catalog, str]:
    """``(out, catalog, output)`` of one `qualitapa demo --runs 20 [--lang LANG]` in this session.

    Every module that reads the demo's results (tests/demo, tests/reporting) shares it:
    the run costs seconds. Under pytest-xdist the workers share one run too (the pattern
    of pytest-xdist's docs, "Making session-scoped fixtures execute only once"): the
    first worker that asks runs it in the session's common temporary folder, under a
    file lock, and the others read the folder it wrote (each builds its own catalog).
    The tests only read the folder.
    """
    base = tmp_path_factory.getbasetemp()
    name = f"demo-{lang}" if lang else "demo"
    if (base, name) not in _RUNS:
        if "PYTEST_XDIST_WORKER" in os.environ:  # base is popen-gwN in the session's folder
            _RUNS[base, name] = _shared_run(base.parent / name, lang)
        else:
            out = tmp_path_factory.mktemp(name)
            _RUNS[base, name] = (out, _catalog(), _run(out, lang))
    return _RUNS[base, name]


def _run(out: Path, lang: str | None) -> str:
    """What `qualitapa demo --out OUT --runs 20 [--lang LANG]` printed (it succeeded)."""
    args = ["demo", "--out", str(out), "--runs", "20", *(["--lang", lang] if lang else [])]
    with isolated_plugins(PLUGINS):
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return result.output


def _catalog() -> Catalog:
    with isolated_plugins(PLUGINS):
        return Catalog.build()


def _shared_run(out: Path, lang: str | None) -> tuple[Path, Catalog, str]:
    """The run in ``out``, made by whichever worker came first; its output is kept beside it.

    The output file is written once the run succeeded: a worker whose run failed leaves
    none, and the next worker runs the demo again (and fails the same way).
    """
    printed = out.with_name(out.name + ".output.txt")
    with _locked(out.with_name(out.name + ".lock")):
        if not printed.is_file():
            printed.write_text(_run(out, lang), encoding="utf-8")
    return out, _catalog(), printed.read_text(encoding="utf-8")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` (created) for the block: other workers wait."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """``(out, catalog, output)`` of one `qualitapa demo --runs 20` run."""
    return run_demo(tmp_path_factory)
