"""Issue 13, items 11 and 12: a broken plugin is skipped, ids are whole-string checked.

Item 11: one broken installed plugin (an import error, a malformed TOML file, a
hook raising, two plugins defining the same id) took every command down,
including ``plugins`` and ``plugin check``. Now every other command warns once
(one line on stderr naming the plugin and the problem) and goes on without it;
``plugins`` lists it as broken; ``plugin check`` reports it and exits 1.

Item 12: ids and plugin names were checked with ``re.match`` against ``^...$``,
so ``"libraries.loans_per_inhabitant\\n"`` passed and printed like the real
indicator; a 300-character plugin name was a raw ``OSError``.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import qualitapa
from qualitapa import Catalog, DefinitionError, PluginError, Service, Text, hookimpl
from qualitapa.cli import cli
from qualitapa.testing import isolated_plugins

from ._fake_plugins import TOML_PACKAGE_INIT, install_distribution

GOOD = """
from qualitapa import hookimpl, Service, Text

@hookimpl
def qualitapa_services():
    return [Service("libraries", Text("Biblioteche", "Libraries"))]
"""

BROKEN = {
    "import-error": ("raise ImportError('no module named numpy_extra')\n", None),
    "exits-on-import": ("import sys\nsys.exit('configure me first')\n", None),
    "malformed-toml": (TOML_PACKAGE_INIT, {"definitions.toml": "[[services]\nid = 'x'\n"}),
    "hook-raises": (
        """
        from qualitapa import hookimpl

        @hookimpl
        def qualitapa_services():
            raise KeyError("settings.ini")
        """,
        None,
    ),
    "bad-item": (
        """
        from qualitapa import hookimpl

        @hookimpl
        def qualitapa_services():
            return [{"id": "registry"}]
        """,
        None,
    ),
    "bad-signature": (
        """
        from qualitapa import hookimpl

        @hookimpl
        def qualitapa_services(settings):
            return []
        """,
        None,
    ),
}

#: Message each broken plugin is skipped with.
EXPECTED = {
    "import-error": "no module named numpy_extra",
    "exits-on-import": "configure me first",
    "malformed-toml": "invalid TOML",
    "hook-raises": "qualitapa_services() raised KeyError",
    "bad-item": "returned a dict; expected Service",
    "bad-signature": "{'settings'} are declared in the hookimpl but can not be found",
}

REGISTRY = """
from qualitapa import hookimpl, Service, Text

@hookimpl
def qualitapa_services():
    return [Service("registry", Text("Anagrafe {who}", "Civil registry"))]
"""

DEPENDENT = """
from qualitapa import hookimpl, Service, Text

@hookimpl
def qualitapa_services():
    return [Service("civil_status", Text("Stato civile", "Civil status"), parent="registry")]
