"""The command line's own usage errors in the command's language (issue 14).

Each message qualitapa's commands raise as a usage error (exit 2), not
click's, is an Italian msgid said in ``--lang``: Italian by default, German
with ``--lang de``, English (the text it always had) with ``--lang en``. The
usage line's ``[OPTIONS]``/``COMMAND`` words and the "did you mean a or b"
suggestions follow the language too.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.surveys import Instrument, Question, Scale, SurveyDimension
from qualitapa.testing import isolated_plugins


def _run(*args: object, plugins: tuple[str, ...] = ()) -> tuple[int, str]:
    with isolated_plugins(list(plugins)):
        result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="qualitapa")
    return result.exit_code, result.stderr


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a questionnaire, its responses, a CSV and margins to rake to."""
    d = tmp_path_factory.mktemp("inputs")
    likert = Scale.likert(5)
    questions = [
        Question("wait", "likert", "Attesa", dimension="time", scale=likert),
        Question("staff", "likert", "Cortesia", dimension="time", scale=likert),
    ]
    Instrument("counter", "Sportello", dimensions=[SurveyDimension("time", "Tempi")],
               questions=questions).to_xlsform(d / "form")  # fmt: skip
    pd.DataFrame(
        {"respondent": [f"r{i}" for i in range(12)], "wait": [1, 2, 3, 4, 5, 3] * 2,
         "staff": [2, 3, 4, 5, 1, 2] * 2}
    ).to_csv(d / "responses.csv", index=False)  # fmt: skip
    (d / "data.csv").write_text("organization,value\n022205,1\n", encoding="utf-8")
    (d / "margins.csv").write_text("variable,category,target\nsex,f,0.5\n", encoding="utf-8")
    return d


