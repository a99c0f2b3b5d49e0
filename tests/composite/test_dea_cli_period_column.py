"""`dea --malmquist` without its periods' column: said in --lang, the likely column suggested.

The command used to stop at the reader's "required column is missing (found:
['comune', 'anno', ...])": a Python list, and no hint that ``--period-column
anno`` was what the clerk needed (review s36 #43).
"""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli

CITIES = ["022205", "015146", "001272"]


def _panel(tmp_path, periods, *, suffix: str = "") -> str:
    frame = pd.DataFrame(
        {
            "comune": CITIES * 2,
            "note": ["a", "b", "c"] * 2,
            "anno": [periods[0]] * 3 + [periods[1]] * 3,
            "staff": [2, 3, 5, 4, 4, 1],
            "acts": [1, 4, 6, 3, 5, 1],
        }
    )
    path = tmp_path / f"panel{suffix}.csv"
    frame.to_csv(path, index=False)
    return str(path)


def _malmquist(lang: str, path: str):
    args = ["--inputs", "staff", "--outputs", "acts", "--malmquist"]
    return CliRunner().invoke(
        cli, ["--lang", lang, "dea", path, *args, "--organization-column", "comune"]
    )


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("it", "manca la colonna dei periodi 'period' (colonne trovate: comune, note, anno, staff"),
        ("de", "die Spalte der Perioden 'period' fehlt (gefundene Spalten: comune, note, anno"),
        ("en", "the column of the periods 'period' is missing (columns found: comune, note"),
    ],
)
def test_the_missing_period_column_is_said_with_the_option(tmp_path, lang, words) -> None:
    result = _malmquist(lang, _panel(tmp_path, [2023, 2024]))
    assert result.exit_code == 1
    assert words in result.output
    assert "--period-column anno" in result.output  # the column of years, not 'note'
    assert "['" not in result.output  # no Python list
    assert "required column" not in result.output


@pytest.mark.parametrize("periods", [["2024Q1", "2024Q2"], ["2024-01", "2024-02"]])
def test_quarters_and_months_look_like_periods(tmp_path, periods) -> None:
    result = _malmquist("it", _panel(tmp_path, periods))
    assert "--period-column anno" in result.output


def test_without_a_column_of_periods_the_error_asks_for_one(tmp_path) -> None:
    path = _panel(tmp_path, ["primo", "secondo"])
    result = _malmquist("de", path)
    assert result.exit_code == 1
    assert "den Daten eine Spalte mit den Perioden hinzufügen" in result.output
    assert "--period-column anno" not in result.output
