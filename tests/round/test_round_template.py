"""The data-collection template: what a city office sees, and how it reads back (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from qualitapa._data_templates import (
    METADATA_SHEET,
    is_indicator_template,
    read_indicator_template,
    required_variables,
    write_indicator_template,
)
from qualitapa.catalog import default_catalog
from qualitapa.errors import DataError, DataWarning, OptionError, UnknownItemError
from qualitapa.io import read_sources, read_table
from tests.round.conftest import fill, run

SHEET = "Servizi demografici - Anagrafe"


def test_a_template_for_one_city(plugins: None, tmp_path: Path) -> None:
    path = write_indicator_template(
        tmp_path / "t.xlsx", default_catalog(), ["registry"], organizations=["016024"],
        period="2024",
    )  # fmt: skip
    book = load_workbook(path)
    assert book.sheetnames == ["Istruzioni", SHEET, METADATA_SHEET]
    assert book[METADATA_SHEET].sheet_state == "hidden"
    ws = book[SHEET]
    assert ws["B2"].value == 2024
    assert ws["B3"].value == "Bergamo (016024)"
    assert ws.freeze_panes == "B7"
    assert ws.protection.sheet
    header = [c.value for c in ws[6]]
    assert header == ["Voce", "Unità di misura", "Obbligatoria", "Valore", "Tipo",
                      "Valori ammessi", "Descrizione", "Codice"]  # fmt: skip
    codes = [ws.cell(row=r, column=8).value for r in range(7, ws.max_row + 1)]
    required = required_variables(default_catalog(), "registry", "016024")
    assert codes[: len(required)] == required  # the required ones first
    assert ws["A7"].protection.locked
    assert not ws["D7"].protection.locked
    first = default_catalog().variables[codes[0]]
    assert ws["A7"].value == first.label.it
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    counts = next(dv for dv in rules.values() if dv.type == "whole")
    assert counts.formula1 == "0"
    assert counts.error.startswith("Scrivere numero intero")
    integer = [c for c in codes if default_catalog().variables[c].integer]
    assert {ws.cell(row=7 + codes.index(c), column=4).coordinate for c in integer} == set(
        str(counts.sqref).split()
    )
    lines = [c.value for c in book["Istruzioni"]["A"] if c.value]
    assert lines[0] == "Scheda di rilevazione degli indicatori"
    assert any("Bergamo (016024)" in line for line in lines)


def test_several_cities_get_a_column_each(plugins: None, tmp_path: Path) -> None:
    path = write_indicator_template(
        tmp_path / "t.xlsx", default_catalog(), ["registry"],
        organizations=["001272", "022205"], period="2024",
    )  # fmt: skip
    ws = load_workbook(path)[SHEET]
    assert [ws["D6"].value, ws["E6"].value] == ["Torino (001272)", "Trento (022205)"]
    ws["D7"], ws["E7"] = 150, 60.5
    ws.parent.save(path)
    back = read_indicator_template(path)
    filled = back[back["value"].notna()]
    assert filled[["organization", "variable", "value"]].values.tolist() == [
        ["001272", "registry.fte", 150],
        ["022205", "registry.fte", 60.5],
    ]
    assert set(back["period"]) == {2024}
    assert back["source_row"].iloc[0] == 7


def test_a_blank_template_is_filled_with_the_city_and_period(plugins: None, tmp_path: Path) -> None:
    path = write_indicator_template(tmp_path / "t.xlsx", default_catalog(), ["registry"])
    ws = load_workbook(path)[SHEET]
    assert not ws["B2"].protection.locked
    assert not ws["B3"].protection.locked
    with pytest.raises(DataError, match=r"cell B3: the organization's code is not filled in"):
        read_indicator_template(path)
    ws["B3"], ws["D7"] = "Trento", 61
    ws.parent.save(path)
    with pytest.raises(DataError, match=r"cell B2: the period \(the year\) is not filled in"):
        read_indicator_template(path)
    ws["B2"] = "2024"
    ws.parent.save(path)
    with pytest.warns(DataWarning, match="Trento"):  # a name read as the code
        frame = read_sources([path], catalog=default_catalog())
    assert frame.values.tolist() == [["022205", 2024, "registry.fte", 61]]


def test_a_filled_template_is_raw_data_for_read_sources(
    plugins: None, tmp_path: Path, demo: pd.DataFrame
) -> None:
    path = tmp_path / "t.xlsx"
    write_indicator_template(path, default_catalog(), ["registry"], organizations=["016024"],
                             period="2024")  # fmt: skip
    year = demo[(demo["period"] == 2024) & (demo["organization"] == "016024")]
    fill(path, year)
    frame = read_sources([path])
    assert list(frame.columns) == ["organization", "period", "variable", "value"]
    merged = frame.merge(year, on=["organization", "period", "variable"])
    assert len(merged) == len(frame) == len(year)
    assert (merged["value_x"] == merged["value_y"]).all()
    assert is_indicator_template(path)
    assert not is_indicator_template(tmp_path / "nothing.xlsx")
    assert "organization" not in read_table(path, sheet=SHEET).columns  # as a table: the layout


def test_a_renamed_sheet_is_an_error_naming_it(plugins: None, tmp_path: Path) -> None:
    path = write_indicator_template(tmp_path / "t.xlsx", default_catalog(), ["registry"],
                                    organizations=["016024"], period="2024")  # fmt: skip
    book = load_workbook(path)
    book[SHEET].title = "Anagrafe"
    book.save(path)
    with pytest.raises(DataError, match="sheet 'Servizi demografici - Anagrafe' of the template"):
        read_indicator_template(path)


def test_wrong_requests(plugins: None, tmp_path: Path) -> None:
    with pytest.raises(OptionError, match=r"\.xlsx"):
        write_indicator_template(tmp_path / "t.csv", default_catalog(), ["registry"])
    with pytest.raises(UnknownItemError):
        write_indicator_template(tmp_path / "t.xlsx", default_catalog(), ["registri"])


def test_template_commands(plugins: None, tmp_path: Path) -> None:
    survey = run("template", "survey", "--instrument", "registry.counter",
                 "-o", tmp_path / "form.xlsx")  # fmt: skip
    assert survey.exit_code == 0, survey.output
    assert {"survey", "choices", "settings"} <= set(
        load_workbook(tmp_path / "form.xlsx").sheetnames
    )
    caf = run("template", "caf", "-o", tmp_path / "caf.csv")
    assert caf.exit_code == 0, caf.output
    assert len(pd.read_csv(tmp_path / "caf.csv")) == 28
    german = run("template", "indicators", "-s", "registry", "--organization", "021008",
                 "--lang", "de", "-o", tmp_path / "de.xlsx")  # fmt: skip
    assert german.exit_code == 0, german.output
    ws = load_workbook(tmp_path / "de.xlsx").worksheets[1]
    label = default_catalog().variables["registry.fte"].label
    assert label.de in [c.value for c in ws["A"]]
