"""``qualitapa survey score|benchmark|compare|ipa`` with the sampling design (--strata...).

The CLI's numbers are the library's (score_items / score_dimensions with design=
on the validated responses); a --design file is the flags; the design effects
have their words on screen (Italian, German); bad designs are errors that name
the field.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.surveys import SurveyDesign, score_items, validate

FLAGS = ("--strata", "sportello", "--clusters", "day", "--fpc", "days", "--nest")


@pytest.fixture
def files(tmp_path, counter, synthetic):
    rng = np.random.default_rng(5)
    n = len(synthetic)
    frame = synthetic.assign(
        sportello=synthetic["organization"] + "-" + (np.arange(n) % 2).astype(str),
        day=rng.integers(1, 7, n),
        days=20,
        w=rng.uniform(0.5, 2.0, n),
    )
    form = tmp_path / "form"
    counter.to_xlsform(form)
    responses = tmp_path / "responses.csv"
    frame.to_csv(responses, index=False)
    return form, responses, frame


def run(*args: object, lang: str = "en"):
    return CliRunner().invoke(cli, [str(a) for a in args], env={"QUALITAPA_LANG": lang})


def read(output: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(output))


def test_score_items_with_the_design_is_the_library(files, counter):
    form, responses, frame = files
    r = run("survey", "score", form, responses, "--by", "organization", "--level", "items",
            "--weights", "w", *FLAGS, "--extra", "sex", "--format", "csv")  # fmt: skip
    assert r.exit_code == 0, r.output
    got = read(r.stdout)
    clean = validate(counter, frame, extra_columns=["organization", "sportello", "day", "days",
                                                    "w", "sex"]).clean  # fmt: skip
    design = SurveyDesign.from_frame(
        clean, weights="w", strata="sportello", clusters="day", fpc="days", nest=True
    )
    want = score_items(counter, clean, by="organization", design=design)
    for column in ("mean", "se", "ci_low", "ci_high", "df", "deff", "top_box_low"):
        np.testing.assert_allclose(got[column], want[column].astype(float), rtol=1e-9)
    assert (got["deff"] > 0).all()


def test_a_design_file_is_the_flags(files, tmp_path):
    form, responses, _ = files
    toml = tmp_path / "design.toml"
    toml.write_text('[design]\nstrata = "sportello"\nclusters = "day"\nfpc = "days"\n'
                    'nest = true\nweights = "w"\n')  # fmt: skip
    common = ("survey", "score", form, responses, "--level", "nps", "--format", "csv")
    a = run(*common, "--weights", "w", *FLAGS, "--extra", "sex")
    b = run(*common, "--design", toml, "--extra", "sex")
    assert a.exit_code == 0, a.output
    assert b.exit_code == 0, b.output
    pd.testing.assert_frame_equal(read(a.stdout), read(b.stdout))
    assert "deff" in read(b.stdout).columns


@pytest.mark.parametrize(
    ("lang", "words"),
    [("it", ("Effetto del disegno", "disegno campionario: 4 strati")),
     ("de", ("Designeffekt", "Stichprobendesign: 4 Schichten"))],
)  # fmt: skip
def test_the_design_effect_in_words(files, lang, words):
    form, responses, _ = files
    r = run("survey", "score", form, responses, "--by", "organization", *FLAGS, "--extra", "sex",
            "--extra", "w", lang=lang)  # fmt: skip
    assert r.exit_code == 0, r.output
    assert words[0] in r.stdout
    assert words[1] in r.stderr
    assert "deff" not in r.stdout


def test_benchmark_shows_each_citys_design_effect(files):
    form, responses, _ = files
    common = ("survey", "benchmark", form, responses, *FLAGS, "--extra", "sex", "--extra", "w")
    tidy = run(*common, "--tidy", "--format", "csv")
    assert tidy.exit_code == 0, tidy.output
    assert read(tidy.stdout)["deff"].gt(0).all()
    grid = run(*common, lang="it")
    assert grid.exit_code == 0, grid.output
    assert "effetto del disegno (indice complessivo)" in grid.stdout


def test_compare_and_ipa_take_the_design(files):
    form, responses, _ = files
    for command in ("compare", "ipa"):
        r = run("survey", command, form, responses, *FLAGS, "--extra", "sex", "--extra", "w",
                "--format", "csv")  # fmt: skip
        assert r.exit_code == 0, (command, r.output)


def test_a_bad_design_names_its_field(files, tmp_path):
    form, responses, _ = files
    toml = tmp_path / "design.toml"
    toml.write_text('[design]\nstratum = "sportello"\n')
    r = run("survey", "score", form, responses, "--design", toml, "--extra", "sex")
    assert r.exit_code != 0
    assert "stratum" in r.output
    r = run("survey", "score", form, responses, "--strata", "counter", "--extra", "sex")
    assert r.exit_code != 0
    assert "counter" in r.output
