"""The CLI shell: version, plugins, services, plugin new/check, error handling."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from qualitapa import __version__
from qualitapa.cli import cli
from qualitapa.testing import isolated_plugins


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's messages in English (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


PLUGIN = """
from qualitapa import hookimpl, Service, Text

@hookimpl
def qualitapa_services():
    return [Service("libraries", Text("Biblioteche", "Public libraries")),
            Service("archives", Text("Archivi"), parent="libraries")]
"""


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """A fake installed plugin distribution 'qualitapa-libs' with entry point 'libs'."""
    (tmp_path / "qp_cli_libs.py").write_text(textwrap.dedent(PLUGIN))
    info = tmp_path / "qualitapa_libs-0.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: qualitapa-libs\nVersion: 0.3\n")
    (info / "entry_points.txt").write_text("[qualitapa]\nlibs = qp_cli_libs\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with isolated_plugins(["libs"]):
        yield
    sys.modules.pop("qp_cli_libs", None)


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"qualitapa, version {__version__}"


def test_plugins_lists_installed_plugins(installed):
    result = CliRunner().invoke(cli, ["plugins", "--format", "json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert (row["plugin"], row["distribution"], row["version"], row["services"]) == (
        "libs",
        "qualitapa-libs",
        "0.3",
        2,
    )
    table = CliRunner().invoke(cli, ["plugins"]).output
    assert any(line.startswith("libs ") for line in table.splitlines()[1:])


def test_services_table_csv_and_file(installed, tmp_path):
    result = CliRunner().invoke(cli, ["services", "--format", "csv"])
    assert result.output.splitlines() == [
        "id,label,parent,plugin",
        "libraries,Biblioteche,,libs",
        "archives,Archivi,libraries,libs",
    ]
    # --lang: the labels in that language (Italian where there is none), same columns
    result = CliRunner().invoke(cli, ["services", "--format", "csv", "--lang", "en"])
    assert result.output.splitlines() == [
        "id,label,parent,plugin",
        "libraries,Public libraries,,libs",
        "archives,Archivi,libraries,libs",
    ]
    out = tmp_path / "services.json"
    result = CliRunner().invoke(cli, ["services", "-o", str(out)])
    assert result.exit_code == 0
    assert [r["id"] for r in json.loads(out.read_text())] == ["libraries", "archives"]


def test_plugin_check_reports_warnings_without_failing(installed, tmp_path):
    result = CliRunner().invoke(cli, ["plugin", "check", "--format", "csv"])
    assert result.exit_code == 0
    header, row = result.output.splitlines()
    assert header == (
        "source,row,column,value,rule,message,severity,plugin,section,id,suggestion,line"
    )
    assert row.endswith(
        ",,label,,incomplete,no English label,warning,libs,services,archives,"
        "add en = ... to the label,"
    )
    assert row.startswith(str(tmp_path / "qp_cli_libs.py"))


@pytest.mark.usefixtures("english")
def test_plugin_check_unknown_name_is_one_line_error(installed):
    result = CliRunner().invoke(cli, ["plugin", "check", "nope"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: 'nope': not installed; installed plugins: ['libs']")
    assert "Traceback" not in result.output


def test_debug_shows_traceback(installed):
    result = CliRunner().invoke(cli, ["--debug", "plugin", "check", "nope"])
    assert result.exit_code == 1
    assert result.exception is not None  # re-raised instead of a clean line


def test_plugin_new_rejects_bad_names(tmp_path):
    result = CliRunner().invoke(cli, ["plugin", "new", "Demo City", "-d", str(tmp_path)])
    assert result.exit_code == 1
    assert "lower-case words separated by hyphens" in result.output


@pytest.mark.slow  # runs the scaffold's own tests in a pytest subprocess
def test_plugin_new_scaffold_installs_and_is_discovered(tmp_path, monkeypatch):
    runner = CliRunner()
    result = runner.invoke(cli, ["plugin", "new", "demo-city", "-d", str(tmp_path)])
    assert result.exit_code == 0, result.output
    root = tmp_path / "qualitapa-demo-city"
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) == [
        "README.md",
        "pyproject.toml",
        "src/qualitapa_demo_city/__init__.py",
        "src/qualitapa_demo_city/definitions.toml",
        "tests/test_plugin.py",
    ]
    pyproject = (root / "pyproject.toml").read_text()
    assert '[project.entry-points.qualitapa]\ndemo-city = "qualitapa_demo_city:plugin"' in pyproject
    again = runner.invoke(cli, ["plugin", "new", "demo-city", "-d", str(tmp_path)])
    assert again.exit_code == 1
    assert "already exists" in again.output

    # "install" it the way pip's editable install exposes it: source on the
    # path and a dist-info carrying the entry point from its pyproject
    info = tmp_path / "qualitapa_demo_city-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: qualitapa-demo-city\nVersion: 0.1.0\n"
    )
    (info / "entry_points.txt").write_text("[qualitapa]\ndemo-city = qualitapa_demo_city:plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(root / "src"))
    try:
        with isolated_plugins(["demo-city"]):
            listed = runner.invoke(cli, ["plugins", "--format", "json"])
            checked = runner.invoke(cli, ["plugin", "check", "demo-city"])
        assert json.loads(listed.output)[0]["plugin"] == "demo-city"
        assert checked.output.strip() == "ok: no problems in demo-city"
        env_path = f"{root / 'src'}:{tmp_path}"
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(root / "tests")],
            env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            cwd=root,
            check=False,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert "1 passed" in run.stdout
    finally:
        sys.modules.pop("qualitapa_demo_city", None)
