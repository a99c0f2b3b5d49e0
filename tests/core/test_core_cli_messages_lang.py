"""No English word in an Italian or German command line (issue 17).

For a representative command of each group, the messages on stderr (errors,
notes, confirmations), the one-line errors and the tables for people (their
headers and their status, action and rule codes) are written in the language
of ``--lang``: none of the English words the command used to print is left.
The data formats keep their English column names and codes.
"""

from __future__ import annotations

import io
import re
from importlib import import_module
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.cli._context import LANGUAGE
from qualitapa.cli._main import listed
from qualitapa.testing import isolated_plugins

PLUGINS = ["libraries", "registry", "qclub"]
EXAMPLES = Path(__file__).parents[2] / "docs" / "examples" / "your-own-data"
LANGS = ("it", "de")


def _demo(name: str) -> Path:
    module = import_module("qualitapa_registry")
    return Path(str(module.__file__)).parent / "demo" / name


def run(*args: object) -> tuple[int, str, str]:
    with isolated_plugins(PLUGINS):
        result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def english(text: str, words: tuple[str, ...]) -> list[str]:
    """The ``words`` (whole words, any case) found in ``text``."""
    return [w for w in words if re.search(rf"(?<![\w.]){re.escape(w)}(?![\w(])", text, re.I)]


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("register") / "reclami.db"
    complaints = EXAMPLES / "complaints_cp1252_semicolon_ddmmyyyy.csv"
    code, _, err = run("--lang", "en", "complaints", "import", complaints, "--db", db, "--create")
    assert code == 0, err
    return db


@pytest.mark.parametrize("lang", LANGS)
def test_errors_say_error_and_the_unknown_item_in_the_language(lang):
    code, out, err = run("--lang", lang, "indicators", "show", "libraries.loans_per_usr")
    assert code == 1
    assert out == ""
    assert err.startswith({"it": "Errore: indicatore", "de": "Fehler: Indikator"}[lang]), err
    assert not english(err, ("Error", "unknown", "did you mean")), err
    assert "'libraries.loans_per_user'" in err  # the suggestion stays


@pytest.mark.parametrize("lang", LANGS)
def test_a_problem_table_has_its_count_where_and_headers_in_the_language(lang):
    path = EXAMPLES / "indicators_italian_thousands.csv"
    code, _, err = run("--lang", lang, "indicators", "check", path, "--numbers", "en")
    assert code == 1
    first, header, *_ = err.splitlines()
    words = {"it": ("Errore:", "riga 2, colonna 'value'", "(2 problemi:)"),
             "de": ("Fehler:", "Zeile 2, Spalte 'value'", "(2 Probleme:)")}[lang]  # fmt: skip
    for word in words:
        assert word in first, first
    assert not english(first, ("Error", "problem(s)", "row", "column")), first
    assert not set(header.split()) & {"row", "column", "value", "problem"}, header


@pytest.mark.parametrize("lang", LANGS)
def test_complaints_import_show_and_check_speak_the_language(register, lang, tmp_path):
    complaints = EXAMPLES / "complaints_cp1252_semicolon_ddmmyyyy.csv"
    db = tmp_path / "reclami.db"
    code, _, err = run("--lang", lang, "complaints", "import", complaints, "--db", db, "--create")
    assert code == 0, err
    said = err.splitlines()[-1]
    assert said.startswith({"it": "4 reclami (14 eventi) importati", "de": "4 Beschwerden"}[lang])
    assert not english(said, ("imported", "complaint(s)", "event(s)", "row(s)", "rejected"))
    frame = pd.read_csv(io.StringIO(run("complaints", "export", "--db", db)[1]), dtype=str)
    code, out, _ = run("--lang", lang, "complaints", "show", frame["id"].iloc[0], "--db", db)
    assert code == 0
    history = out.split("\n\n", 1)[1]
    codes = ("receive", "register", "assign", "answer", "close", "imported", "received")
    assert not english(history, codes), history
    code, out, _ = run("--lang", lang, "complaints", "check", "--db", register)
    assert code == 0
    assert not english(out, ("chain head", "event", "written", "register is sound")), out


@pytest.mark.parametrize("lang", LANGS)
def test_complaint_kpis_trend_and_pareto_have_headers_in_the_language(register, lang):
    for command in ("kpis", "trend", "pareto"):
        code, out, _ = run("--lang", lang, "complaints", command, "--db", register)
        assert code == 0
        header = out.splitlines()[0]
        codes = ("backlog", "reopened", "forwarded", "rejected", "share", "rolling", "yoy",
                 "vital_few", "population", "median")  # fmt: skip
        assert not english(header, codes), header
    # the machine formats keep the column names
    csv = run("--lang", lang, "complaints", "kpis", "--db", register, "--format", "csv")[1]
    assert "backlog_over_90" in csv.splitlines()[0]


@pytest.mark.parametrize("lang", LANGS)
def test_survey_validate_and_score_speak_the_language(lang):
    answers = EXAMPLES / "limesurvey_export_fulltext.csv"
    code, out, err = run("--lang", lang, "survey", "validate", "registry.counter", answers)
    assert code == 1
    shown = err + out
    words = ("row(s)", "clean", "problem(s)", "not_a_number", "answer is not", "row dropped",
             "rule", "message", "action", "Error")  # fmt: skip
    assert not english(shown, words), shown[:2000]
    csv = run("--lang", lang, "survey", "validate", "registry.counter", answers, "--format", "csv")[
        1
    ]
    problems = pd.read_csv(io.StringIO(csv))
    assert {"rule", "action", "message"} <= set(problems.columns)  # machine names and codes
    assert "not_a_number" in set(problems["rule"])
    assert "row dropped" in set(problems["action"])
    code, out, err = run("--lang", lang, "survey", "score", "registry.counter",
                         _demo("survey_responses.csv"))  # fmt: skip
    assert code == 0, err
    assert not english(out.splitlines()[0], ("weighting",)), out
    assert not english(out, ("importance",)), out


@pytest.mark.parametrize("lang", LANGS)
def test_indicators_show_and_check_say_words_not_codes(lang):
    code, out, _ = run("--lang", lang, "indicators", "show", "libraries.loans_per_user")
    assert code == 0
    assert not english(out, ("annual", "1.0")), out
    assert {"it": "annuale", "de": "jährlich"}[lang] in out
    code, _, err = run("--lang", lang, "indicators", "check", _demo("indicator_data.csv"))
    assert code == 0
    assert not english(err, ("no problems", "row(s)", "of")), err


@pytest.mark.parametrize(
    ("lang", "more"), [("it", "e altri 2"), ("de", "und 2 weitere"), ("en", "and 2 more")]
)
def test_listed_says_how_many_more_in_the_language(lang, more):
    with click.Context(cli) as ctx:
        ctx.meta[LANGUAGE] = lang
        assert listed([str(i) for i in range(12)]) == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 " + more


@pytest.mark.parametrize("lang", LANGS)
def test_nothing_to_do_is_said_in_the_language(lang, tmp_path):
    code, _, err = run("--lang", lang, "complaints", "kpis", "--db", tmp_path / "nope.db")
    assert code == 1
    assert not english(err, ("Error", "no register", "check", "create one")), err


def test_english_stays_english(register):
    code, _, err = run("--lang", "en", "indicators", "show", "libraries.loans_per_usr")
    assert code == 1
    assert err.startswith("Error: unknown indicator 'libraries.loans_per_usr'; did you mean")
    code, out, _ = run("--lang", "en", "complaints", "check", "--db", register)
    assert code == 0
    assert "the register is sound: 4 complaints" in out
