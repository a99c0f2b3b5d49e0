"""The command line reads files as Italian offices write them (issue 12, defects 7 and 8).

Files are written here in the shapes of ``shared/samples/office-files``:
``;`` and CRLF, ``112.500`` for 112500, city names instead of ISTAT codes,
codes that lost their leading zero in Excel, accented text. They are saved
as Excel's "CSV UTF-8"; Windows-1252 files are read with a note (issue 17;
the reading options are tested in test_core_io_cli.py).
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.testing import isolated_plugins


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's messages in English (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


PLUGINS = ["libraries", "registry", "qclub"]

LOANS_2024 = {"022205": 112500, "016024": 88000, "021008": 118000}
POPULATION = {"022205": 119000, "016024": 120000, "021008": 107000}
NAMES = {"022205": "Trento", "016024": "Bergamo", "021008": "Bolzano"}


def run(*args: object) -> tuple[int, str, str]:
    with isolated_plugins(PLUGINS):
        result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def office_csv(path, rows: list[list[object]], *, encoding: str = "utf-8-sig"):
    """A CSV as Italian Excel saves it ("CSV UTF-8"): ; between fields, CRLF, a BOM."""
    text = "\r\n".join(";".join(str(v) for v in row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def _long(organizations: dict[str, object], value: dict[str, str] | None = None) -> list[list]:
    rows: list[list[object]] = [["organization", "period", "variable", "value", "nota"]]
    for code, given in organizations.items():
        loans = value[code] if value else LOANS_2024[code]
        rows.append([given, 2024, "libraries.loans", loans, "verificato dall’ufficio"])
        rows.append([given, 2024, "libraries.active_users", 10100, "è una stima"])
    return rows


def _loans_per_inhabitant(stdout: str) -> dict[str, float]:
    frame = pd.read_csv(io.StringIO(stdout), dtype={"organization": str})
    frame = frame[frame["indicator"] == "libraries.loans_per_inhabitant"]
    return dict(zip(frame["organization"], frame["value"], strict=True))


# -- defect 7: numbers --------------------------------------------------------


@pytest.fixture
def italian_thousands(tmp_path):
    written = {c: f"{v // 1000}.{v % 1000:03d}" for c, v in LOANS_2024.items()}  # 112.500
    return office_csv(tmp_path / "it.csv", _long({c: c for c in LOANS_2024}, written))


@pytest.mark.usefixtures("english")
def test_italian_thousands_without_numbers_is_an_error_with_the_hint(italian_thousands):
    code, out, err = run("indicators", "compute", italian_thousands, "-s", "libraries")
    assert code == 1
    assert out == ""
    first = err.splitlines()[0]
    assert first.startswith(f"Error: {italian_thousands}, row 1, column 'value': '112.500'")
    assert "--numbers it" in first


def test_numbers_it_reads_thousands_separators(italian_thousands):
    code, out, err = run(
        "indicators", "compute", italian_thousands, "-s", "libraries", "--numbers", "it",
        "--format", "csv",
    )  # fmt: skip
    assert code == 0, err
    got = _loans_per_inhabitant(out)
    for org, loans in LOANS_2024.items():
        assert got[org] == pytest.approx(loans / POPULATION[org])


def test_windows_1252_files_are_read_with_a_note(tmp_path):
    # issue 17: Italian Excel's "CSV" is read as Windows-1252, with a note naming the file
    path = office_csv(tmp_path / "cp1252.csv", _long({"022205": "022205"}), encoding="cp1252")
    code, out, err = run("indicators", "compute", path, "-s", "libraries", "--format", "csv")
    assert code == 0, err
    assert err.splitlines()[0].endswith(  # in the language of the command line (Italian)
        f": {path}: non è UTF-8; letto come Windows-1252 (cp1252, il 'CSV' di Excel su "
        "Windows). Se le lettere accentate non sono giuste, indicare la codifica del file "
        "(--encoding, encoding= in Python) o salvarlo come 'CSV UTF-8'"
    )
    assert _loans_per_inhabitant(out)["022205"] == pytest.approx(112500 / 119000)
    code, told, err = run(
        "indicators", "compute", path, "-s", "libraries", "--format", "csv", "--encoding", "cp1252"
    )
    assert code == 0, err
    assert "Windows-1252" not in err
    assert told == out


@pytest.mark.usefixtures("english")
def test_numbers_en_refuses_decimal_commas(tmp_path):
    path = office_csv(
        tmp_path / "x.csv",
        [["organization", "period", "variable", "value"],
         ["022205", 2024, "libraries.opening_hours_week", "47,5"]],
    )  # fmt: skip
    code, _, err = run("indicators", "check", path, "-s", "libraries", "--numbers", "en")
    assert code == 1
    assert "row 1, column 'value': '47,5' is not a number in the English" in err


def test_whole_number_variables_refuse_fractions(tmp_path):
    path = office_csv(tmp_path / "x.csv", _long({"022205": "022205"}, {"022205": "112,5"}))
    code, out, _ = run("indicators", "check", path, "-s", "libraries", "--format", "csv")
    assert code == 1
    problems = pd.read_csv(io.StringIO(out))
    assert problems["problem"].str.contains("whole number").tolist() == [True]


DATA_COMMANDS = [
    ("indicators", "check"),
    ("indicators", "compute"),
    ("indicators", "trends"),
    ("indicators", "targets"),
    ("benchmark",),
    ("composite",),
    ("dea",),
    ("caf", "score"),
    ("plan", "derive"),
    ("plan", "show"),
    ("standards", "check"),
    ("standards", "refunds"),
    ("survey", "validate"),
    ("survey", "score"),
    ("survey", "ipa"),
    ("survey", "compare"),
    ("survey", "benchmark"),
    ("report",),
    ("export", "opendata"),
    ("export", "excel"),
]


@pytest.mark.parametrize("command", DATA_COMMANDS, ids=" ".join)
def test_every_command_that_reads_numbers_takes_numbers(command):
    code, out, _ = run(*command, "--help")
    assert code == 0
    assert "--numbers [it|en]" in out


# -- defect 8: organizations --------------------------------------------------


def test_city_names_are_read_as_their_codes_with_a_note(tmp_path):
    path = office_csv(tmp_path / "names.csv", _long(NAMES))
    code, out, err = run("indicators", "compute", path, "-s", "libraries", "--format", "csv")
    assert code == 0, err
    got = _loans_per_inhabitant(out)
    assert set(got) == set(LOANS_2024)
    for org, loans in LOANS_2024.items():
        assert got[org] == pytest.approx(loans / POPULATION[org])
    assert "Nota:" in err  # in the language of the command (Italian by default)
    assert "'Trento' -> 022205 (Trento, dal nome)" in err


def test_codes_excel_stored_as_numbers_are_read_as_codes(tmp_path):
    path = tmp_path / "wide.xlsx"
    pd.DataFrame(
        {
            "organization": [22205, 16024, 21008],  # the leading zero is lost
            "period": 2024,
            "libraries.loans": [112500, 88000, 118000],
            "libraries.active_users": [10100, 10900, 9000],
        }
    ).to_excel(path, index=False, sheet_name="Dati 2024")
    code, out, err = run("indicators", "compute", path, "-s", "libraries", "--format", "csv")
    assert code == 0, err
    got = _loans_per_inhabitant(out)
    for org, loans in LOANS_2024.items():
        assert got[org] == pytest.approx(loans / POPULATION[org])
    assert "'16024' -> 016024" in err


@pytest.mark.usefixtures("english")
def test_unknown_organizations_are_a_one_line_error_with_suggestions(tmp_path):
    path = office_csv(tmp_path / "names.csv", _long({"022205": "Trentoo", "016024": "016024"}))
    code, out, err = run("indicators", "compute", path, "-s", "libraries")
    assert code == 1
    assert out == ""
    assert err.splitlines()[0] == (
        f"Error: {path}, row 1, column 'organization': unknown organization 'Trentoo' (the "
        "catalog has 8 organizations: use one's code or name, or add it to a plugin or a "
        "--definitions file); did you mean Trento (022205)?"
    )


def test_benchmark_of_city_names_ranks_the_catalogs_cities(tmp_path):
    path = office_csv(tmp_path / "names.csv", _long(NAMES))
    code, out, err = run(
        "benchmark", path, "-i", "libraries.loans_per_inhabitant", "--format", "csv"
    )
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out), dtype={"organization": str})
    assert sorted(table["organization"]) == sorted(LOANS_2024)
    assert table["n"].tolist() == [3, 3, 3]
    best = table.loc[table["rank"] == 1, "organization"].tolist()
    assert best == ["021008"]  # Bolzano: 118000 / 107000


def test_standards_check_reads_organizations_by_name(tmp_path):
    path = office_csv(
        tmp_path / "values.csv",
        [["organization", "period", "indicator", "value"],
         ["Trento", 2024, "libraries.opening_hours", "47,5"]],
    )  # fmt: skip
    code, out, err = run(
        "standards", "check", "--values", path, "--standard", "libraries.std.opening_hours",
        "--format", "csv",
    )  # fmt: skip
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out), dtype={"organization": str})
    assert table["organization"].tolist() == ["022205"]
    assert table["value"].tolist() == [47.5]


def test_survey_responses_with_stripped_codes(tmp_path):
    from qualitapa import Catalog

    with isolated_plugins(PLUGINS):
        catalog = Catalog.build()
    source = catalog.datasets["registry.demo.survey"].path
    responses = pd.read_csv(source, dtype={"organization": str})
    responses = responses[responses["organization"].isin(["001272", "022205"])]
    responses["organization"] = responses["organization"].str.lstrip("0")
    path = tmp_path / "responses.csv"
    responses.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    code, out, err = run(
        "survey", "score", "registry.counter", path, "--by", "organization", "--format", "csv"
    )
    assert code == 0, err
    scores = pd.read_csv(io.StringIO(out), dtype={"organization": str})
    assert set(scores["organization"]) == {"001272", "022205"}
    assert "'1272' -> 001272" in err


def test_complaints_import_stores_the_catalogs_codes(tmp_path):
    path = office_csv(
        tmp_path / "reclami.csv",
        [["id", "kind", "channel", "service", "received_at", "organization", "description",
          "status", "answered_at"],
         ["2024/000101", "complaint", "pec", "registry", "2024-01-08", "22205",
          "Attesa di due ore allo sportello, è inaccettabile", "answered", "2024-01-22"]],
    )  # fmt: skip
    db = tmp_path / "reclami.db"
    code, _, err = run("complaints", "init", "--db", db)
    assert code == 0, err
    code, _, err = run("complaints", "import", path, "--db", db)
    assert code == 0, err
    assert "'22205' -> 022205" in err
    code, out, err = run("complaints", "export", "--db", db)
    assert code == 0, err
    exported = pd.read_csv(io.StringIO(out), dtype=str)
    assert exported["organization"].tolist() == ["022205"]


def test_data_on_a_second_sheet_is_pointed_at(tmp_path):
    path = tmp_path / "second.xlsx"
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"Note": ["Dati biblioteche 2023-2024"]}).to_excel(
            book, sheet_name="Leggimi", index=False
        )
        pd.DataFrame(
            {"organization": ["022205"], "period": [2024], "variable": ["libraries.loans"],
             "value": [112500]}
        ).to_excel(book, sheet_name="Dati", index=False)  # fmt: skip
    code, out, err = run("indicators", "compute", path, "-s", "libraries")
    assert code == 1
    assert out == ""
    assert "la cartella di lavoro ha i fogli 'Leggimi', 'Dati'" in one_line(err)  # --lang it


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]
