"""`qualitapa plugin check` and `qualitapa.catalog.check_plugins`: every problem in one run.

Issue 16, "Checker": five deliberate mistakes (a misspelt field, a wrong type, an unknown
service, a duplicate id, a misspelt formula variable) are each reported in one run with
the file, the entry, the field and a correct suggestion.
"""

from __future__ import annotations

import json
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitapa import hookimpl
from qualitapa.catalog import CHECK_EXTRAS, Catalog, check_plugins
from qualitapa.cli import cli
from qualitapa.declarative import TomlPlugin
from qualitapa.errors import QualitapaError
from qualitapa.models import Service, Text
from qualitapa.problems import CORE_COLUMNS
from qualitapa.standards import QualityStandard
from qualitapa.testing import isolated_plugins

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"

#: A correct plugin, in the shape of a second city's (Bolzano) TOML.
CORRECT = """\
[[organizations]]
id = "021008"
name = "Bolzano"
population = 107000

[[services]]
id = "bz.libraries"
label = { it = "Biblioteche civiche", en = "Public libraries", de = "Stadtbibliotheken" }

[[services]]
id = "bz.archives"
label = { it = "Archivio storico", en = "Historical archive", de = "Stadtarchiv" }

[[variables]]
id = "bz.loans"
label = { it = "Prestiti", en = "Loans", de = "Ausleihen" }
description = { it = "Prestiti dell'anno", en = "Loans in the year" }
unit = "count"
service = "bz.libraries"

[[variables]]
id = "bz.visits"
label = { it = "Visite", en = "Visits", de = "Besuche" }
unit = "count"
service = "bz.libraries"
integer = true

[[indicators]]
id = "bz.loans_per_visit"
label = { it = "Prestiti per visita", en = "Loans per visit", de = "Ausleihen pro Besuch" }
service = "bz.libraries" # of the indicator
dimension = "effectiveness"
formula = "bz.loans / bz.visits"
polarity = "higher_is_better"
"""

#: name -> (text in CORRECT, the mistake, expected section, entry, field, suggestion)
MISTAKES = {
    "misspelt field": (
        "description = {",
        "descripton = {",
        ("variables", 1, "descripton", "did you mean 'description'?"),
    ),
    "wrong type": (
        "population = 107000",
        'population = "107000"',
        ("organizations", 1, "population", "write 107000 (a number, without quotes)"),
    ),
    "unknown service": (
        'service = "bz.libraries" # of the indicator',
        'service = "bz.libaries"',
        ("indicators", 1, "service", "did you mean 'bz.libraries'?"),
    ),
    "duplicate id": (
        'id = "bz.archives"',
        'id = "bz.libraries"',
        ("services", 2, "id", "remove one of the two entries, or give this one another id"),
    ),
    "misspelt formula variable": (
        'formula = "bz.loans / bz.visits"',
        'formula = "bz.loans / bz.vists"',
        (
            "indicators",
            1,
            "formula",
            "did you mean 'bz.visits' (declared)? If not, declare 'bz.vists' in [[variables]]",
        ),
    ),
}


def with_mistakes(*names: str) -> str:
    text = CORRECT
    for name in names:
        right, wrong, _ = MISTAKES[name]
        assert text.count(right) == 1
        text = text.replace(right, wrong)
    return text


def check(tmp_path: Path, text: str, name: str = "bolzano") -> tuple[Path, object]:
    path = tmp_path / "definitions.toml"
    path.write_text(text, encoding="utf-8")
    return path, check_plugins([(name, TomlPlugin(path))], entrypoints=False)


def found(table, path: Path) -> list[tuple[object, ...]]:
    """(file, section, entry, field, suggestion) of each error."""
    errors = table[table["severity"] == "error"]
    assert (errors["source"] == str(path)).all()
    return sorted(
        zip(errors["section"], errors["row"], errors["column"], errors["suggestion"], strict=True)
    )


def test_a_correct_plugin_has_no_problem(tmp_path):
    _, table = check(tmp_path, CORRECT)
    assert table.empty
    assert list(table.columns) == [*CORE_COLUMNS, *CHECK_EXTRAS]


