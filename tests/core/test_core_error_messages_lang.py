"""The library's errors on real office files are said in ``--lang`` (issue 17).

Number, date and table reading, organization resolution and indicator data
build their messages as :class:`qualitapa.errors.Message` (English text,
Italian msgid): ``str(error)`` stays the English it was, the command line
writes the sentence and the ``problem`` column of its failure tables in
Italian or German, and ``--lang en`` gives the same English as ``str()``.
"""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.catalog import Catalog
from qualitapa.cli import cli
from qualitapa.errors import DataError, Message, UnknownValueError, said
from qualitapa.i18n import N_, translator
from qualitapa.io import read_table
from qualitapa.models import Organization
from qualitapa.testing import isolated_plugins

PLUGINS = ["libraries", "registry", "qclub"]
EXAMPLES = Path(__file__).parents[2] / "docs" / "examples" / "your-own-data"

#: English words of the messages before they were translated (whole words, any case).
ENGLISH = (
    "is",
    "the",
    "ambiguous",
    "declare",
    "declared",
    "convention",
    "correct",
    "cell",
    "reads",
    "month",
    "first",
    "year",
    "required",
    "missing",
    "found",
    "workbook",
    "sheet",
    "sheets",
    "give",
    "unknown",
    "did you mean",
    "use",
    "code",
    "organizations",
    "catalog",
    "or",
    "not",
    "number",
    "negative",
    "cannot",
    "text",
    "save",
)


def english(text: str) -> list[str]:
    """The English words of :data:`ENGLISH` in ``text``, outside quotes and options."""
    text = re.sub(r"'[^']*'", "", text)  # values and column names as the file has them
    text = re.sub(r"--[\w-]+|\w+=", "", text)  # options (--numbers, numbers=) are not words
    return [w for w in ENGLISH if re.search(rf"(?<![\w.%/-]){re.escape(w)}(?![\w])", text, re.I)]


def run(*args: object) -> tuple[int, str]:
    with isolated_plugins(PLUGINS):
        result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stderr + result.stdout  # check's table is on stdout


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("office")
    complaints = (EXAMPLES / "complaints_cp1252_semicolon_ddmmyyyy.csv").read_bytes()
    bad_date = complaints.replace(b"08/01/2024", b"01/31/2024", 1)
    assert bad_date != complaints
    (folder / "reclami.csv").write_bytes(bad_date)
    (folder / "senza_periodo.csv").write_text(
        "organization;variable;value\n022205;libraries.loans;5\n", encoding="utf-8"
    )
    (folder / "problemi.csv").write_text(
        "organization;period;variable;value\n022205;2024;libraries.loans;nd\n"
        "022205;2024;libraries.opening_hours_wek;47,5\n016024;2024;libraries.loans;-5\n",
        encoding="utf-8",
    )
    (folder / "codifica.csv").write_bytes(
        b"organization;period;variable;value\n022205;2024;libraries.loans;\x81\x8d\n"
    )
    (folder / "campi.csv").write_text(  # a value holding the separator, not quoted
        "organization;period;variable;value\n022205;2024;libraries.loans;5\n"
        "022205;2024;libraries.visits;47;5\n",
        encoding="utf-8",
    )
    return {p.stem: p for p in folder.iterdir()}


def _commands(files: dict[str, Path], db: Path) -> dict[str, list[object]]:
    thousands = EXAMPLES / "indicators_italian_thousands.csv"
    return {
        "ambiguous number": ["indicators", "compute", thousands, "-i", "libraries.opening_hours"],
        "not a number in the convention": ["indicators", "check", thousands, "--numbers", "en"],
        "date read month first": [
            "complaints",
            "import",
            files["reclami"],
            "--db",
            db,
            "--create",
        ],
        "unknown organization": [
            "indicators",
            "compute",
            EXAMPLES / "biblioteche_nome_errato.csv",
            "-i",
            "libraries.loans_per_inhabitant",
        ],
        "name of two organizations": [
            "indicators",
            "compute",
            EXAMPLES / "biblioteche_livo.csv",
            "-d",
            EXAMPLES / "comuni_livo.toml",
            "-i",
            "libraries.loans_per_user",
        ],
        "missing column": [
            "indicators",
            "compute",
            files["senza_periodo"],
            "-i",
            "libraries.opening_hours",
        ],
        "first sheet without the data": [
            "indicators",
            "compute",
            EXAMPLES / "indicators_second_sheet.xlsx",
            "-i",
            "libraries.loans_per_user",
        ],
        "no such sheet": [
            "indicators",
            "compute",
            EXAMPLES / "indicators_second_sheet.xlsx",
            "--sheet",
            "Data",
            "-i",
            "libraries.loans_per_user",
        ],
        "indicator data problems": ["indicators", "check", files["problemi"], "--numbers", "it"],
        "encoding": ["indicators", "check", files["codifica"]],
        "fields": ["indicators", "check", files["campi"]],
    }


