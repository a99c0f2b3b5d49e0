"""``qualitapa survey score|validate`` on sets with nothing to score, local questions, --lang.

Issue 17: ``survey score`` never crashes on an empty clean set; it says why in words
and exits 1 (input problems). Issue 16's leftovers: ``--include-local`` for the
dimension indices, ``survey validate --lang``, a header for the ``local`` column.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.models import Text
from qualitapa.surveys import Instrument, Question, Scale, SurveyDimension, score_dimensions


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command line's English messages (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


BZ, TN = "021008", "022205"
L5 = Scale.likert(5)
DIMS = [SurveyDimension("time", Text("Tempi", de="Zeiten")), SurveyDimension("staff", "Personale")]
QUESTIONS = [
    Question("wait", "likert", Text("Attesa", de="Wartezeit"), dimension="time", scale=L5),
    Question("courtesy", "likert", "Cortesia", dimension="staff", scale=L5),
    Question("bilingual", "likert", "Servizio bilingue", dimension="staff", scale=L5,
             organizations=[BZ]),
]  # fmt: skip
INSTRUMENT = Instrument("counter", "Sportello", dimensions=DIMS, questions=QUESTIONS)


@pytest.fixture
def form(tmp_path):
    path = tmp_path / "form"
    INSTRUMENT.to_xlsform(path)
    return path


def _responses(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    org = np.array([BZ] * n + [TN] * n, dtype=object)
    df = pd.DataFrame({"respondent": [f"r{i}" for i in range(2 * n)], "organization": org})
    df["wait"] = rng.integers(1, 6, 2 * n)
    df["courtesy"] = rng.integers(1, 6, 2 * n)
    df["bilingual"] = np.where(org == BZ, rng.integers(1, 6, 2 * n), np.nan)
    return df


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


LEVELS = ["dimensions", "items", "nps", "distribution", "reliability"]


@pytest.mark.parametrize("level", LEVELS)
def test_a_file_without_rows_says_so_and_exits_1(form, tmp_path, level):
    path = tmp_path / "empty.csv"
    _responses().iloc[:0].to_csv(path, index=False)
    r = run("survey", "score", form, path, "--level", level)
    assert r.exit_code == 1, r.output
    assert "no responses to analyse: the file has a header but no rows" in r.stderr
    assert "Traceback" not in r.output


@pytest.mark.parametrize("level", LEVELS)
def test_rows_all_refused_by_validation_say_so_and_exit_1(form, tmp_path, level):
    path = tmp_path / "bad.csv"
    bad = _responses(5)
    bad["wait"] = "A7"  # no such answer: every row is refused
    bad.to_csv(path, index=False)
    r = run("survey", "score", form, path, "--level", level)
    assert r.exit_code == 1, r.output
    assert "validation refused all 10 rows (10 problems)" in r.stderr
    assert "qualitapa survey validate" in r.stderr


@pytest.mark.parametrize("level", ["dimensions", "items", "reliability"])
def test_clean_rows_without_a_scored_answer_say_so_and_exit_1(form, tmp_path, level):
    path = tmp_path / "blank.csv"
    blank = _responses(5)
    blank[["wait", "courtesy", "bilingual"]] = np.nan
    blank.to_csv(path, index=False)
    r = run("survey", "score", form, path, "--level", level)
    assert r.exit_code == 1, r.output
    assert "none of the 10 clean responses answers a scored question" in r.stderr


def test_score_dimensions_of_no_rows_is_a_table_of_empty_indices():
    """The library no longer crashes on an empty frame (numpy could not reshape it)."""
    out = score_dimensions(INSTRUMENT, _responses().iloc[:0], lang="it")
    assert out["dimension"].tolist() == ["time", "staff", "overall"]
    assert (out["n"] == 0).all()
    assert out["index"].isna().all()


def test_include_local_gives_bolzano_its_own_indices(form, tmp_path):
    path = tmp_path / "responses.csv"
    df = _responses()
    df.to_csv(path, index=False)
    shared = run("survey", "score", form, path, "--by", "organization", "--min-n", 1,
                 "--format", "json")  # fmt: skip
    assert shared.exit_code == 0, shared.output
    own = run("survey", "score", form, path, "--by", "organization", "--min-n", 1,
              "--include-local", "--format", "json")  # fmt: skip
    assert own.exit_code == 0, own.output
    shared_rows = {(r["organization"], r["dimension"]): r for r in json.loads(shared.stdout)}
    own_rows = {(r["organization"], r["dimension"]): r for r in json.loads(own.stdout)}
    assert not any(r["local"] for r in shared_rows.values())
    assert own_rows[(BZ, "staff")]["local"] is True
    assert own_rows[(TN, "staff")]["local"] is False
    # Bolzano's staff index now counts the bilingual item too; Trento's is unchanged
    library = score_dimensions(
        INSTRUMENT, df, by="organization", min_n=1, lang="it", include_local=True
    ).set_index(["organization", "dimension"])
    assert own_rows[(BZ, "staff")]["index"] == pytest.approx(library.loc[(BZ, "staff"), "index"])
    assert own_rows[(BZ, "staff")]["index"] != pytest.approx(shared_rows[(BZ, "staff")]["index"])
    assert own_rows[(TN, "staff")]["index"] == pytest.approx(shared_rows[(TN, "staff")]["index"])


def test_include_local_is_for_dimension_indices_only(form, tmp_path):
    path = tmp_path / "responses.csv"
    _responses().to_csv(path, index=False)
    r = run("survey", "score", form, path, "--level", "items", "--include-local")
    assert r.exit_code == 2
    assert "--include-local applies to --level dimensions only" in r.output


@pytest.mark.parametrize(("lang", "header"), [("it", "Con domande locali"),
                                              ("de", "Mit lokalen Fragen"),
                                              ("en", "With local questions")])  # fmt: skip
def test_the_local_column_has_a_header_in_the_language_asked(form, tmp_path, lang, header):
    path = tmp_path / "responses.csv"
    _responses().to_csv(path, index=False)
    r = run("survey", "score", form, path, "--include-local", "--by", "organization",
            "--lang", lang)  # fmt: skip
    assert r.exit_code == 0, r.output
    assert header in r.stdout
    assert "local" not in re.split(r"\s{2,}", r.stdout.splitlines()[0].strip())


def test_validate_names_questions_in_the_language_asked(form, tmp_path):
    path = tmp_path / "bad.csv"
    bad = _responses(3)
    bad.loc[0, "wait"] = 8
    bad.to_csv(path, index=False)
    r = run("survey", "validate", form, path, "--lang", "de", "--format", "json")
    assert r.exit_code == 0, r.output
    problems = json.loads(r.stdout)
    assert [(p["question"], p["label"]) for p in problems] == [("wait", "Wartezeit")]
    r = run("survey", "validate", form, path, "--lang", "it", "--format", "json")
    assert [p["label"] for p in json.loads(r.stdout)] == ["Attesa"]


def test_validate_of_a_file_without_rows_says_so(form, tmp_path):
    path = tmp_path / "empty.csv"
    _responses().iloc[:0].to_csv(path, index=False)
    r = run("survey", "validate", form, path)
    assert r.exit_code == 1
    assert "the file has a header but no rows" in r.stderr
