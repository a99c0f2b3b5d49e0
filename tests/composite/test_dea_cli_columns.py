"""`qualitapa dea`: the organizations' column by another name, the Malmquist periods and count.

A file whose organizations are in ``ente`` used to give scores for rows 0, 1,
2 (the frame's index); now the command says which column it looked for, the
columns it found and the option to name it (review R1, session 35).
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli

CITIES = ["022205", "015146", "001272", "010025", "027042"]
STAFF = [2, 3, 5, 4, 4, 1, 2, 4, 3, 4]
CERTIFICATES = [1, 4, 6, 3, 5, 1, 4, 6, 3, 3]


def _invoke(lang: str, *args: str):
    return CliRunner().invoke(cli, ["--lang", lang, "dea", *args])


@pytest.fixture
def ente(tmp_path):
    path = tmp_path / "ente.csv"
    frame = pd.DataFrame({"ente": CITIES, "staff": STAFF[:5], "certificati": CERTIFICATES[:5]})
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("it", "manca la colonna degli enti 'organization' (colonne trovate: ente, staff"),
        ("en", "no organization column 'organization' (columns found: ente, staff"),
        ("de", "die Spalte der Körperschaften 'organization' fehlt (gefundene Spalten: ente"),
    ],
)
def test_a_missing_organization_column_is_named_with_the_option(ente, lang, words):
    result = _invoke(lang, str(ente), "--inputs", "staff", "--outputs", "certificati")
    assert result.exit_code == 1
    assert words in result.output
    assert "--organization-column ente" in result.output  # the first other column


def test_without_another_column_the_error_asks_for_one(tmp_path):
    path = tmp_path / "bare.csv"
    pd.DataFrame({"staff": [1, 2, 3], "acts": [1, 2, 2]}).to_csv(path, index=False)
    result = _invoke("en", str(path), "--inputs", "staff", "--outputs", "acts")
    assert result.exit_code == 1
    assert "add a column with the organizations' codes" in result.output


@pytest.mark.parametrize("extra", [[], ["--rts", "fdh"], ["--bootstrap", "20"]])
def test_the_organization_column_option_names_the_rows(ente, extra):
    base = [str(ente), "--inputs", "staff", "--outputs", "certificati", "--format", "json"]
    result = _invoke("it", *base, "--organization-column", "ente", *extra)
    assert result.exit_code == 0, result.output
    assert [r["organization"] for r in json.loads(result.output)] == CITIES


def _panel(tmp_path, periods, *, organization="organization", period="period", suffix=".csv"):
    frame = pd.DataFrame(
        {
            organization: CITIES * 2,
            period: [periods[0]] * 5 + [periods[1]] * 5,
            "staff": STAFF,
            "certificates": CERTIFICATES,
        }
    )
    path = tmp_path / f"panel{suffix}"
    if suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


def test_malmquist_with_both_columns_named_otherwise(tmp_path):
    path = _panel(tmp_path, [2023, 2024], organization="comune", period="anno")
    args = [str(path), "--inputs", "staff", "--outputs", "certificates", "--malmquist"]
    result = _invoke("it", *args, "--period-column", "anno", "--format", "json")
    assert result.exit_code == 1
    assert "--organization-column comune" in result.output  # not anno: it is the period
    result = _invoke(
        "it",
        *args,
        "--period-column",
        "anno",
        "--organization-column",
        "comune",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    rows = {r["organization"]: r for r in json.loads(result.output)}
    # DataEnvelopmentAnalysis.jl's worked example, as in test_dea_malmquist_cli.py
    assert rows["022205"]["malmquist"] == pytest.approx(2.0)
    assert rows["022205"]["period_from"] == "2023"


@pytest.mark.parametrize(
    ("lang", "header"),
    [("it", "Enti confrontati"), ("en", "Organizations compared"), ("de", "Verglichene")],
)
def test_malmquist_summary_counts_organizations_in_words(tmp_path, lang, header):
    path = _panel(tmp_path, [2023, 2024])
    args = [str(path), "--inputs", "staff", "--outputs", "certificates", "--malmquist"]
    result = _invoke(lang, *args, "--show", "summary")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    head = next(line for line in lines if header in line)
    assert not head.rstrip().endswith(" N")
    assert lines[-1].split()[:2] == ["2023", "2024"]
    assert lines[-1].split()[-1] == "5"
    machine = _invoke(lang, *args, "--show", "summary", "--format", "csv")
    assert machine.output.splitlines()[0].endswith(",n")  # files keep the column name


@pytest.mark.parametrize(
    ("periods", "shown", "suffix"),
    [
        ([dt.datetime(2023, 12, 31), dt.datetime(2024, 12, 31)], "2023-12-31", ".xlsx"),
        (["2024Q1", "2024Q2"], "2024Q1", ".csv"),
        ([2023.0, 2024.0], "2023", ".csv"),
    ],
)
def test_malmquist_periods_as_the_data_name_them(tmp_path, periods, shown, suffix):
    path = _panel(tmp_path, periods, suffix=suffix)
    args = [str(path), "--inputs", "staff", "--outputs", "certificates", "--malmquist"]
    for fmt in ("table", "csv"):
        result = _invoke("it", *args, "--format", fmt)
        assert result.exit_code == 0, result.output
        assert shown in result.output
        assert "00:00:00" not in result.output
        assert "2023.0" not in result.output
