"""Problems found by the items' own checks name the field and suggest the closest id (issue 16)."""

from __future__ import annotations

import textwrap

import pytest

from qualitapa.catalog import Catalog, check_plugins
from qualitapa.declarative import TomlPlugin
from qualitapa.testing import isolated_plugins

CITY = """
[[charters]]
id = "city.charter"
service = "registry"
title = "Carta dei servizi"
standards = ["registry.std.served_within_10mins"]
valid_from = 2024-01-01

[[indicators]]
id = "city.local"
label = { it = "Locale", en = "Local" }
service = "registry"
dimension = "effectiveness"
formula = "population / population"
polarity = "higher_is_better"
organizations = ["021009"]
"""


@pytest.fixture
def city(tmp_path):
    path = tmp_path / "city.toml"
    path.write_text(textwrap.dedent(CITY), encoding="utf-8")
    return ("city", TomlPlugin(path))


def test_catalog_check_completes_the_items_own_problems(city):
    with isolated_plugins(["registry", "qclub"]):
        found = [p for p in Catalog.build([city]).check() if p.plugin == "city"]
    rows = sorted((p.item, p.field, p.value, p.suggestion) for p in found)
    assert rows == [
        (
            "city.charter",
            "standards",
            "registry.std.served_within_10mins",
            "did you mean 'registry.std.served_within_10min'?",
        ),
        ("city.local", "organizations", "021009", "did you mean '021008'?"),
    ]


def test_plugin_check_shows_the_field_line_and_suggestion_of_those_problems(city):
    with isolated_plugins(["registry", "qclub"]):
        table = check_plugins([city])
    table = table[table["plugin"] == "city"].sort_values("id")
    assert table["column"].tolist() == ["standards", "organizations"]
    assert table["line"].tolist() == [6, 16]  # the lines of the keys, not of the headers
    assert table["suggestion"].str.startswith("did you mean").all()


def test_a_suggestion_the_check_wrote_is_kept_and_not_repeated():
    from qualitapa.catalog import Problem

    cat = Catalog.build([], entrypoints=False)
    p = Problem("x", "indicator", "a", "unknown thing 'b' (did you mean 'c'?)")
    done = cat._completed(p, object())
    assert done.message == "unknown thing 'b'"
    assert done.suggestion == "did you mean 'c'?"


def test_a_misspelt_key_of_a_nested_table_gets_the_closest_and_the_rest_is_checked(tmp_path):
    path = tmp_path / "city.toml"
    path.write_text(
        textwrap.dedent(
            """
            [[organizations]]
            id = "022205"
            name = "Trento"
            population = "118000"

            [[organizations.offices]]
            id = "022205.a"
            nome = "Sportello A"
            """
        ),
        encoding="utf-8",
    )
    table = check_plugins([("city", TomlPlugin(path))], entrypoints=False)
    rows = table[["column", "suggestion"]].values.tolist()
    assert ["offices[1].nome", "did you mean 'name'?"] in rows
    assert ["population", "write 118000 (a number, without quotes)"] in rows
    nested = table[table["column"] == "offices[1].nome"].iloc[0]
    assert nested["message"].endswith("for an office")  # no list of every allowed field