#: (arguments; in files' folder: {d}), the last line of stderr in Italian and in German.
CASES = [
    (["benchmark", "{d}/data.csv", "-o", "out.xls"],
     "Errore: Valore non valido per '-o' / '--output': non si può scrivere un file '.xls': "
     "usare .csv, .json, .ndjson, .xlsx, .parquet, .md, .html o .txt",
     "Fehler: Ungültiger Wert für '-o' / '--output': eine Datei '.xls' kann nicht geschrieben "
     "werden: .csv, .json, .ndjson, .xlsx, .parquet, .md, .html oder .txt verwenden"),
    (["benchmark", "{d}/data.csv", "-o", "out"],
     "Errore: Valore non valido per '-o' / '--output': non si può scrivere un file senza "
     "estensione: usare .csv, .json, .ndjson, .xlsx, .parquet, .md, .html o .txt",
     "Fehler: Ungültiger Wert für '-o' / '--output': eine Datei ohne Endung kann nicht "
     "geschrieben werden: .csv, .json, .ndjson, .xlsx, .parquet, .md, .html oder .txt "
     "verwenden"),
    (["benchmark", "{d}/data.csv", "--format", "csv", "-o", "out.xlsx"],
     "Errore: Valore non valido per '-o' / '--output': --format csv non corrisponde a out.xlsx (un "
     "file .xlsx si scrive come xlsx): togliere --format o chiamare il file out.csv",
     "Fehler: Ungültiger Wert für '-o' / '--output': --format csv passt nicht zu out.xlsx (eine "
     "Datei .xlsx wird als xlsx geschrieben): --format weglassen oder die Datei out.csv nennen"),
    (["plugin", "reference", "services", "--format", "md", "-o", "out.csv"],
     "Errore: Valore non valido per '-o' / '--output': --format md non corrisponde a out.csv: "
     "togliere --format o chiamare il file out.md",
     "Fehler: Ungültiger Wert für '-o' / '--output': --format md passt nicht zu out.csv: --format "
     "weglassen oder die Datei out.md nennen"),
    (["export", "opendata", "{d}/data.csv", "-o", "pkg.zip"],
     "Errore: Valore non valido per '-o' / '--output': pkg.zip è il nome di un file .zip, ma "
     "qui si scrive una cartella: chiamare la cartella senza estensione (ad es. pkg)",
     "Fehler: Ungültiger Wert für '-o' / '--output': pkg.zip ist der Name einer Datei .zip, "
     "hier wird aber ein Ordner geschrieben: den Ordner ohne Endung benennen (z. B. pkg)"),
    (["programme", "overdue", "--as-of", "31/02/2024"],
     "Errore: Valore non valido per --as-of: '31/02/2024' non è una data: scrivere 31/01/2024 "
     "o 2024-01-31",
     "Fehler: Ungültiger Wert für --as-of: '31/02/2024' ist kein Datum: 31/01/2024 oder "
     "2024-01-31 schreiben"),
    (["charter", "render", "registry", "--on", "domani"],
     "Errore: Valore non valido per --on: 'domani' non è una data: scrivere 31/01/2024 o "
     "2024-01-31",
     "Fehler: Ungültiger Wert für --on: 'domani' ist kein Datum: 31/01/2024 oder 2024-01-31 "
     "schreiben"),
    (["charter", "render", "registry", "--format", "pdf"],
     "Errore: un PDF si scrive in un file: indicare -o/--output (ad es. carta.pdf)",
     "Fehler: ein PDF wird in eine Datei geschrieben: -o/--output angeben (z. B. carta.pdf)"),
    (["programme", "import", "fogli", "{d}/data.csv", "--by", "anna"],
     "Errore: Valore non valido per SHEET: 'fogli' non è un foglio del programma: all, "
     "departments, people, roles, plans, activities, milestones, activity_status, meetings, "
     "meeting_actions, training_needs, courses, course_sessions, attendance, staff, "
     "certifications, audits, findings, practices",
     None),
    (["programme", "export", "-o", "programma.xlsx", "--pseudonymise"],
     "Errore: --pseudonymise richiede il segreto in $QUALITAPA_PSEUDONYM_KEY",
     "Fehler: --pseudonymise braucht das Geheimnis in $QUALITAPA_PSEUDONYM_KEY"),
    (["programme", "results"],
     "Errore: indicare i risultati ottenuti: --values, --compliance o --survey",
     "Fehler: die erzielten Ergebnisse angeben: --values, --compliance oder --survey"),
    (["programme", "training", "--needs", "--variables"],
     "Errore: --needs e --variables sono due tabelle diverse: indicarne una",
     "Fehler: --needs und --variables sind zwei verschiedene Tabellen: eine angeben"),
    (["practices", "suggest", "--organization", "Trento"],
     "Errore: indicare il benchmark: --benchmark FILE o --results CARTELLA",
     "Fehler: den Benchmark angeben: --benchmark DATEI oder --results ORDNER"),
    (["standards", "check"],
     "Errore: indicare --values, --deliveries o entrambi",
     "Fehler: --values, --deliveries oder beide angeben"),
    (["survey", "score", "{d}/form", "{d}/responses.csv", "--weights", "w", "--rake",
      "{d}/margins.csv"],
     "Errore: indicare --weights o --rake, non entrambi",
     "Fehler: --weights oder --rake angeben, nicht beide"),
    (["survey", "score", "{d}/form", "{d}/responses.csv", "--level", "items",
      "--include-local"],
     "Errore: --include-local vale solo con --level dimensions",
     "Fehler: --include-local gilt nur mit --level dimensions"),
    (["survey", "ipa", "{d}/form", "{d}/responses.csv", "--axes", "centro"],
     "Errore: Valore non valido per --axes: indicare mean, median o due numeri X,Y",
     "Fehler: Ungültiger Wert für --axes: mean, median oder zwei Zahlen X,Y angeben"),
    (["survey", "sample-size", "--confidence", "2"],
     "Errore: confidence deve essere in (0, 0.999999999999], non 2.0",
     "Fehler: confidence muss in (0, 0.999999999999] liegen, nicht 2.0"),
    (["programme", "overdue", "--lang", "1x"],
     "Errore: Valore non valido per '--lang': --lang deve essere un codice di lingua come 'it', "
     "'en', 'de' o 'de_IT', non '1x'",
     "Fehler: Ungültiger Wert für '--lang': --lang muss ein Sprachcode wie 'it', 'en', 'de' "
     "oder 'de_IT' sein, nicht '1x'"),
    (["survey", "sample-size", "--population", "50", "--n", "80"],
     "Errore: n non può superare population",
     "Fehler: n darf population nicht überschreiten"),
]  # fmt: skip