CASES = (
    "ambiguous number",
    "not a number in the convention",
    "date read month first",
    "unknown organization",
    "name of two organizations",
    "missing column",
    "first sheet without the data",
    "no such sheet",
    "indicator data problems",
    "encoding",
    "fields",
)

#: What the English command line says of each case (the text of ``str(error)``).
SAID_IN_ENGLISH = {
    "ambiguous number": "'112.500' is ambiguous: 112500 in the Italian convention (1.234,5), "
    "112.5 in the English one (1,234.5); declare which with --numbers it or --numbers en "
    "(numbers='it' or 'en' in Python)",
    "not a number in the convention": "'47,5' is not a number in the English (1,234.5) "
    "convention declared; correct the cell, or declare --numbers it if the whole file is "
    "written Italian (1.234,5)",
    "date read month first": "'01/31/2024' is not a date: reads only month first: dates are "
    "read day first (31/01/2024); if the file writes month first, give --date-format "
    "%m/%d/%Y (date_format= in Python)",
    "unknown organization": "unknown organization 'Bergamno' (the catalog has 8 organizations: "
    "use one's code or name, or add it to a plugin or a --definitions file); did you mean "
    "Bergamo (016024)?",
    "name of two organizations": "'Livo' is the name of 2 organizations: Livo (013130), Livo "
    "(022106); use the code; did you mean Livo (013130) or Livo (022106)?",
    "missing column": "required column is missing (found: ['organization', 'variable', 'value'])",
    "first sheet without the data": "required column is missing (found: ['Note']); the "
    "workbook has sheets 'Leggimi', 'Dati' and the data are read from the first",
    "no sheet": "no sheet 'Data'; the workbook has 0: 'Leggimi', 1: 'Dati' (give --sheet a "
    "name or a number, 0 being the first)",
    "indicator data problems": "unknown variable; did you mean 'libraries.opening_hours_week'?",
    "fields": "5 fields, the header has 4: a separator too many, or a value holding the "
    "separator that is not in quotes (give the delimiter with --delimiter if it is not the one "
    "read)",
    "encoding": "not UTF-8 text, nor Windows-1252 (byte 0x81); give the file's encoding with "
    "--encoding (encoding= in Python; e.g. latin-1, utf-16), or save it as 'CSV UTF-8'",
}


@pytest.mark.parametrize("lang", ["it", "de"])
@pytest.mark.parametrize("case", CASES)
def test_no_english_sentence_in_an_italian_or_german_error(case, lang, files, tmp_path):
    code, err = run("--lang", lang, *_commands(files, tmp_path / "r.db")[case])
    assert code == 1, err
    assert err.strip(), case
    assert not english(err), (english(err), err)


@pytest.mark.parametrize("case", CASES)
def test_english_command_line_says_what_str_says(case, files, tmp_path):
    code, err = run("--lang", "en", *_commands(files, tmp_path / "r.db")[case])
    assert code == 1, err
    expected = SAID_IN_ENGLISH.get(case, SAID_IN_ENGLISH["no sheet"])
    assert expected in " ".join(err.split()), err


@pytest.mark.parametrize("lang", ["it", "de"])
def test_the_problem_column_is_in_the_language(lang, files):
    path = EXAMPLES / "indicators_italian_thousands.csv"
    code, err = run("--lang", lang, "indicators", "compute", path, "-i", "libraries.opening_hours")
    assert code == 1
    rows = err.splitlines()[2:]
    word = {"it": "numero ambiguo", "de": "mehrdeutige Zahl"}[lang]
    assert len(rows) == 2, err
    assert all(word in r for r in rows), err


def _error(call) -> DataError:
    with pytest.raises(DataError) as info:
        call()
    return info.value


