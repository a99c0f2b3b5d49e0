"""A data column named like a provenance column is never lost nor overwritten (read_sources).

``read_sources`` adds ``source, source_sheet, source_row`` (PROVENANCE_COLUMNS)
to say where each row comes from. An improvement plan has a ``source`` column
of its own (what the action answers to: benchmark, certification ...): read
alone it must come back as written, and where provenance is needed the clash
is a typed error naming the file and the column.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.cli import cli
from qualitapa.errors import DataError
from qualitapa.io import PROVENANCE_COLUMNS, read_sources, read_table

PLAN = pd.DataFrame(
    {
        "id": ["b1", "c1"],
        "title": ["Ridurre i tempi di attesa", "Chiudere la non conformità minore"],
        "source": ["benchmark", "certification"],
    }
)


def test_one_plan_keeps_its_source_column(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    PLAN.to_csv(path, index=False)
    frame = read_sources([path])
    assert frame["source"].tolist() == ["benchmark", "certification"]  # not 'plan.csv'
    assert list(frame.columns) == ["id", "title", "source"]


@pytest.mark.parametrize("column", PROVENANCE_COLUMNS)
def test_a_clash_with_provenance_is_an_error_naming_file_and_column(
    tmp_path: Path, column: str
) -> None:
    path = tmp_path / "plan.csv"
    PLAN.drop(columns="source").assign(**{column: "x"}).to_csv(path, index=False)
    with pytest.raises(DataError) as info:
        read_sources([path], provenance=True)
    assert info.value.source == str(path)
    assert info.value.column == column
    other = tmp_path / "other.csv"
    PLAN.to_csv(other, index=False)
    with pytest.raises(DataError) as info:  # several sources always get provenance
        read_sources([other, path])
    assert info.value.column is not None


def test_provenance_without_a_clash_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    PLAN.drop(columns="source").to_csv(path, index=False)
    frame = read_sources([path], provenance=True)
    assert list(frame.columns) == ["id", "title", *PROVENANCE_COLUMNS]
    assert frame["source"].tolist() == [str(path)] * 2
    assert frame["source_row"].tolist() == [1, 2]


_NAMES = st.one_of(
    st.sampled_from([*PROVENANCE_COLUMNS, "source_file", "sources", "id", "title"]),
    st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
)


@settings(max_examples=40, deadline=None)
@given(names=st.lists(_NAMES, min_size=1, max_size=5, unique=True), rows=st.integers(1, 4))
def test_read_sources_of_one_file_keeps_every_data_column(names: list[str], rows: int) -> None:
    # values: letters only, so that no column is read as numbers or dates
    data = pd.DataFrame({n: [f"v{chr(97 + i)}{chr(97 + j)}" for i in range(rows)]
                         for j, n in enumerate(names)})  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.csv"
        data.to_csv(path, index=False)
        expected = read_table(path)
        frame = read_sources([path])
        pd.testing.assert_frame_equal(frame, expected)
        for name in names:
            assert name in frame.columns
            assert frame[name].tolist() == data[name].tolist()
        clash = [n for n in names if n in PROVENANCE_COLUMNS]
        if clash:
            with pytest.raises(DataError) as info:
                read_sources([path], provenance=True)
            assert info.value.column == clash[0]
        else:
            with_provenance = read_sources([path], provenance=True)
            pd.testing.assert_frame_equal(with_provenance[names], expected[names])


def test_plan_show_lists_each_action_with_its_source(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    PLAN.to_csv(path, index=False)
    runner = CliRunner()
    shown = runner.invoke(cli, ["--lang", "it", "plan", "show", str(path), "--format", "csv"])
    assert shown.exit_code == 0, shown.output
    table = pd.read_csv(__import__("io").StringIO(shown.stdout))
    assert dict(zip(table["id"], table["source"], strict=True)) == {
        "b1": "benchmark",
        "c1": "certification",
    }
    screen = runner.invoke(cli, ["--lang", "it", "plan", "show", str(path)])
    assert screen.exit_code == 0, screen.output
    assert "File di origine" not in screen.stdout  # the action's source is not a file
    assert "Origine dell'azione" in screen.stdout
    # sources and statuses in words on screen (they were the English codes)
    for word in ("confronto tra enti", "certificazione", "proposta", "Scadenza", "Responsabile"):
        assert word in screen.stdout, word
    for code in ("benchmark", "certification", "proposed", "expected_effect"):
        assert code not in screen.stdout, code


def test_a_round_file_with_a_source_column_is_a_problem_naming_it(
    plugins: None, tmp_path: Path
) -> None:
    from qualitapa.catalog import default_catalog
    from qualitapa.rounds import collect

    good = tmp_path / "good.csv"
    pd.DataFrame({"organization": ["022205"], "period": 2024, "variable": "registry.fte",
                  "value": [60.0]}).to_csv(good, index=False)  # fmt: skip
    noted = tmp_path / "noted.csv"  # where each value comes from, in the city's words
    row = {"organization": ["016024"], "period": 2024, "variable": "registry.fte",
           "value": [40.0], "source": ["conto annuale"]}  # fmt: skip
    pd.DataFrame(row).to_csv(noted, index=False)
    data = collect([good, noted], catalog=default_catalog())
    assert data.data["source"].tolist() == [str(good)]  # not overwritten with the file name
    problem = data.problems[data.problems["source"] == str(noted)]
    assert problem["variable"].tolist() == ["source"]