def test_five_mistakes_are_five_rows_in_one_run(tmp_path):
    path, table = check(tmp_path, with_mistakes(*MISTAKES))
    assert found(table, path) == sorted(expected for _, _, expected in MISTAKES.values())
    assert set(table["severity"]) == {"error"}  # no warning drowns them
    assert set(table["plugin"]) == {"bolzano"}
    by_field = table.set_index("column")
    assert by_field.loc["descripton", "id"] == "bz.loans"
    assert by_field.loc["descripton", "rule"] == "unknown_column"
    assert by_field.loc["population", "rule"] == "not_a_number"
    assert by_field.loc["population", "value"] == "107000"
    assert by_field.loc["service", "value"] == "bz.libaries"
    assert by_field.loc["service", "rule"] == "unknown_value"
    assert by_field.loc["id", "rule"] == "duplicate"
    assert by_field.loc["id", "message"] == (
        f"service 'bz.libraries' is defined twice; first in {path}, [[services]] entry 1 (line 6)"
    )
    assert by_field.loc["formula", "value"] == "bz.vists"
    # each row points at the line of the field
    lines = path.read_text(encoding="utf-8").splitlines()
    for _, wrong, (_, _, field, _) in MISTAKES.values():
        numbers = [n for n, line in enumerate(lines, start=1) if line.startswith(wrong)]
        assert by_field.loc[field, "line"] == numbers[-1]  # a duplicate: the second


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_each_mistake_alone_is_one_row(tmp_path, mistake):
    path, table = check(tmp_path, with_mistakes(mistake))
    assert found(table, path) == [MISTAKES[mistake][2]]
    assert len(table) == 1


def test_catalog_build_still_raises_at_the_first_problem(tmp_path):
    path = tmp_path / "definitions.toml"
    path.write_text(with_mistakes(*MISTAKES), encoding="utf-8")
    with pytest.raises(QualitapaError, match="population"):
        Catalog.build([("bolzano", TomlPlugin(path))], entrypoints=False)


def test_a_formula_variable_far_from_any_declared_one_is_to_be_declared(tmp_path):
    _, table = check(tmp_path, CORRECT.replace("bz.loans / bz.visits", "bz.loans / opening"))
    assert table["suggestion"].tolist() == ["declare 'opening' in [[variables]]"]


@pytest.mark.parametrize(
    ("right", "wrong", "field", "suggestion"),
    [
        (  # a share written as a percentage: an error, never read as 0.9 or 90
            'scope = "general"',
            'scope = "general"\nrequired_share = "90%"',
            "required_share",
            "write 0.9 (a share is a fraction between 0 and 1, no quotes)",
        ),
        ("integer = true", 'integer = "yes"', "integer", "write true (without quotes)"),
        ("population = 107000", "population = 107000.5", "population", None),
        ("population = 107000", 'population = "107.000"', "population", None),
        (
            'name = "Bolzano"',
            'name = "Bolzano"\nattributes = { districts = true }',
            "attributes.districts",
            None,
        ),
        (
            'name = "Bolzano"',
            'name = "Bolzano"\nattributes = { area_km2 = "52,3" }',
            "attributes.area_km2",
            "write 52.3 (a number, without quotes)",
        ),
        (  # inside a nested table too
            'polarity = "higher_is_better"',
            'polarity = "higher_is_better"\ntarget = { comparator = ">=", value = "1,5" }',
            "target.value",
            "write 1.5 (a number, without quotes)",
        ),
        (
            'polarity = "higher_is_better"',
            'polarity = "higher_is_beter"',
            "polarity",
            "did you mean 'higher_is_better'?",
        ),
    ],
)
def test_wrong_values_are_errors_naming_the_field(tmp_path, right, wrong, field, suggestion):
    standard = """
[[standards]]
id = "bz.std.loans"
service = "bz.libraries"
dimension = "effectiveness"
scope = "general"
indicator = "bz.loans_per_visit"
target = ">= 2"
label = { it = "Almeno due prestiti per visita", en = "At least two loans per visit" }
"""
    text = (CORRECT + standard).replace(right, wrong, 1)
    _, table = check(tmp_path, text)
    assert table["column"].tolist() == [field]
    assert table["severity"].tolist() == ["error"]
    if suggestion is not None:
        assert table["suggestion"].tolist() == [suggestion]
    if field == "population":
        assert "must be a whole number" in table["message"].iloc[0]


def test_invalid_toml_names_its_line(tmp_path):
    path, table = check(tmp_path, CORRECT.replace('name = "Bolzano"', 'name = "Bolzano'))
    [row] = table.to_dict("records")
    assert row["source"] == str(path)
    assert row["rule"] == "file"
    assert "at line 3" in row["message"]
    assert row["line"] == 3