def _library_errors(files: dict[str, Path]) -> dict[str, DataError]:
    cities = [Organization("022205", "Trento"), Organization("016024", "Bergamo"),
              Organization("013130", "Livo"), Organization("022106", "Livo")]  # fmt: skip

    class Cities:
        from qualitapa import hookimpl

        @hookimpl
        def qualitapa_organizations(self):
            return cities

    catalog = Catalog.build([Cities()], entrypoints=False)
    names = pd.DataFrame({"organization": ["Trento", "Bergamno", "Livo"], "value": [1, 2, 3]})
    thousands = EXAMPLES / "indicators_italian_thousands.csv"
    return {
        "ambiguous": _error(lambda: read_table(thousands)),
        "contradicts": _error(lambda: read_table(thousands, numbers="en")),
        "month first": _error(lambda: read_table(files["reclami"], encoding="cp1252")),
        "format": _error(
            lambda: read_table(files["reclami"], encoding="cp1252", date_format="%d.%m.%Y")
        ),
        "no sheet": _error(
            lambda: read_table(EXAMPLES / "indicators_second_sheet.xlsx", sheet="Data")
        ),
        "no file": _error(lambda: read_table(files["reclami"].with_name("nessuno.csv"))),
        "encoding": _error(lambda: read_table(files["codifica"])),
        "organizations": _error(lambda: catalog.resolve_organizations(names, source="x.csv")),
    }


def test_str_stays_english_and_the_english_catalog_says_the_same(files):
    errors = _library_errors(files)
    assert str(errors["ambiguous"]).endswith(
        "indicators_italian_thousands.csv, row 1, column 'value': "
        + SAID_IN_ENGLISH["ambiguous number"]
        + " (2 problem(s); see .failure_cases)"
    )
    assert str(errors["contradicts"]).endswith(
        "row 2, column 'value': " + SAID_IN_ENGLISH["not a number in the convention"]
        + " (2 problem(s); see .failure_cases)"
    )  # fmt: skip
    assert str(errors["month first"]).endswith(
        "reclami.csv, row 1, column 'received_at': " + SAID_IN_ENGLISH["date read month first"]
        + " (1 problem(s); see .failure_cases)"
    )  # fmt: skip
    assert str(errors["format"]).endswith(
        "reclami.csv, row 1, column 'answered_at': '22/01/2024' is not a date: not a date in the "
        "format %d.%m.%Y; correct the cell, or give the format the file uses with --date-format "
        "(date_format= in Python) (8 problem(s); see .failure_cases)"
    )
    assert str(errors["no sheet"]).endswith(
        "indicators_second_sheet.xlsx: " + SAID_IN_ENGLISH["no sheet"]
    )
    assert str(errors["no file"]).endswith("nessuno.csv: file not found")
    assert str(errors["encoding"]).endswith("codifica.csv, row 1: " + SAID_IN_ENGLISH["encoding"])
    org = errors["organizations"]
    assert isinstance(org, UnknownValueError)
    assert str(org) == (
        "x.csv, row 2, column 'organization': unknown organization 'Bergamno' (the catalog has "
        "4 organizations: use one's code or name, or add it to a plugin or a --definitions "
        "file); 2 unknown organizations in all; did you mean Bergamo (016024)? (2 problem(s); "
        "see .failure_cases)"
    )
    en = translator("en")
    for name, error in errors.items():
        assert error.render(en) == error.summary, name  # the en catalog says what str() says
        assert not isinstance(error.summary, Message)
        cases = error.failure_cases
        if cases is not None and "problem" in cases.columns:
            for problem in cases["problem"]:
                assert said(problem, en) == problem, (name, problem)
                assert said(problem, translator("it")) != problem, (name, problem)


def test_a_message_is_its_english_text_and_pickles():
    inner = Message("no such day", N_("giorno inesistente"))
    m = Message("{value} is not a date: {reason}", N_("{value} non è una data: {reason}"),
                value="'31/02/2024'", reason=inner)  # fmt: skip
    assert isinstance(m, str)
    assert m == "'31/02/2024' is not a date: no such day"
    assert m.render(translator("it")) == "'31/02/2024' non è una data: giorno inesistente"
    again = pickle.loads(pickle.dumps(m))
    assert again == m
    assert again.render(translator("it")) == m.render(translator("it"))
    error = pickle.loads(pickle.dumps(DataError(m, source="x.csv", row=3)))
    assert str(error) == "x.csv, row 3: '31/02/2024' is not a date: no such day"
