"""Demo profiles: the plugins, not the core, say what the demo runs on their data."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from qualitapa import hookimpl
from qualitapa.catalog import Catalog
from qualitapa.declarative import TomlPlugin, load_definitions
from qualitapa.demo import (
    DeaModel,
    DemoOptions,
    DemoProfile,
    DemoResult,
    DemoState,
    select_profile,
)
from qualitapa.demo._steps_indicators import dea
from qualitapa.errors import DataError, DefinitionError, UnknownItemError
from qualitapa.models import Service, Text
from qualitapa.testing import isolated_plugins

from .conftest import PLUGINS

SRC = Path(__file__).resolve().parents[2] / "src" / "qualitapa"

PROFILE_TOML = """
[[demo_profiles]]
id = "club"
label = { it = "Club", en = "Club" }
highlight = "001"
margins = ["sex"]
dea = [{ service = "libraries", inputs = ["libraries.cost"], outputs = ["libraries.loans"] }]
"""


def _toml(tmp_path: Path, text: str, name: str = "defs.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_toml_plugin_contributes_a_profile(tmp_path):
    catalog = Catalog.build(
        [("club", TomlPlugin(_toml(tmp_path, PROFILE_TOML)))], entrypoints=False
    )
    profile = select_profile(catalog)
    assert catalog.demo_profiles.plugin_of("club") == "club"
    assert profile.highlight == "001"
    assert profile.margins == ("sex",)
    assert profile.dea == (DeaModel("libraries", ("libraries.cost",), ("libraries.loans",)),)
    assert profile.dea[0].rts == "vrs"
    assert profile.package == "club-demo"


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ('id = "club"\nlabel = "Club"\ncolour = "red"', "colour"),
        ('id = "club"\nlabel = "Club"\nmargins = [1, 2]', "margins"),
        ('id = "club"\nlabel = "Club"\ndea = [{ service = "x", inputs = ["a"] }]', "outputs"),
        (
            'id = "club"\nlabel = "Club"\n'
            'dea = [{ service = "x", inputs = ["a"], outputs = ["b"], rts = "big" }]',
            "rts",
        ),
    ],
)
def test_a_bad_profile_names_file_entry_and_field(tmp_path, entry, field):
    path = _toml(tmp_path, f"[[demo_profiles]]\n{entry}\n")
    with pytest.raises(DefinitionError) as info:
        load_definitions(path)
    assert str(path) in str(info.value)
    assert "[[demo_profiles]] entry 1" in str(info.value)
    assert field in str(info.value)


def test_profile_choice():
    empty = Catalog.build([], entrypoints=False)
    assert select_profile(empty).dea == ()  # no profile: no DEA, no raking, no peer group
    assert select_profile(empty).peer_group is None

    class Two:
        @hookimpl
        def qualitapa_demo_profiles(self):
            return [DemoProfile("a", Text("A")), DemoProfile("b", Text("B"))]

    two = Catalog.build([Two()], entrypoints=False)
    with pytest.raises(DataError, match=r"several demo profiles.*a, b.*--profile"):
        select_profile(two)
    assert select_profile(two, "b").id == "b"
    with pytest.raises(UnknownItemError):
        select_profile(two, "c")


def test_the_qclub_profile_names_what_the_plugins_define():
    with isolated_plugins(PLUGINS):
        catalog = Catalog.build()
    profile = select_profile(catalog)
    assert profile.id == "qclub"
    assert profile.highlight in catalog.organizations
    assert profile.peer_group in catalog.peer_groups
    assert [m.service for m in profile.dea] == ["registry", "libraries", "nurseries"]
    for model in profile.dea:
        assert model.service in catalog.services
        for variable in model.variables:
            assert variable in catalog.variables, variable
    margins = pd.read_csv(catalog.datasets["registry.demo.survey_margins"].path, nrows=1)
    responses = pd.read_csv(catalog.datasets["registry.demo.survey"].path, nrows=1)
    assert set(profile.margins) <= set(margins.columns) & set(responses.columns)


class _Libraries:
    @hookimpl
    def qualitapa_services(self):
        return [Service("libraries", Text("Biblioteche"))]


def _state(tmp_path: Path, profile: DemoProfile) -> DemoState:
    catalog = Catalog.build([_Libraries()], entrypoints=False)
    raw = pd.DataFrame(
        {
            "organization": ["a", "b", "c"] * 2,
            "period": 2024,
            "variable": ["libraries.cost"] * 3 + ["libraries.loans"] * 3,
            "value": [10.0, 20.0, 30.0, 100.0, 100.0, 330.0],
        }
    )
    options = DemoOptions(profile=profile)
    return DemoState(
        catalog=catalog, options=options, result=DemoResult(out=tmp_path), raw=raw, period=2024
    )


def test_dea_runs_the_profile_models_and_skips_those_without_data(tmp_path):
    model = DeaModel("libraries", ("libraries.cost",), ("libraries.loans",), rts="crs")
    missing = DeaModel("libraries", ("libraries.cost",), ("libraries.visits",))
    unknown = DeaModel("nurseries", ("libraries.cost",), ("libraries.loans",))
    state = _state(tmp_path, DemoProfile("club", Text("Club"), dea=(unknown, missing, model)))
    dea(state)
    scores = state.result.tables["dea_scores"]
    # constant returns: loans per cost 10, 5, 11 -> efficiencies 10/11, 5/11, 1
    expected = pd.Series([10 / 11, 5 / 11, 1.0], index=["a", "b", "c"])
    got = scores.set_index("organization")["efficiency"]
    pd.testing.assert_series_equal(got, expected, check_names=False, atol=1e-9, rtol=0)
    assert set(scores["service"]) == {"libraries"}
    assert list(state.dea) == ["libraries"]


def test_dea_without_models_writes_nothing(tmp_path):
    state = _state(tmp_path, DemoProfile("club", Text("Club")))
    dea(state)
    assert "dea_scores" not in state.result.tables
    assert not (tmp_path / "dea_scores.csv").exists()


def _code_strings(path: Path) -> list[str]:
    """The string constants of a module's code, docstrings (and their examples) left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings
    ]  # fmt: skip


def test_the_demo_names_no_service_city_or_peer_group():
    # issue 14: the core defines no service; the demo learns them from the profile
    names = ("registry", "libraries", "nurseries", "qclub.size", "036023", "age_class", "Modena")
    for path in [*sorted((SRC / "demo").glob("*.py")), SRC / "cli" / "_demo.py"]:
        strings = _code_strings(path)
        assert strings, path
        for name in names:
            assert not [s for s in strings if name in s], (path.name, name)


def test_run_demo_refuses_an_unknown_profile_or_peer_group_before_writing(tmp_path):
    from qualitapa.demo import run_demo

    with isolated_plugins(PLUGINS):
        catalog = Catalog.build()
    out = tmp_path / "out"
    with pytest.raises(UnknownItemError, match=r"did you mean.*qclub\.size"):
        run_demo(out, catalog=catalog, peer_group="qclub.sizes")
    with pytest.raises(UnknownItemError, match="qclub"):
        run_demo(out, catalog=catalog, profile="qclubs")
    assert not out.exists()


def test_scale_qclub_is_a_deprecated_name_of_cities(tmp_path):
    from qualitapa.demo import run_demo

    empty = Catalog.build([], entrypoints=False)
    with (
        pytest.warns(DeprecationWarning, match="'qclub' is now called 'cities'"),
        pytest.raises(DataError, match="no installed plugin ships indicator demo data"),
    ):
        run_demo(tmp_path / "out", catalog=empty, scale="qclub")
