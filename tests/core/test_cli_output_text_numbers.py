"""A display table's numbers written as text (``survey benchmark``'s grid, ``72.0 *``) are
said in the reader's language on screen: ``72,0 *`` in Italian and German.

Before session 35 ``qualitapa --lang de survey benchmark`` printed ``66.6`` (a decimal
point) in the German grid.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from importlib import import_module
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.cli._output import numbers_in_language
from qualitapa.testing import isolated_plugins


@pytest.fixture(scope="module")
def grids(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The benchmark grid on screen in it, de, en, and as CSV (the registry's demo survey)."""
    here = tmp_path_factory.mktemp("grid")
    with isolated_plugins(["registry"]):
        demo = Path(str(import_module("qualitapa_registry").__file__)).parent / "demo"
        shutil.copy(demo / "survey_responses.csv", here / "responses.csv")
    out = {}
    args = ["survey", "benchmark", "registry.counter", "responses.csv"]
    with isolated_plugins(["registry"]), contextlib.chdir(here):
        for lang in ("it", "de", "en"):
            done = CliRunner(env={"COLUMNS": "250"}).invoke(cli, ["--lang", lang, *args])
            assert done.exit_code == 0, done.output
            out[lang] = done.stdout
        done = CliRunner().invoke(cli, ["--lang", "de", *args, "--format", "csv"])
        out["csv"] = done.stdout
    return out


def test_the_german_and_italian_grids_have_decimal_commas(grids: dict[str, str]) -> None:
    csv = pd.read_csv(io.StringIO(grids["csv"]), dtype=str)
    cities = [c for c in csv.columns if c.isdigit()]  # the organizations' codes
    assert len(cities) == 8
    cells = csv[cities].to_numpy().ravel().tolist()
    assert all(re.fullmatch(r"\d+\.\d( \*)?", c) for c in cells)  # programs: as written
    for lang in ("it", "de"):
        assert not re.search(r"\b\d+\.\d\b", grids[lang]), lang
        said = re.findall(r"\b\d+,\d(?: \*)?", grids[lang])
        # the same numbers, markers and order as the CSV's, row by row
        assert said == [c.replace(".", ",") for c in cells], lang
    assert re.findall(r"\b\d+\.\d(?: \*)?", grids["en"]) == cells


def test_only_numbers_with_decimals_change() -> None:
    t = pd.DataFrame({"dimension": ["3.2", "Tempi 2.0"], "mo": ["3.2", "12345.25 *"],
                      "re": ["n/a", "70"]})  # fmt: skip
    de = numbers_in_language(t, "de", ["mo", "re"])
    assert de["dimension"].tolist() == ["3.2", "Tempi 2.0"]  # not in columns: kept
    assert de["mo"].tolist() == ["3,2", "12.345,25 *"]
    assert de["re"].tolist() == ["n/a", "70"]  # not a number with decimals: kept
    assert numbers_in_language(t, "it")["dimension"].tolist() == ["3,2", "Tempi 2.0"]
