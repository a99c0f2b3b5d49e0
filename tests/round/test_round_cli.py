"""A whole round from the command line (issue 18): template -> fill -> collect -> benchmark.

The registry demo data of 2024 is split into one workbook per city, each
written by ``qualitapa template indicators`` and filled from the demo data;
``collect`` merges them; ``benchmark`` on the merged file and on the
workbooks directly gives exactly what it gives on the original demo data.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from qualitapa.catalog import default_catalog
from qualitapa.testing import isolated_plugins
from tests.round.conftest import PERIOD, PLUGINS, fill, run


@pytest.fixture(scope="module")
def _filled(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """One filled template per city of the demo data, for 2024 (written once per module)."""
    with isolated_plugins(PLUGINS):
        demo_file = default_catalog().datasets["registry.demo.indicators"].path
    default_catalog.cache_clear()
    demo = pd.read_csv(demo_file, dtype={"organization": str})
    folder = tmp_path_factory.mktemp("round")
    year = demo[demo["period"] == PERIOD]
    files = []
    for org, values in year.groupby("organization"):
        path = folder / f"scheda_{org}.xlsx"
        result = run("template", "indicators", "--service", "registry", "--organization", org,
                     "--period", PERIOD, "-o", path)  # fmt: skip
        assert result.exit_code == 0, result.output
        assert fill(path, values) > 0
        files.append(path)
    return files


@pytest.fixture
def round_files(_filled: list[Path], tmp_path: Path) -> list[Path]:
    """The filled templates, copied for one test to change."""
    return [Path(shutil.copy(p, tmp_path / p.name)) for p in _filled]


def _benchmark(*data: object) -> pd.DataFrame:
    result = run("benchmark", *data, "--service", "registry", "--period", PERIOD, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    return pd.read_csv(io.StringIO(result.stdout), dtype={"organization": str})


def test_a_whole_round_gives_the_benchmark_of_the_original_data(
    round_files: list[Path], demo_path: Path, tmp_path: Path
) -> None:
    merged = tmp_path / "merged.csv"
    collected = run("collect", *round_files, "-o", merged)
    assert collected.exit_code == 0, collected.output  # every required value was sent
    assert "completo (17)" in collected.stdout
    assert "Bergamo" in collected.stdout
    table = pd.read_csv(merged, dtype={"organization": str})
    assert list(table.columns) == ["organization", "period", "variable", "value", "source",
                                   "source_sheet", "source_row"]  # fmt: skip
    assert set(table["source"]) == {str(p) for p in round_files}
    original = _benchmark(demo_path)
    pd.testing.assert_frame_equal(_benchmark(merged), original)
    pd.testing.assert_frame_equal(_benchmark(*round_files), original)


def test_merged_values_are_the_demo_values(
    round_files: list[Path], demo: pd.DataFrame, tmp_path: Path
) -> None:
    merged = tmp_path / "merged.csv"
    run("collect", *round_files, "-o", merged)
    table = pd.read_csv(merged, dtype={"organization": str})
    year = demo[demo["period"] == PERIOD]
    expected = year.merge(table, on=["organization", "period", "variable"], how="inner")
    # every value of a variable in the template came back, exactly
    assert len(expected) == len(table)
    assert (expected["value_x"] == expected["value_y"]).all()


def test_a_filled_template_computes_as_it_is(round_files: list[Path]) -> None:
    result = run("indicators", "compute", round_files[0], "-s", "registry", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    values = pd.read_csv(io.StringIO(result.stdout), dtype={"organization": str})
    assert set(values["status"]) == {"ok"}
    assert values["organization"].nunique() == 1


def test_a_city_that_sent_nothing_is_missing_and_fails(round_files: list[Path]) -> None:
    expected = [a for p in round_files[1:] for a in ("--organization", p.stem[-6:])]
    result = run("collect", *round_files[1:], "--organization", "001272", *expected)
    assert result.exit_code == 1
    assert "Torino" in result.stdout
    assert "0 su 17, 17 mancanti" in result.stdout
    assert "17 mancanti" in result.stderr


def test_an_invalid_value_names_file_sheet_row_and_variable(
    round_files: list[Path], tmp_path: Path
) -> None:
    book = load_workbook(round_files[0])
    sheet = book.worksheets[1]
    sheet["D7"] = -5  # registry.fte: a negative staff (Excel's validation bypassed, e.g. pasted)
    book.save(round_files[0])
    result = run("collect", *round_files, "--show", "problems", "--format", "csv")
    assert result.exit_code == 1
    problems = pd.read_csv(io.StringIO(result.stdout))
    assert problems.loc[0, "source"] == str(round_files[0])
    assert problems.loc[0, "source_sheet"] == sheet.title
    assert problems.loc[0, "source_row"] == 7
    assert problems.loc[0, "variable"] == "registry.fte"
    assert "negative" in problems.loc[0, "problem"]
    status = run("collect", *round_files, "--show", "status", "--format", "csv")
    table = pd.read_csv(io.StringIO(status.stdout), dtype={"organization": str})
    fte = table[(table["organization"] == "001272") & (table["variable"] == "registry.fte")]
    assert fte["status"].tolist() == ["invalid"]


def test_two_files_with_different_values_for_a_record(
    round_files: list[Path], demo: pd.DataFrame, tmp_path: Path
) -> None:
    other = tmp_path / "torino_export.csv"
    year = demo[(demo["period"] == PERIOD) & (demo["organization"] == "001272")].copy()
    year.loc[year["variable"] == "registry.fte", "value"] += 1
    year.to_csv(other, index=False)
    result = run("benchmark", round_files[0], other, "-s", "registry", "-p", PERIOD)
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert f"{round_files[0]}, sheet 'Servizi demografici - Anagrafe', row 7" in first
    assert f"{other}, row " in first
    assert "registry.fte" in first
    collected = run("collect", round_files[0], other, "--show", "problems", "--format", "csv")
    assert collected.exit_code == 1
    problems = pd.read_csv(io.StringIO(collected.stdout))
    assert sorted(problems["source"]) == sorted([str(round_files[0]), str(other)])


def test_identical_records_in_two_files_are_kept_once_with_a_note(
    round_files: list[Path], demo: pd.DataFrame, tmp_path: Path
) -> None:
    other = tmp_path / "torino_export.csv"
    demo[(demo["period"] == PERIOD) & (demo["organization"] == "001272")].to_csv(other, index=False)
    alone = _benchmark(*round_files)
    result = run(
        "benchmark", *round_files, other, "-s", "registry", "-p", PERIOD, "--format", "csv"
    )
    assert result.exit_code == 0, result.stderr
    assert "lette una volta sola" in result.stderr
    assert str(other) in result.stderr
    pd.testing.assert_frame_equal(
        pd.read_csv(io.StringIO(result.stdout), dtype={"organization": str}), alone
    )


def test_changes_since_the_previous_round(round_files: list[Path], tmp_path: Path) -> None:
    previous = tmp_path / "previous.csv"
    run("collect", *round_files, "-o", previous)
    book = load_workbook(round_files[0])
    book.worksheets[1]["D7"] = 999.5
    book.save(round_files[0])
    result = run("collect", *round_files, "--previous", previous, "--show", "changes",
                 "--format", "csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    changes = pd.read_csv(io.StringIO(result.stdout), dtype={"organization": str})
    assert changes[["organization", "variable", "value"]].values.tolist() == [
        ["001272", "registry.fte", 999.5]
    ]
    assert "1 valore cambiato" in result.stderr


def test_dataset_ids_are_data(demo_path: Path) -> None:
    pd.testing.assert_frame_equal(_benchmark("registry.demo.indicators"), _benchmark(demo_path))


def test_an_unknown_source_is_a_usage_error_with_suggestions() -> None:
    result = run("benchmark", "registry.demo.indicator", "-s", "registry")
    assert result.exit_code == 2
    assert "registry.demo.indicators" in result.stderr


def test_a_city_export_with_problems_is_checked_row_by_row(tmp_path: Path) -> None:
    """A city's own CSV (names, ';', a typo) instead of the template: every problem named."""
    export = tmp_path / "trento.csv"
    export.write_text(
        "organization;period;variable;value\n"
        "Trento;2024;registry.fte;abc\n"
        "022205;2024;registry.cost;-5\n"
        "022205;2024;registry.certificats;10\n",
        encoding="utf-8",
    )
    result = run("collect", export)
    assert result.exit_code == 1
    assert "0 su 17, 15 mancanti, 2 non validi" in result.stdout  # the typo is not a value
    # the problems in Italian (they were printed in English before)
    assert f"{export}, riga 1, registry.fte: non è un numero" in result.stderr
    assert f"{export}, riga 2, registry.cost: valore negativo" in result.stderr
    assert "variabile sconosciuta; forse 'registry.certificates'?" in result.stderr
