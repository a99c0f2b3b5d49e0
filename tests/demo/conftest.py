"""The demo, run once per test session with every Q-Club plugin (README's main job)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitapa.catalog import Catalog
from qualitapa.cli import cli
from qualitapa.testing import isolated_plugins

PLUGINS = ["qclub", "registry", "nurseries", "libraries", "finance", "personnel", "modena"]

#: The demo runs made in this session (one per base temporary folder).
_RUNS: dict[Path, tuple[Path, Catalog, str]] = {}


def run_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Catalog, str]:
    """``(out, catalog, output)`` of one `qualitapa demo --runs 20` run in this session.

    Every module that reads the demo's results (tests/demo, tests/reporting) shares it:
    the run costs seconds. Under pytest-xdist each worker runs it once. The tests only
    read the folder.
    """
    base = tmp_path_factory.getbasetemp()
    if base not in _RUNS:
        out = tmp_path_factory.mktemp("demo")
        with isolated_plugins(PLUGINS):
            result = CliRunner().invoke(cli, ["demo", "--out", str(out), "--runs", "20"])
            catalog = Catalog.build()
        assert result.exit_code == 0, result.output
        _RUNS[base] = (out, catalog, result.output)
    return _RUNS[base]


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """``(out, catalog, output)`` of one `qualitapa demo --runs 20` run."""
    return run_demo(tmp_path_factory)
