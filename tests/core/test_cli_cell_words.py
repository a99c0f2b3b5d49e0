"""The cells of a table for people hold words, not codes, in Italian and German (issue 14).

A screen table showed raw codes inside its cells: the importance method of
``survey ipa`` (``derived_correlation``), the test of ``survey compare``
(``anova``), the status of ``charter list`` (``draft``), the row id of
``caf panels`` (``score``) and the dimensions of the survey commands
(``accessibility``); and ``survey score --rake`` said a bad margins file
in English in a German run. CSV keeps the codes (for programs).
"""

from __future__ import annotations

import contextlib
import re
import shutil
from importlib import import_module
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.errors import DataError
from qualitapa.i18n import translator
from qualitapa.standards import CharterStatus
from qualitapa.surveys import margins_from_frame
from qualitapa.testing import isolated_plugins

LANGS = ["it", "de"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The registry plugin's demo survey responses, and a margins file in the wrong shape."""
    here = tmp_path_factory.mktemp("cells")
    with isolated_plugins(["registry"]):
        demo = Path(str(import_module("qualitapa_registry").__file__)).parent / "demo"
        shutil.copy(demo / "survey_responses.csv", here / "responses.csv")
    # a wide table of population shares, as an office keeps it: not variable/category/target
    pd.DataFrame(
        {"organization": ["021008"], "sex": ["F"], "age_class": ["18-34"], "share": [0.2]}
    ).to_csv(here / "margins.csv", index=False)
    return here


def _run(folder: Path, lang: str, *args: str) -> tuple[int, str, str]:
    with isolated_plugins(["registry"]), contextlib.chdir(folder):
        done = CliRunner(env={"COLUMNS": "250"}).invoke(cli, ["--lang", lang, *args])
    return done.exit_code, done.stdout, done.stderr


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w-]+", text))


SURVEY = ("registry.counter", "responses.csv")


@pytest.mark.parametrize("lang", LANGS)
def test_ipa_says_how_the_importance_was_found(folder: Path, lang: str) -> None:
    code, out, err = _run(folder, lang, "survey", "ipa", *SURVEY)
    assert code == 0, err
    assert "derived_correlation" not in out
    said = str(translator(lang)("derivata (correlazione)"))
    assert said.split()[0] in out  # wrapped in its column: the first word at least
    assert said != "derivata (correlazione)" or lang == "it"


@pytest.mark.parametrize("lang", LANGS)
def test_compare_names_its_test_in_words(folder: Path, lang: str) -> None:
    code, out, err = _run(folder, lang, "survey", "compare", *SURVEY)
    assert code == 0, err
    assert "anova" not in _words(out)
    said = str(translator(lang)("analisi della varianza (F)"))
    assert said.split()[0] in out
    assert said != "analisi della varianza (F)" or lang == "it"


@pytest.mark.parametrize("lang", LANGS)
def test_charter_list_shows_the_status_label(folder: Path, lang: str) -> None:
    code, out, err = _run(folder, lang, "charter", "list")
    assert code == 0, err
    assert not _words(out) & {s.value for s in CharterStatus}, out
    assert CharterStatus.DRAFT.label.get(lang) in out  # the registry's charter is a draft


@pytest.mark.parametrize("lang", LANGS)
def test_caf_panel_rows_by_their_labels(folder: Path, lang: str) -> None:
    from qualitapa.caf import caf_model

    code, out, err = _run(folder, lang, "caf", "panels", "--method", "fine_tuned")
    assert code == 0, err
    rows = caf_model().panel("enablers", "fine_tuned").rows
    lines = out.splitlines()
    assert not [line for line in lines if line.split(" ")[0] in {r.id for r in rows}]
    assert all(any(r.label.get(lang) in line for line in lines) for r in rows)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "args",
    [
        ("survey", "score", *SURVEY),
        ("survey", "score", *SURVEY, "--level", "reliability"),
        ("survey", "ipa", *SURVEY),
        ("survey", "compare", *SURVEY),
        ("survey", "benchmark", *SURVEY, "--tidy"),
    ],
)
def test_survey_tables_name_dimensions_by_their_labels(
    folder: Path, lang: str, args: tuple[str, ...]
) -> None:
    with isolated_plugins(["registry"]):
        from qualitapa.catalog import default_catalog

        instrument = default_catalog().instruments["registry.counter"]
    code, out, err = _run(folder, lang, *args)
    assert code == 0, err
    codes = {d.id for d in instrument.dimensions}
    assert not _words(out) & codes, sorted(_words(out) & codes)
    first = instrument.dimensions[0].label.get(lang)
    assert first.split()[0] in out


def test_machines_keep_the_codes(folder: Path) -> None:
    code, out, _ = _run(folder, "de", "survey", "ipa", *SURVEY, "--format", "csv")
    assert code == 0
    assert {"derived_correlation", "accessibility"} <= set(re.split(r"[,\n]", out))
    code, out, _ = _run(folder, "de", "charter", "list", "--format", "csv")
    assert code == 0
    assert ",draft," in out
    code, out, _ = _run(folder, "de", "caf", "panels", "--format", "csv")
    assert code == 0
    assert out.startswith("row,row_label,")


@pytest.mark.parametrize(("lang", "lacking"), [("it", "mancano"), ("de", "fehlen")])
def test_rake_margins_error_in_the_language(folder: Path, lang: str, lacking: str) -> None:
    code, _, err = _run(folder, lang, "survey", "score", *SURVEY, "--rake", "margins.csv")
    assert code == 1
    assert "margins.csv" in err
    assert "variable, category, target" in err
    assert lacking in err
    assert "need" not in _words(err)
    assert "found" not in _words(err)


def test_margins_error_is_typed_and_names_what_lacks() -> None:
    wide = pd.DataFrame({"variable": ["sex"], "share": [0.5]})
    with pytest.raises(DataError) as caught:
        margins_from_frame(wide, source="margins.csv")
    assert caught.value.source == "margins.csv"
    assert caught.value.column == "category"
    assert "category, target" in caught.value.render(translator("de"))
    assert "fehlen" in caught.value.render(translator("de"))