def test_unknown_section_and_override_of_nothing(tmp_path):
    text = CORRECT.replace("[[variables]]", "[[variabels]]", 1) + textwrap.dedent(
        """
        [[overrides.services]]
        id = "bz.librarie"
        label = "Biblioteche"
        """
    )
    _, table = check(tmp_path, text)
    rows = table.set_index("section")
    assert rows.loc["variabels", "suggestion"] == "did you mean [[variables]]?"
    assert rows.loc["variabels", "line"] == 14  # its first header
    assert rows.loc["overrides.services", "row"] == 1
    assert rows.loc["overrides.services", "suggestion"] == (
        "did you mean 'bz.libraries'? Or, to add a new service, move the entry to [[services]]"
    )


def test_an_id_of_another_plugin_names_both_files_and_the_override(tmp_path):
    base = tmp_path / "base.toml"
    base.write_text(CORRECT, encoding="utf-8")
    city = tmp_path / "city.toml"
    city.write_text('[[services]]\nid = "bz.archives"\nlabel = "Archivio"\n', encoding="utf-8")
    plugins = [("base", TomlPlugin(base)), ("city", TomlPlugin(city))]
    table = check_plugins(plugins, entrypoints=False)
    [row] = table[table["severity"] == "error"].to_dict("records")
    assert (row["source"], row["section"], row["row"], row["plugin"]) == (
        str(city),
        "services",
        1,
        "city",
    )
    assert row["message"].endswith(
        f"also in {base}, [[services]] entry 2 (line 10) (plugin 'base')"
    )
    assert row["suggestion"].startswith(
        "to replace plugin 'base''s service, move this entry to [[overrides.services]]"
    )
    # asked for the first plugin only, the conflict is still shown
    assert len(check_plugins(plugins, names=["base"], entrypoints=False)) == 1


def test_python_plugins_problems_name_the_plugin(tmp_path):
    class Broken:
        @hookimpl
        def qualitapa_services(self):
            raise RuntimeError("database down")

    class Standards:
        @hookimpl
        def qualitapa_services(self):
            return [Service("registry", Text("Anagrafe", "Registry"))]

        @hookimpl
        def qualitapa_standards(self):
            return [
                QualityStandard.from_mapping(
                    {
                        "id": "registry.std.wait",
                        "service": "registry",
                        "dimension": "timeliness",
                        "label": {"it": "Attesa", "en": "Wait"},
                        "indicator": "registry.wait",
                        "target": "<= 10",
                    }
                )
            ]

    table = check_plugins([("broken", Broken()), ("std", Standards())], entrypoints=False)
    rows = table.set_index("plugin")
    assert "database down" in rows.loc["broken", "message"]
    assert rows.loc["std", "column"] == "indicator"
    assert rows.loc["std", "message"] == "unknown indicator 'registry.wait'"
    assert rows.loc["std", "source"].endswith("test_core_plugin_check.py")
    assert len(table) == 2  # the standard's own check does not say it again


