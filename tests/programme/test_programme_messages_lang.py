"""The programme's sheet problems and click's usage errors in Italian (issue 14).

The training sheets' faults (``no such session of this course...``, ``more
hours than the session lasted``), the import problems table (``a value is
required``, ``sheet 'departments'``) and click's own messages (``Missing
option``, ``No such option``, ``Invalid value``) were English in the
Italian command line. ``str(error)`` stays the English it was; the command
line says it in ``--lang``.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.cli._click_words import _MODULES, CLICK_MESSAGES, click_in_language
from qualitapa.cli._headers import said_problems, worded
from qualitapa.cli._main import error_text
from qualitapa.errors import DataError
from qualitapa.programme import training_hours
from qualitapa.testing import isolated_plugins

ORG = "036023"

#: English words of the messages before they were translated (whole words, any case).
ENGLISH = ("no", "such", "session", "more", "hours", "than", "lasted", "sheet", "value",
           "required", "is", "not", "allowed", "did", "you", "mean", "or", "unknown", "the",
           "Missing", "option", "argument", "Invalid", "for", "Usage", "Error", "Try", "help",
           "integer", "inconsistent", "None", "courses", "negative", "number", "key",
           "repeats", "earlier", "row", "one", "of")  # fmt: skip


def english(text: str) -> list[str]:
    """The words of :data:`ENGLISH` in ``text``, outside quotes and options."""
    text = re.sub(r"'[^']*'", "", text)  # values, sheet and column names as the file has them
    text = re.sub(r"--[\w-]+", "", text)  # options are not words
    text = re.sub(r"\[OPTIONS\]|\b[A-Z]{2,}\b", "", text)  # metavars of the usage line
    return [w for w in ENGLISH if re.search(rf"(?<![\w-]){w}(?![\w-])", text, re.I)]


def test_the_helper_finds_english() -> None:
    found = english("Error: no such session (value '7.0') [OPTIONS] SHEET")
    assert set(found) == {"no", "such", "session", "value", "Error"}
    assert english("Errore: foglio 'no such session', riga 3") == []


def _sessions() -> pd.DataFrame:
    return pd.DataFrame({"organization": ORG, "course": ["C1", "C1"], "session": ["1", "2"],
                         "date": ["2024-03-05", "2024-03-12"], "hours": [3.0, 4.0]})  # fmt: skip


def _attendance() -> pd.DataFrame:
    # row 1: C1/2 lasted 4 hours, 5 attended; row 2: C1 has no session 9
    return pd.DataFrame({"organization": ORG, "course": ["C1", "C1"], "session": ["2", "9"],
                         "person": ["e1", "e2"], "department": ["S03", "S03"],
                         "hours_attended": [5.0, None]})  # fmt: skip


def _staff() -> pd.DataFrame:
    return pd.DataFrame({"organization": ORG, "year": [2024], "department": ["S03"],
                         "employees": [5]})  # fmt: skip


def _training_error() -> DataError:
    with pytest.raises(DataError) as caught:
        training_hours(_attendance(), _sessions(), _staff())
    return caught.value


def test_training_problems_said_in_italian() -> None:
    error = _training_error()
    # the library's text is the English it was
    assert str(error).startswith("sheet 'attendance', row 1, column 'hours_attended'")
    assert "more hours than the session lasted" in str(error)
    line = error_text(error, "it")
    assert line == ("foglio 'attendance', riga 1, colonna 'hours_attended': più ore di quante "
                    "ne sia durata la sessione (valore '5.0')")  # fmt: skip
    table = said_problems(worded(error.failure_cases, "it"), "it")
    assert table["message"].tolist() == [
        "più ore di quante ne sia durata la sessione",
        "il corso non ha questa sessione nel foglio 'course_sessions'",
    ]
    assert table["source"].tolist() == ["foglio 'attendance'"] * 2
    assert table["rule"].tolist() == ["incoerente", "valore sconosciuto"]
    words = table[["source", "rule", "message"]].astype(str).stack()  # not the sheet's names
    assert english(line + "\n" + "\n".join(words)) == []


def test_training_problems_in_english_are_the_library_text() -> None:
    error = _training_error()
    table = said_problems(error.failure_cases, "en")
    assert table["message"].tolist() == [
        "more hours than the session lasted",
        "no such session of this course in the course_sessions sheet",
    ]
    assert table["source"].tolist() == ["sheet 'attendance'"] * 2


def test_bad_numbers_repeated_keys_and_codes_in_italian() -> None:
    heads = _staff().astype(object)
    heads.loc[0, "employees"] = -5
    heads.loc[1] = [ORG, 2024, "S03", "dieci"]  # repeats row 1's key, not a number
    with pytest.raises(DataError) as caught:
        training_hours(_attendance().head(0), _sessions(), heads)
    table = said_problems(caught.value.failure_cases, "it")
    assert list(zip(table["row"], table["column"], table["message"], strict=True)) == [
        (1, "employees", "un numero negativo"),
        (2, "department", "la chiave (organization, year, department) ripete una riga precedente"),
        (2, "employees", "non è un numero"),
    ]


def _office(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.csv"
    path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    return path


def _run(*args: object) -> tuple[int, str, str]:
    with isolated_plugins(["qclub", "modena", "registry"]):
        result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="qualitapa")
    return result.exit_code, result.stdout, result.stderr


def test_import_problems_table_in_italian(tmp_path: Path) -> None:
    db = tmp_path / "programma.db"
    assert _run("programme", "init", "--db", db)[0] == 0
    bad = _office(tmp_path, "settori", "organization;department;name_it;name_de;kind\n"
                  "036023;;Servizi demografici;Meldeamt;settore\n"
                  "036023;PM;;Ortspolizei;settorx\n")  # fmt: skip
    code, _, err = _run("programme", "import", "departments", bad, "--db", db, "--by", "q")
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == (f"Errore: {bad}, foglio 'departments', riga 1, colonna 'department': "
                        "manca un valore obbligatorio (3 problemi:)")  # fmt: skip
    assert "'settorx' non è ammesso; forse settore?" in err
    assert err.count(f"{bad}, foglio 'departments'") == 4  # the first line and 3 rows
    assert english(err.replace(str(bad), "")) == []
    # the same in English: the library's words
    code, _, err = _run("--lang", "en", "programme", "import", "departments", bad, "--db", db,
                        "--by", "q")  # fmt: skip
    assert "'settorx' is not allowed; did you mean settore?" in err
    assert f"{bad}, sheet 'departments'" in err


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("it", "'yesno' non è ammesso; forse yes o no?"),
        ("de", "'yesno' ist nicht zulässig; meinten Sie yes oder no?"),
    ],
)
def test_the_first_line_s_suggestions_are_joined_as_the_language_joins_them(
    tmp_path: Path, lang: str, said: str
) -> None:
    # before: 'forse yes, no?' (the problem table's comma list) in every language
    # ('sì' itself is read as yes: a code is also named by its labels)
    db = tmp_path / "programma.db"
    assert _run("programme", "init", "--db", db)[0] == 0
    people = _office(tmp_path, "persone", "person;name;public\np01;Anna Bianchi;yesno\n")
    code, _, err = _run("--lang", lang, "programme", "import", "people", people, "--db", db,
                        "--by", "q")  # fmt: skip
    assert code == 1
    (first,) = [line for line in err.splitlines() if line.startswith(("Errore:", "Fehler:"))]
    assert said in first


def test_an_unknown_reference_in_italian(tmp_path: Path) -> None:
    db = tmp_path / "programma.db"
    assert _run("programme", "init", "--db", db)[0] == 0
    activities = _office(tmp_path, "attivita", "organization;year;activity;type;department;"
                         "title_it\n036023;2024;A1;survey;S3;Indagine\n")  # fmt: skip
    code, _, err = _run("programme", "import", "activities", activities, "--db", db,
                        "--by", "q")  # fmt: skip
    # no departments imported yet: the sheet is empty
    assert code == 1
    assert "settore sconosciuto 'S3': il foglio 'departments' è ancora vuoto" in err, err
    assert english(err.replace(str(activities), "")) == []


# -- click's own messages --------------------------------------------------------------------

USAGE_ERRORS = [
    # (command line, what click says in Italian)
    (["programme", "import", "departments"], "Errore: Manca l'argomento 'FILE'."),
    (["programme", "training", "--nope"], "Errore: Opzione sconosciuta '--nope'. Forse '--needs'?"),
    (["programme", "training", "--year", "tre"],
     "Errore: Valore non valido per '--year': 'tre' non è un numero valido."),
    (["programme", "trainin"], "Errore: Comando sconosciuto 'trainin'. Forse 'training'?"),
    (["programme", "training", "--by", "persone"],
     "Errore: Valore non valido per '--by': 'persone' non è tra 'department', 'person', "
     "'course'."),
    (["programme", "export"], "Errore: Manca l'opzione '-o' / '--output'."),
    (["programme", "training", "--db"], "Errore: L'opzione '--db' richiede un valore."),
    # the command line's own usage errors
    (["plan", "derive", "-o", "piano.csv"],
     "Errore: indicare almeno uno tra --caf, --compliance, --survey, --benchmark e "
     "--complaints"),
    (["-q", "-v", "programme", "training"], "Errore: --quiet e --verbose si escludono a vicenda"),
    (["indicators", "compute", "regstry.demo.indicators"],
     "Errore: Valore non valido per 'DATA...': 'regstry.demo.indicators' non è né un file né "
     "un insieme di dati dei plugin installati; forse registry.demo.indicators, "
     "registry.demo.deliveries o registry.demo.complaints?"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "said"), USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS])
def test_click_usage_errors_in_italian(args: list[str], said: str) -> None:
    code, out, err = _run(*args)
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert lines[-1] == said
    if len(lines) > 1:  # the usage, and where to find help
        assert lines[0].startswith("Uso: qualitapa ")
        assert lines[1].startswith("Per l'aiuto: 'qualitapa ")
    assert english(err) == []


def test_click_usage_errors_follow_the_language() -> None:
    # English: click's own text, as it was
    code, _, err = _run("--lang", "en", "programme", "training", "--nope")
    assert code == 2
    assert err.splitlines()[0].startswith("Usage: qualitapa programme training")
    assert err.splitlines()[-1] == "Error: No such option '--nope'. Did you mean '--needs'?"
    # the root's own error, in the root's language (English: the text it always had)
    code, _, err = _run("--lang", "en", "-q", "-v", "programme", "training")
    assert err.splitlines()[-1] == "Error: --quiet and --verbose exclude each other"
    # German: the root's word, and no English (click's messages wait for the catalog)
    code, _, err = _run("--lang", "de", "programme", "training", "--nope")
    assert err.splitlines()[-1].startswith("Fehler: ")
    assert "No such option" not in err
    # the environment's language, the root option not given
    with isolated_plugins(["qclub"]):
        result = CliRunner().invoke(cli, ["programme", "trainin"], env={"QUALITAPA_LANG": "en"})
    assert "Error: No such command 'trainin'." in result.stderr


def test_click_is_left_as_it_was() -> None:
    import gettext
    import sys

    _run("programme", "training", "--nope")
    for name in _MODULES:
        assert sys.modules[name]._ is gettext.gettext
    # outside the command click speaks English again
    result = CliRunner().invoke(click.Command("c", params=[click.Option(["--n"], type=int)]),
                                ["--n", "x"])  # fmt: skip
    assert "Invalid value for '--n'" in result.stderr


def test_every_click_message_is_one_click_has() -> None:
    import inspect
    import sys

    source = "".join(inspect.getsource(sys.modules[name]) for name in _MODULES)
    for english_text, italian in CLICK_MESSAGES.items():
        written = english_text.replace("\n", "\\n").replace("\t", "\\t")
        assert f'"{written}"' in source, english_text  # click renamed it: update the table
        fields = set(re.findall(r"\{(\w+)", italian))
        assert fields <= set(re.findall(r"\{(\w+)", english_text)), english_text


def test_the_patch_nests_and_restores() -> None:
    import sys

    before = sys.modules["click.exceptions"]._  # type: ignore[attr-defined]
    with click_in_language(), click_in_language():
        assert sys.modules["click.exceptions"]._ is not before  # type: ignore[attr-defined]
    assert sys.modules["click.exceptions"]._ is before  # type: ignore[attr-defined]
