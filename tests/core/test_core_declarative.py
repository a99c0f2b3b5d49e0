"""Declarative TOML plugins."""

from __future__ import annotations

import pytest

from qualitapa import Catalog, DefinitionError, TomlPlugin, load_definitions
from qualitapa.catalog import Override

GOOD = """
[plugin]
name = "test"

[[services]]
id = "libraries"
label = { it = "Biblioteche", en = "Public libraries" }

[[organizations]]
id = "036023"
name = "Modena"
population = 184739
province = "MO"
"""


def test_load_definitions_by_kind(tmp_path):
    p = tmp_path / "defs.toml"
    p.write_text(GOOD)
    defs = load_definitions(p)
    assert [s.id for s in defs["services"]] == ["libraries"]
    assert defs["organizations"][0].id == "036023"
    assert defs["indicators"] == []


def test_a_code_written_as_a_number_is_an_error_with_its_leading_zero(tmp_path):
    # TOML has no 036023 (a number cannot start with 0): 36023 would be a guess
    p = tmp_path / "defs.toml"
    p.write_text(GOOD.replace('id = "036023"', "id = 36023"))
    with pytest.raises(DefinitionError) as info:
        load_definitions(p)
    assert info.value.field == "id"
    assert 'write "036023"' in str(info.value)


def test_toml_plugin_in_a_catalog(tmp_path):
    p = tmp_path / "defs.toml"
    p.write_text(GOOD)
    cat = Catalog.build([("libs", TomlPlugin(p))], entrypoints=False)
    assert cat.services.plugin_of("libraries") == "libs"
    assert cat.organizations["036023"].population == 184739


def test_errors_name_file_section_entry_and_field(tmp_path):
    p = tmp_path / "defs.toml"
    p.write_text(GOOD + '\n[[services]]\nid = "nurseries"\nlabel = "Nidi"\nunit = "x"\n')
    with pytest.raises(DefinitionError) as info:
        load_definitions(p)
    err = info.value
    assert err.source == f"{p}, [[services]] entry 2"
    assert err.item == "nurseries"
    assert err.field == "unit"


def test_invalid_toml_and_unknown_section(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("[[services]\nid=")
    with pytest.raises(DefinitionError, match="invalid TOML"):
        load_definitions(p)
    p.write_text('[[widgets]]\nid = "x"\n')
    with pytest.raises(DefinitionError, match=r"unknown section \[\[widgets\]\]"):
        load_definitions(p)
    p.write_text('[services]\nid = "x"\n')
    with pytest.raises(DefinitionError, match=r"write \[\[services\]\] for each entry"):
        load_definitions(p)
    with pytest.raises(DefinitionError, match="file not found"):
        load_definitions(tmp_path / "nope.toml")


def test_overrides_section(tmp_path):
    p = tmp_path / "city.toml"
    p.write_text('[[overrides.services]]\nid = "libraries"\nlabel = "Biblioteche civiche"\n')
    defs = load_definitions(p)
    assert isinstance(defs["services"][0], Override)
    base = tmp_path / "base.toml"
    base.write_text(GOOD)
    cat = Catalog.build([("base", TomlPlugin(base)), ("city", TomlPlugin(p))], entrypoints=False)
    assert cat.services["libraries"].label.it == "Biblioteche civiche"


def test_dataset_paths_are_relative_to_the_toml_file(tmp_path):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "raw.csv").write_text("organization,period,variable,value\n")
    p = tmp_path / "defs.toml"
    p.write_text(
        '[[datasets]]\nid = "x.demo"\nlabel = "Dati demo"\npath = "demo/raw.csv"\n'
        'kind = "indicator_data"\nsynthetic = true\n'
        '[[datasets]]\nid = "x.missing"\nlabel = "Manca"\npath = "demo/none.csv"\nkind = "x"\n'
    )
    cat = Catalog.build([("x", TomlPlugin(p))], entrypoints=False)
    assert cat.datasets["x.demo"].path == tmp_path / "demo" / "raw.csv"
    assert cat.datasets["x.demo"].synthetic is True
    messages = [(pr.item, pr.message) for pr in cat.check() if pr.severity == "error"]
    assert messages == [("x.missing", f"data file {tmp_path / 'demo' / 'none.csv'} does not exist")]


@pytest.mark.parametrize(
    ("entry", "field", "fix"),
    [
        (
            '[[organizations]]\nid = "022205"\nname = "Trento"\npopulation = "118000"\n',
            "population",
            "write 118000 (a number, without quotes)",
        ),
        (
            '[[organizations]]\nid = "022205"\nname = "Trento"\nattributes = {area = "157,9"}\n',
            "attributes.area",
            "write 157.9 (a number, without quotes)",
        ),
        (
            '[[standards]]\nid = "r.s"\nservice = "registry"\ndimension = "timeliness"\n'
            'label = "S"\ntarget = ">= 80"\nindicator = "r.x"\nrequired_share = "90%"\n',
            "required_share",
            "write 0.9 (a share is a fraction between 0 and 1, no quotes)",
        ),
    ],
)
def test_loading_refuses_numbers_in_quotes_as_plugin_check_does(tmp_path, entry, field, fix):
    # the catalog used to read "118000" as a number and keep "157,9" as text, silently
    p = tmp_path / "defs.toml"
    p.write_text(entry, encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_definitions(p)
    assert info.value.field == field
    assert fix in str(info.value)
    assert "[[" in str(info.value)  # the section and entry are named
