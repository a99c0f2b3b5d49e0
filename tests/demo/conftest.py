"""The demo, run once per test session with every Q-Club plugin (README's main job)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from qualitapa.catalog import Catalog
from qualitapa.cli import cli
from qualitapa.testing import isolated_plugins

PLUGINS = ["qclub", "registry", "nurseries", "libraries", "finance", "personnel", "modena"]


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """``(out, catalog, output)`` of one `qualitapa demo --runs 20` run."""
    out = tmp_path_factory.mktemp("demo")
    with isolated_plugins(PLUGINS):
        result = CliRunner().invoke(cli, ["demo", "--out", str(out), "--runs", "20"])
        catalog = Catalog.build()
    assert result.exit_code == 0, result.output
    return out, catalog, result.output
