"""``qualitapa plugin new``: city options, prompts, dependencies, the generated test (issue 16)."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import qualitapa.testing
from qualitapa.cli import _plugins, cli
from qualitapa.declarative import TomlPlugin
from qualitapa.plugins import ENTRY_POINT_GROUP
from qualitapa.testing import check_plugin, isolated_plugins

INSTALLED = {ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
needs_italy = pytest.mark.skipif(
    "italy" not in INSTALLED, reason="the qualitapa-italy plugin is not installed"
)


@pytest.fixture(autouse=True)
def _italy_loaded():
    """The list of municipalities (qualitapa-italy) is the only plugin loaded."""
    with isolated_plugins(["italy"]):
        yield


def _new(tmp_path: Path, *args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, ["plugin", "new", *args, "-d", str(tmp_path)], input=stdin)


def _definitions(root: Path) -> dict:
    (path,) = root.glob("src/*/definitions.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _run_generated_test(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the scaffold's test against its definitions, as if the plugin were installed.

    ``load_installed_plugin`` returns the generated TOML plugin; the plugins
    it builds on are the really installed ones (``installed=[...]`` in the test).
    """
    (definitions,) = root.glob("src/*/definitions.toml")
    monkeypatch.setattr(
        qualitapa.testing, "load_installed_plugin", lambda name: TomlPlugin(definitions)
    )
    spec = importlib.util.spec_from_file_location("generated_test", root / "tests/test_plugin.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.test_definitions_are_valid()


def test_defaults_without_a_terminal_guess_no_province(tmp_path, monkeypatch):
    # the .ci/run flow: no options, standard input not a terminal -> no prompt
    result = _new(tmp_path, "ci-city")
    assert result.exit_code == 0, result.output
    root = tmp_path / "qualitapa-ci-city"
    (city,) = _definitions(root)["organizations"]
    assert city == {
        "id": "qualitapa_ci_city.city",
        "name": "Ci City",
        "population": 100000,
    }
    # the province is left for the writer to give (a guess would move a holiday)
    assert '# province = "XX"' in (root / "src/qualitapa_ci_city/definitions.toml").read_text()
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert project["dependencies"] == ["qualitapa"]
    assert "installed=" not in (root / "tests/test_plugin.py").read_text()
    _run_generated_test(root, monkeypatch)


@needs_italy
def test_istat_code_fills_the_city_from_the_list(tmp_path, monkeypatch):
    result = _new(tmp_path, "bolzano-test", "--istat-code", "21008")  # leading zero optional
    assert result.exit_code == 0, result.output
    root = tmp_path / "qualitapa-bolzano-test"
    (city,) = _definitions(root)["organizations"]
    assert city["name"] == "Bolzano"
    assert city["label"] == {"it": "Bolzano", "en": "Bolzano", "de": "Bozen"}
    assert city["province"] == "BZ"
    assert city["istat_code"] == "021008"
    assert city["region"] == "Trentino-Alto Adige/Südtirol"
    _run_generated_test(root, monkeypatch)


@needs_italy
def test_name_in_either_language_and_province_na_kept(tmp_path):
    assert _new(tmp_path, "bz", "--name", "bozen").exit_code == 0
    assert _definitions(tmp_path / "qualitapa-bz")["organizations"][0]["istat_code"] == "021008"
    # Napoli's province is "NA", not a missing value
    assert _new(tmp_path, "na", "--name", "Napoli").exit_code == 0
    assert _definitions(tmp_path / "qualitapa-na")["organizations"][0]["province"] == "NA"


@needs_italy
def test_builds_on_lists_the_dependency_and_the_generated_test_passes(tmp_path, monkeypatch):
    if "registry" not in INSTALLED:
        pytest.skip("the qualitapa-registry plugin is not installed")
    result = _new(tmp_path, "bz-registry", "--istat-code", "021008", "--builds-on", "registry")
    assert result.exit_code == 0, result.output
    root = tmp_path / "qualitapa-bz-registry"
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert project["dependencies"] == ["qualitapa", "qualitapa-registry"]
    assert 'installed=["registry"]' in (root / "tests/test_plugin.py").read_text()
    # build on it: a local service under the registry plugin's service
    (definitions,) = root.glob("src/*/definitions.toml")
    with definitions.open("a", encoding="utf-8") as out:
        out.write(
            '\n[[services]]\nid = "qualitapa_bz_registry.branch_offices"\nparent = "registry"\n'
            'label = { it = "Delegazioni anagrafiche", en = "Branch registry offices" }\n'
        )
    # alone, the plugin refers to an unknown service: the test needs `installed`
    assert any("registry" in str(p) for p in check_plugin(TomlPlugin(definitions)))
    _run_generated_test(root, monkeypatch)


@needs_italy
def test_unknown_code_fails_naming_it(tmp_path):
    result = _new(tmp_path, "nowhere", "--istat-code", "999999")
    assert result.exit_code == 1
    assert "999999" in result.output
    assert "no Italian municipality has this ISTAT code" in result.output
    assert not (tmp_path / "qualitapa-nowhere").exists()


@needs_italy
def test_unknown_or_ambiguous_name_suggests(tmp_path):
    result = _new(tmp_path, "x", "--name", "Bolzanno")
    assert result.exit_code == 1
    assert "did you mean 'Bolzano'" in result.output
    # Samone is a comune in Piedmont (TO) and in Trentino (TN)
    result = _new(tmp_path, "x", "--name", "Samone")
    assert result.exit_code == 1
    assert "several municipalities" in result.output
    assert "--istat-code" in result.output


def test_unknown_builds_on_fails_with_suggestion(tmp_path):
    result = _new(tmp_path, "x", "--builds-on", "registri")
    assert result.exit_code == 1
    assert "'registri'" in result.output
    assert "not an installed plugin" in result.output
    assert not (tmp_path / "qualitapa-x").exists()


@needs_italy
def test_prompts_only_on_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setattr(_plugins, "_interactive", lambda: True)
    result = _new(tmp_path, "asked", stdin="021008\nregistry\n")
    assert result.exit_code == 0, result.output
    assert "ISTAT code or name" in result.output
    root = tmp_path / "qualitapa-asked"
    assert _definitions(root)["organizations"][0]["name"] == "Bolzano"
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert project["dependencies"] == ["qualitapa", "qualitapa-registry"]


def test_without_the_list_a_name_is_used_as_given_and_a_code_is_refused(tmp_path, monkeypatch):
    with isolated_plugins([]):
        result = _new(tmp_path, "town", "--name", "Borgo Nuovo", "--province", "TN")
        refused = _new(tmp_path, "coded", "--istat-code", "021008")
    assert result.exit_code == 0, result.output
    (city,) = _definitions(tmp_path / "qualitapa-town")["organizations"]
    assert (city["name"], city["province"]) == ("Borgo Nuovo", "TN")
    _run_generated_test(tmp_path / "qualitapa-town", monkeypatch)
    assert refused.exit_code == 1
    assert "021008" in refused.output
    assert "install the qualitapa-italy plugin" in refused.output