def _args(args: list[str], d: Path) -> list[str]:
    return [a.format(d=d) for a in args]


@pytest.mark.parametrize(
    ("args", "italian", "german"), CASES, ids=[" ".join(c[0][:2]) for c in CASES]
)
def test_a_usage_error_is_said_in_the_language(args, italian, german, files, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an -o written by mistake lands here
    monkeypatch.delenv("QUALITAPA_PSEUDONYM_KEY", raising=False)
    code, err = _run(*_args(args, files))
    assert code == 2, err
    assert err.splitlines()[-1] == italian
    if german is not None:
        code, err = _run("--lang", "de", *_args(args, files))
        assert code == 2, err
        assert err.splitlines()[-1] == german
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("args", "english"), [
    (["benchmark", "{d}/data.csv", "-o", "out.xls"],
     "Error: Invalid value for '-o' / '--output': cannot write a '.xls' file: use .csv, .json, "
     ".ndjson, .xlsx, .parquet, .md, .html or .txt"),
    (["programme", "results"],
     "Error: give the obtained results: --values, --compliance or --survey"),
    (["survey", "sample-size", "--confidence", "2"],
     "Error: confidence must be in (0, 0.999999999999], not 2.0"),
])  # fmt: skip
def test_in_english_a_usage_error_is_the_text_it_always_had(args, english, files):
    code, err = _run("--lang", "en", *_args(args, files))
    assert code == 2
    assert err.splitlines()[-1] == english


@pytest.mark.parametrize(
    ("lang", "group", "command"),
    [
        ("it", "Uso: qualitapa programme [OPZIONI] COMANDO [ARGOMENTI]...",
         "Uso: qualitapa programme overdue [OPZIONI]"),
        ("de", "Aufruf: qualitapa programme [OPTIONEN] BEFEHL [ARGUMENTE]...",
         "Aufruf: qualitapa programme overdue [OPTIONEN]"),
        ("en", "Usage: qualitapa programme [OPTIONS] COMMAND [ARGS]...",
         "Usage: qualitapa programme overdue [OPTIONS]"),
    ],
)  # fmt: skip
def test_the_usage_line_is_in_the_language(lang, group, command):
    code, err = _run("--lang", lang, "programme", "nope")
    assert code == 2
    assert err.splitlines()[0] == group
    code, err = _run("--lang", lang, "programme", "overdue", "--nope")
    assert code == 2
    assert err.splitlines()[0] == command


def test_the_reference_page_keeps_clicks_english_usage():
    from qualitapa.cli._reference import render_cli_reference

    page = render_cli_reference()
    assert "Usage: qualitapa [OPTIONS] COMMAND [ARGS]..." in page
    assert "OPZIONI" not in page


@pytest.mark.parametrize(
    ("lang", "alternatives"),
    [
        ("it", "registry.demo.indicators, registry.demo.deliveries o registry.demo.complaints?"),
        ("de", "registry.demo.indicators, registry.demo.deliveries oder registry.demo.complaints?"),
        ("en", "registry.demo.indicators, registry.demo.deliveries or registry.demo.complaints?"),
    ],
)
def test_suggestions_are_joined_with_the_languages_or(lang, alternatives):
    code, err = _run("--lang", lang, "indicators", "compute", "regstry.demo.indicators",
                     plugins=("registry",))  # fmt: skip
    assert code == 2
    assert err.splitlines()[-1].endswith(alternatives), err


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("it", "non si capisce il separatore (potrebbe essere ',' o ';': ognuno divide "
               "l'intestazione e le righe in altrettanti campi); indicarlo con --delimiter"),
        ("de", "das Trennzeichen ist nicht eindeutig (es könnte ',' oder ';' sein: jedes teilt "
               "Kopfzeile und Zeilen in gleich viele Felder); mit --delimiter angeben"),
        ("en", "cannot tell the delimiter (it could be ',' or ';': each splits the header and "
               "the rows into as many fields); give it with --delimiter"),
    ],
)  # fmt: skip
def test_an_undecidable_delimiter_is_said_in_the_language(lang, said, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("organization;period,variable\n022205;2024,libraries.loans\n")
    code, err = _run("--lang", lang, "indicators", "compute", path, plugins=("registry",))
    assert code == 1
    assert said in err.splitlines()[-1], err