"""


@pytest.fixture
def site(tmp_path, monkeypatch):
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    before = set(sys.modules)
    yield root
    for name in set(sys.modules) - before:
        if name.startswith("qp_attack_"):
            sys.modules.pop(name, None)


def install(site: Path, entry: str, body: str, files: dict[str, str] | None = None) -> None:
    module = "qp_attack_" + entry.replace("-", "_")
    install_distribution(site, entry, module, body, package_files=files)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def warning_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Avviso:")]  # Italian default


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_broken_plugin_is_skipped_with_one_warning(site, kind):
    install(site, "good", GOOD)
    install(site, kind, *BROKEN[kind])
    with isolated_plugins(["good", kind]):
        result = invoke("services", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "libraries,Biblioteche,,good" in result.stdout
    [line] = warning_lines(result.stderr)
    assert f"plugin '{kind}' skipped" in line
    assert EXPECTED[kind] in line
    assert "Traceback" not in result.output


def test_plugins_lists_the_broken_plugin_and_plugin_check_fails(site):
    install(site, "good", GOOD)
    install(site, "hook-raises", *BROKEN["hook-raises"])
    with isolated_plugins(["good", "hook-raises"]):
        listing = invoke("plugins", "--format", "json")
        check = invoke("plugin", "check")
        check_good = invoke("plugin", "check", "good")
    assert listing.exit_code == 0, listing.output
    rows = {r["plugin"]: r for r in json.loads(listing.stdout)}
    assert rows["good"]["status"] == "ok"
    assert rows["hook-raises"]["status"] == "broken"
    assert "raised KeyError" in rows["hook-raises"]["problem"]
    assert rows["hook-raises"]["distribution"] == "qualitapa-hook-raises"
    assert check.exit_code == 1, check.output
    assert "hook-raises" in check.stdout
    assert "raised KeyError" in check.stdout
    assert not warning_lines(check.stderr)  # reported, not warned as well
    assert check_good.exit_code == 0, check_good.output


def test_a_conflict_skips_both_plugins_and_names_them(site):
    install(site, "good", GOOD)
    install(site, "registry", REGISTRY.replace("{who}", "A"))
    install(site, "impostor", REGISTRY.replace("{who}", "B"))
    with isolated_plugins(["good", "registry", "impostor"]):
        result = invoke("services", "--format", "csv")
        check = invoke("plugin", "check")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == ["libraries,Biblioteche,,good"]
    lines = warning_lines(result.stderr)
    assert len(lines) == 2
    for line in lines:
        assert "service 'registry' is contributed by both" in line
        assert "'impostor'" in line
        assert "'registry'" in line
    assert check.exit_code == 1


def test_a_plugin_built_on_a_skipped_plugin_is_skipped_too(site):
    install(site, "registry", REGISTRY.replace("{who}", "A"))
    install(site, "impostor", REGISTRY.replace("{who}", "B"))
    install(site, "civil-status", DEPENDENT)
    with isolated_plugins(["registry", "impostor", "civil-status"]):
        result = invoke("services")
    assert result.exit_code == 0, result.output
    [line] = [x for x in warning_lines(result.stderr) if "'civil-status'" in x]
    assert "parent service 'registry' is not defined" in line
    assert "skipped" in line


def test_the_default_catalog_skips_broken_plugins_and_explicit_ones_still_raise(site):
    install(site, "good", GOOD)
    install(site, "import-error", *BROKEN["import-error"])
    with isolated_plugins(["good", "import-error"]):
        with pytest.warns(qualitapa.PluginWarning, match="plugin 'import-error' skipped"):
            catalog = qualitapa.default_catalog()
        assert list(catalog.services) == ["libraries"]
        assert "no module named numpy_extra" in catalog.broken["import-error"]
        with pytest.raises(PluginError, match="no module named numpy_extra"):
            Catalog.build()

    class Raising:
        @hookimpl
        def qualitapa_services(self):
            raise RuntimeError("explicit plugins are the caller's: their errors raise")

    with pytest.raises(PluginError, match="explicit plugins"):
        Catalog.build([("mine", Raising())], entrypoints=False, skip_failing=True)


def test_a_definitions_file_given_on_the_command_line_is_input_and_fails(site, tmp_path):
    install(site, "import-error", *BROKEN["import-error"])
    bad = tmp_path / "mine.toml"
    bad.write_text("[[services]\n")
    with isolated_plugins(["import-error"]):
        result = invoke("indicators", "list", "-d", str(bad))
    assert result.exit_code == 1
    assert "invalid TOML" in result.stderr
    assert "Traceback" not in result.output


# -- item 12: ids and names ------------------------------------------------------


@pytest.mark.parametrize("bad", ["libraries\n", "libraries.loans_per_inhabitant\n", "a\nb"])
def test_an_id_with_a_newline_is_refused(bad):
    with pytest.raises(DefinitionError, match="not a valid id"):
        Service(bad, Text("Biblioteche"))


def test_a_plugin_cannot_define_a_look_alike_of_another_plugins_indicator(tmp_path):
    from qualitapa.declarative import TomlPlugin

    twin = tmp_path / "twin.toml"
    twin.write_text(
        '[[services]]\nid = "libraries"\nlabel = "Biblioteche"\n'
        '[[indicators]]\nid = "libraries.loans_per_inhabitant\\n"\nlabel = "Prestiti"\n'
        'service = "libraries"\ndimension = "effectiveness"\nformula = "loans / population"\n'
        'unit = "loans"\npolarity = "higher_is_better"\n'
    )
    # a TOML plugin's own error is raised as itself (it names file, entry and field)
    with pytest.raises(DefinitionError, match="not a valid id"):
        Catalog.build([("twin", TomlPlugin(twin))], entrypoints=False)


def test_every_id_check_refuses_a_trailing_newline(tmp_path):
    from qualitapa.complaints import check_complaint_id
    from qualitapa.reporting import validate_datapackage, write_datapackage
    from qualitapa.surveys import Question

    with pytest.raises(DefinitionError, match="not a valid complaint id"):
        check_complaint_id("2024/000123\n")
    with pytest.raises(DefinitionError, match="not a valid question id"):
        Question("q1\n", "single", "Soddisfatto?")
    with pytest.raises(ValueError, match="package name"):
        write_datapackage({}, tmp_path / "package", name="demo\n")
    package = tmp_path / "published"
    package.mkdir()
    (package / "t.csv").write_text("n\n1\n")
    (package / "datapackage.json").write_text(
        json.dumps(
            {
                "name": "demo\n",
                "licenses": [{"name": "CC-BY-4.0"}],
                "resources": [
                    {
                        "name": "t\n",
                        "path": "t.csv",
                        "schema": {"fields": [{"name": "n", "type": "integer"}]},
                    }
                ],
            }
        )
    )
    problems = validate_datapackage(package)["problem"].tolist()
    assert "invalid package name 'demo\\n'" in problems
    assert "missing or invalid resource name" in problems


def _anchored_patterns_used_with_match(path: Path) -> list[str]:
    """``NAME.match(...)`` or ``re.match(r"...$", ...)`` where the pattern ends with ``$``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    anchored = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            call = node.value
            if (
                getattr(call.func, "attr", None) == "compile"
                and call.args
                and isinstance(call.args[0], ast.Constant)
                and str(call.args[0].value).endswith("$")
            ):
                anchored |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "match":
            owner = node.func.value  # type: ignore[attr-defined]
            if isinstance(owner, ast.Name) and owner.id in anchored:
                found.append(f"{path.name}:{node.lineno} {owner.id}.match")
            if (
                isinstance(owner, ast.Name)
                and owner.id == "re"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and str(node.args[0].value).endswith("$")
            ):
                found.append(f"{path.name}:{node.lineno} re.match")
    return found


@pytest.mark.slow  # parses every module of the library
def test_no_anchored_pattern_is_checked_with_match_in_the_library():
    # `$` also matches before a final newline: `re.match(r"^x$", "x\n")` succeeds
    assert re.match(r"^x$", "x\n")
    assert not re.fullmatch(r"x", "x\n")
    src = Path(qualitapa.__file__).parent
    found = [f for p in sorted(src.rglob("*.py")) for f in _anchored_patterns_used_with_match(p)]
    assert found == [], "use fullmatch: " + ", ".join(found)


def test_a_300_character_plugin_name_is_a_clear_error(tmp_path):
    result = invoke("plugin", "new", "a" * 300, "-d", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "at most" in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []
    newline = invoke("plugin", "new", "demo-city\n", "-d", str(tmp_path))
    assert newline.exit_code == 1
    assert list(tmp_path.iterdir()) == []


def test_a_300_character_id_is_a_definition_error():
    with pytest.raises(DefinitionError, match="at most"):
        Service("a" * 300, Text("Troppo lungo"))