@pytest.fixture
def install(tmp_path, monkeypatch):
    """Install a TOML plugin 'bolzano' from ``text`` (a fake distribution)."""

    def installer(text: str) -> Path:
        (tmp_path / "definitions.toml").write_text(text, encoding="utf-8")
        (tmp_path / "qp_check_bolzano.py").write_text(
            "from pathlib import Path\nfrom qualitapa.declarative import TomlPlugin\n"
            "plugin = TomlPlugin(Path(__file__).with_name('definitions.toml'))\n"
        )
        info = tmp_path / "qualitapa_bolzano-0.1.dist-info"
        info.mkdir(exist_ok=True)
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: qualitapa-bolzano\n")
        (info / "entry_points.txt").write_text("[qualitapa]\nbolzano = qp_check_bolzano:plugin\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        return tmp_path / "definitions.toml"

    with isolated_plugins(["bolzano"]):
        yield installer
    sys.modules.pop("qp_check_bolzano", None)


def test_cli_lists_the_five_mistakes_and_fails(install):
    path = install(with_mistakes(*MISTAKES))
    result = CliRunner().invoke(cli, ["plugin", "check"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "Errors (5)"
    assert lines[-1] == "5 error(s), 0 warning(s)"
    for section, entry, field, suggestion in (e for _, _, e in MISTAKES.values()):
        [line] = [x for x in lines if f"[[{section}]] {entry} " in x and f" {field} " in x]
        assert line.split()[0] == "bolzano"
        assert line.split()[1].startswith(f"{path}:")
        assert line.rstrip().endswith(suggestion)
    rows = json.loads(CliRunner().invoke(cli, ["plugin", "check", "--format", "json"]).output)
    assert len(rows) == 5


def test_the_docs_show_the_output_of_the_five_mistakes(install, monkeypatch):
    path = install(with_mistakes(*MISTAKES))
    monkeypatch.chdir(path.parent)  # files are shown relative to the working folder
    output = CliRunner().invoke(cli, ["plugin", "check"]).output
    docs = (PLUGINS.parent / "docs" / "plugins.md").read_text(encoding="utf-8")
    block = docs.split("```text\nErrors (5)\n")[1].split("```")[0]
    assert [x.rstrip() for x in output.splitlines()] == ["Errors (5)", *block.splitlines()]


def test_cli_ok_for_a_correct_plugin(install):
    install(CORRECT)
    result = CliRunner().invoke(cli, ["plugin", "check", "bolzano"])
    assert (result.exit_code, result.output) == (0, "ok: no problems in bolzano\n")


def test_cli_warnings_alone_do_not_fail(install):
    install(CORRECT.replace(', en = "Historical archive"', ""))
    result = CliRunner().invoke(cli, ["plugin", "check"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "Warnings (1)"
    assert "no English label" in result.output


def shipped_plugin_names() -> list[str]:
    names = []
    for pyproject in sorted(PLUGINS.glob("*/pyproject.toml")):
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        names += list(project.get("entry-points", {}).get("qualitapa", {}))
    return names


def test_the_shipped_plugins_pass():
    names = shipped_plugin_names()
    assert {"registry", "libraries", "modena"} <= set(names)
    with isolated_plugins(names):
        table = check_plugins()
        result = CliRunner().invoke(cli, ["plugin", "check"])
    assert table[table["severity"] == "error"].empty, table.to_string()
    assert result.exit_code == 0, result.output


def test_a_plugin_that_fails_to_import_is_one_error(tmp_path, monkeypatch):
    (tmp_path / "qp_check_broken.py").write_text("raise ImportError('no module named foo')\n")
    info = tmp_path / "qualitapa_broken-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: qualitapa-broken\n")
    (info / "entry_points.txt").write_text("[qualitapa]\nbroken = qp_check_broken\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with isolated_plugins(["broken"]):
        [row] = check_plugins().to_dict("records")
        result = CliRunner().invoke(cli, ["plugin", "check", "broken"])
    assert (row["plugin"], row["source"], row["severity"]) == ("broken", "plugin broken", "error")
    assert "ImportError: no module named foo" in row["message"]
    assert row["suggestion"].endswith("QUALITAPA_DISABLE_PLUGINS=broken stops loading it")
    assert result.exit_code == 1
    assert "no module named foo" in result.output


def test_cli_checks_files_being_written_with_d(tmp_path):
    path = tmp_path / "definitions.toml"
    path.write_text(with_mistakes(*MISTAKES), encoding="utf-8")
    result = CliRunner().invoke(cli, ["plugin", "check", "-d", str(path), "--format", "json"])
    assert result.exit_code == 1
    rows = json.loads(result.output)
    assert {(r["section"], r["row"], r["column"], r["suggestion"]) for r in rows} == {
        e for _, _, e in MISTAKES.values()
    }
    path.write_text(CORRECT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["plugin", "check", "-d", str(path)])
    assert (result.exit_code, result.output) == (0, f"ok: no problems in {path}\n")


def test_a_file_given_with_d_replaces_the_installed_plugin_reading_it(install, monkeypatch):
    path = install(CORRECT)  # installed as plugin 'bolzano'
    monkeypatch.chdir(path.parent)
    result = CliRunner().invoke(cli, ["plugin", "check", "-d", "definitions.toml"])
    assert (result.exit_code, result.output) == (0, "ok: no problems in definitions.toml\n")
    path.write_text(with_mistakes("wrong type"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["plugin", "check", "-d", "definitions.toml"])
    assert result.exit_code == 1
    assert "1 error(s), 0 warning(s)" in result.output  # read once, not a duplicate of itself


def test_an_id_of_an_installed_plugin_is_reported_in_the_file_given(install, tmp_path):
    installed = install(CORRECT)
    mine = tmp_path / "mine" / "mine.toml"
    mine.parent.mkdir()
    mine.write_text('[[services]]\nid = "bz.archives"\nlabel = "Archivio"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["plugin", "check", "-d", str(mine), "--format", "json"])
    assert result.exit_code == 1
    [row] = [r for r in json.loads(result.output) if r["severity"] == "error"]
    assert (row["source"], row["line"], row["plugin"]) == (str(mine), 2, "definitions")
    assert row["message"].endswith(
        f"also in {installed}, [[services]] entry 2 (line 10) (plugin 'bolzano')"
    )
    assert row["suggestion"] == (
        "to replace plugin 'bolzano''s service, move this entry to [[overrides.services]]; "
        "to add a new one, give it another id"
    )
